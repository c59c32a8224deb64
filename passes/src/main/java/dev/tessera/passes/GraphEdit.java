package dev.tessera.passes;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Small edits on a {@link Graph.Builder} shared by the passes: rewiring the readers of a tensor, removing a node that
 * only forwards its input, dropping constants and types that nothing uses any more, and fresh names.
 */
public final class GraphEdit {

  private GraphEdit() {}

  /** Every node input and graph output that reads {@code from} reads {@code to} instead. */
  public static void replaceUses(Graph.Builder b, String from, String to) {
    List<Node> nodes = b.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (n.inputs().contains(from)) {
        List<String> ins = new ArrayList<>(n.inputs());
        ins.replaceAll(s -> s.equals(from) ? to : s);
        nodes.set(i, n.withInputs(ins));
      }
    }
    b.outputs().replaceAll(s -> s.equals(from) ? to : s);
  }

  /** Number of node inputs that read the tensor, plus one if it is a graph output. */
  public static int uses(Graph g, String tensor) {
    int n = g.outputs().contains(tensor) ? 1 : 0;
    for (Node node : g.nodes()) {
      for (String in : node.inputs()) {
        if (in.equals(tensor)) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * Removes node {@code n} whose output carries the same values as its input {@code in} (same shape and element
   * type). When the output is a graph output, the producer of {@code in} is renamed to keep the output's name.
   * Returns false, leaving the builder unchanged, when neither way is possible (the input is a graph input, a
   * constant or another graph output).
   */
  public static boolean bypass(Graph.Builder b, Node n, String in) {
    String out = n.output();
    if (!b.outputs().contains(out)) {
      b.nodes().remove(n);
      replaceUses(b, out, in);
      b.removeType(out);
      return true;
    }
    Node producer = null;
    for (Node m : b.nodes()) {
      if (m.outputs().contains(in)) {
        producer = m;
      }
    }
    if (producer == null || b.outputs().contains(in)) {
      return false;
    }
    b.nodes().remove(n);
    TensorType t = b.types().get(out);
    List<String> outs = new ArrayList<>(producer.outputs());
    outs.replaceAll(s -> s.equals(in) ? out : s);
    b.nodes().set(b.nodes().indexOf(producer), producer.withOutputs(outs));
    replaceUses(b, in, out);
    b.removeType(in);
    b.type(out, t);
    return true;
  }

  /** Drops constants that no node reads and types of tensors that no longer exist. */
  public static void prune(Graph.Builder b) {
    Set<String> read = new HashSet<>(b.outputs());
    Set<String> defined = new HashSet<>(b.inputs());
    for (Node n : b.nodes()) {
      read.addAll(n.inputs());
      defined.addAll(n.outputs());
    }
    for (String c : new ArrayList<>(b.constants().keySet())) {
      if (!read.contains(c)) {
        b.removeConstant(c);
      } else {
        defined.add(c);
      }
    }
    b.types().keySet().removeIf(t -> !defined.contains(t));
  }

  /** A tensor or constant name not used in the builder yet, {@code base} if possible. */
  public static String freshName(Graph.Builder b, String base) {
    Set<String> used = new HashSet<>(b.types().keySet());
    used.addAll(b.constants().keySet());
    for (Node n : b.nodes()) {
      used.addAll(n.outputs());
      used.add(n.name());
    }
    if (!used.contains(base)) {
      return base;
    }
    for (int i = 1;; i++) {
      if (!used.contains(base + "_" + i)) {
        return base + "_" + i;
      }
    }
  }

  /** Adds a constant under a fresh name derived from {@code base} and returns the name. */
  public static String addConstant(Graph.Builder b, String base, Tensor value) {
    String name = freshName(b, base);
    b.constant(name, value);
    return name;
  }

  /** The nodes of the builder that read a tensor, in order. */
  public static List<Node> readers(Graph.Builder b, String tensor) {
    List<Node> r = new ArrayList<>();
    for (Node n : b.nodes()) {
      if (n.inputs().contains(tensor)) {
        r.add(n);
      }
    }
    return r;
  }

  /** The node that produces a tensor in the builder, or null. */
  public static Node producer(Graph.Builder b, String tensor) {
    for (Node n : b.nodes()) {
      if (n.outputs().contains(tensor)) {
        return n;
      }
    }
    return null;
  }
}
