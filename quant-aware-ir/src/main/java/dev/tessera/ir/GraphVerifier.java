package dev.tessera.ir;

import dev.tessera.ir.diag.GraphInvariantException;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the invariants of a {@link Graph}: unique node names, every tensor produced once and typed, nodes in
 * topological order (so no cycles), constants consistent with their types, and each op's input count. All
 * violations are collected before failing.
 */
public final class GraphVerifier {

  private GraphVerifier() {}

  /** Throws {@link GraphInvariantException} listing every violation, or returns the graph. */
  public static Graph verify(Graph g) {
    List<String> errors = violations(g);
    if (!errors.isEmpty()) {
      throw new GraphInvariantException(errors);
    }
    return g;
  }

  /** Every violation, empty when the graph is valid. */
  public static List<String> violations(Graph g) {
    List<String> errors = new ArrayList<>();
    Set<String> defined = new HashSet<>();
    for (String in : g.inputs()) {
      if (!defined.add(in)) {
        errors.add("graph input '" + in + "' is declared twice");
      }
      if (g.isConstant(in)) {
        errors.add("graph input '" + in + "' is also a constant");
      }
      if (!g.types().containsKey(in)) {
        errors.add("graph input '" + in + "' has no type");
      }
    }
    for (var e : g.constants().entrySet()) {
      defined.add(e.getKey());
      TensorType t = g.types().get(e.getKey());
      Tensor c = e.getValue();
      if (t == null) {
        errors.add("constant '" + e.getKey() + "' has no type");
      } else if (!t.shape().equals(Shape.of(c.shape())) || !t.elementType().equals(c.type())) {
        errors.add("constant '" + e.getKey() + "' is " + c.tensorType() + " but its declared type is " + t);
      }
    }
    Set<String> names = new HashSet<>();
    for (Node n : g.nodes()) {
      if (!names.add(n.name())) {
        errors.add("node name '" + n.name() + "' is used twice");
      }
      for (String in : n.inputs()) {
        if (!in.isEmpty() && !defined.contains(in)) {
          errors.add(n.describe() + ": input '" + in + "' is not defined before the node"
              + (producedLater(g, n, in) ? " (the graph has a cycle or is not in topological order)" : ""));
        }
      }
      int min = minInputs(n.op());
      long given = n.inputs().stream().filter(s -> !s.isEmpty()).count();
      if (given < min) {
        errors.add(n.describe() + ": needs at least " + min + " inputs, has " + given);
      }
      for (String out : n.outputs()) {
        if (!defined.add(out)) {
          errors.add(n.describe() + ": output '" + out + "' is already defined elsewhere");
        }
        if (!g.types().containsKey(out)) {
          errors.add(n.describe() + ": output '" + out + "' has no type");
        }
      }
    }
    for (String out : g.outputs()) {
      if (!defined.contains(out)) {
        errors.add("graph output '" + out + "' is not produced by any node");
      }
    }
    return errors;
  }

  private static boolean producedLater(Graph g, Node n, String tensor) {
    boolean after = false;
    for (Node m : g.nodes()) {
      if (m == n) {
        after = true;
      }
      if (after && m.outputs().contains(tensor)) {
        return true;
      }
    }
    return false;
  }

  private static int minInputs(Op op) {
    if (op instanceof Op.BatchNorm) {
      return 5;
    }
    if (op instanceof Op.Trunc) {
      return 5;
    }
    if (op instanceof Op.Quant) {
      return 4;
    }
    if (op instanceof Op.Dense || op instanceof Op.MatMul || op instanceof Op.Conv || op instanceof Op.Binary
        || op instanceof Op.LayerNorm || op instanceof Op.BipolarQuant || op instanceof Op.QuantizeLinear
        || op instanceof Op.DequantizeLinear) {
      return 2;
    }
    return 1;
  }

}
