package dev.tessera.passes.quant;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.passes.GraphEdit;
import dev.tessera.passes.Pass;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.config.PrecisionConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces nonlinear ops by I-BERT's integer-only ops (docs/integer-ops.md): a Softmax along the last axis or an
 * Exp whose layer config says {@code SoftmaxMode: integer} becomes ISoftmax or IExp; every LayerNorm becomes
 * ILayerNorm followed by Mul (scale) and Add (bias); every GELU written with Erf ({@code x * 0.5 * (1 + erf(x /
 * sqrt 2))} in any of its usual arrangements) becomes IGelu. Preserves the float function up to the double rounding
 * of the decomposed GELU and LayerNorm, the node names of the replaced nodes (the normalization keeps the
 * LayerNorm's name, the GELU the name of its last node) and the graph's interface.
 */
public final class LowerIntegerOps implements Pass {
  /** Working fraction bits of i-exp and i-GELU (docs/integer-ops.md: 16 is where the error stops improving). */
  public static final int K = 16;
  /** Output fraction bits of ISoftmax and ILayerNorm. */
  public static final int OUTPUT_FRACTION_BITS = 16;
  private static final double SQRT2 = Math.sqrt(2);

  private final PrecisionConfig config;

  public LowerIntegerOps(PrecisionConfig config) {
    this.config = config;
  }

  @Override
  public Graph run(Graph in, PassContext ctx) {
    Graph.Builder b = in.toBuilder();
    boolean changed = false;
    for (Node n : in.nodes()) {
      Op op = n.op();
      boolean integer = config.layer(n.name()).softmax().orElse(null) == SoftmaxMode.INTEGER;
      if (op instanceof Op.Softmax s && integer) {
        int rank = in.type(n.input(0)).shape().rank();
        int axis = s.axis() < 0 ? s.axis() + rank : s.axis();
        if (axis != rank - 1) {
          ctx.warn(n.describe() + ": the integer softmax runs along the last axis, this one along axis " + axis
              + "; it keeps its lookup tables");
          continue;
        }
        replace(b, n, n.withOp(new Op.ISoftmax(axis, K, OUTPUT_FRACTION_BITS)));
        changed = true;
      } else if (op instanceof Op.Exp && integer) {
        replace(b, n, n.withOp(new Op.IExp(K)));
        changed = true;
      } else if (op instanceof Op.LayerNorm ln) {
        layerNorm(b, n, ln, in);
        changed = true;
      }
    }
    Graph g = b.build();
    for (Node e : g.nodes()) {
      if (e.op() instanceof Op.Erf) {
        Graph lowered = gelu(g, e);
        if (lowered != g) {
          g = lowered;
          changed = true;
        }
      }
    }
    return changed ? g : in;
  }

  private static void replace(Graph.Builder b, Node old, Node now) {
    b.nodes().set(b.nodes().indexOf(old), now);
  }

  /** ILayerNorm(x) named like the LayerNorm, then Mul by the scale and Add of the bias into the old output. */
  private static void layerNorm(Graph.Builder b, Node n, Op.LayerNorm ln, Graph in) {
    String out = n.output();
    TensorType t = in.type(out);
    int at = b.nodes().indexOf(n);
    List<Node> nodes = new ArrayList<>();
    String norm = GraphEdit.freshName(b, n.name() + "_normalized");
    nodes.add(new Node(n.name(), new Op.ILayerNorm(ln.axis(), ln.epsilon(), OUTPUT_FRACTION_BITS),
        List.of(n.input(0)), List.of(norm), n.source()));
    b.type(norm, t);
    String scaled = n.input(2) == null ? out : GraphEdit.freshName(b, n.name() + "_scaled");
    nodes.add(new Node(GraphEdit.freshName(b, n.name() + "_scale"), new Op.Binary(Op.BinaryKind.MUL),
        List.of(norm, n.input(1)), List.of(scaled), n.source()));
    b.type(scaled, t);
    if (n.input(2) != null) {
      nodes.add(new Node(GraphEdit.freshName(b, n.name() + "_bias"), new Op.Binary(Op.BinaryKind.ADD),
          List.of(scaled, n.input(2)), List.of(out), n.source()));
    }
    b.nodes().remove(at);
    b.nodes().addAll(at, nodes);
  }

  /**
   * Matches, around an Erf node, {@code u = x / sqrt2} (or {@code x * (1/sqrt2)}), {@code v = erf(u) + 1} and
   * {@code y = (x * v) * 0.5}, {@code (x * 0.5) * v} or {@code x * (v * 0.5)}, every intermediate read only
   * inside the pattern; replaces the nodes by one IGelu that writes y. Returns {@code g} itself when it does not
   * match.
   */
  private static Graph gelu(Graph g, Node erf) {
    Node scale = g.producer(erf.input(0));
    if (scale == null || !(scale.op() instanceof Op.Binary sb)) {
      return g;
    }
    String x;
    if (sb.fn() == Op.BinaryKind.DIV && isConstant(g, scale.input(1), SQRT2)) {
      x = scale.input(0);
    } else if (sb.fn() == Op.BinaryKind.MUL && isConstant(g, scale.input(1), 1 / SQRT2)) {
      x = scale.input(0);
    } else if (sb.fn() == Op.BinaryKind.MUL && isConstant(g, scale.input(0), 1 / SQRT2)) {
      x = scale.input(1);
    } else {
      return g;
    }
    Node plus = single(g, erf.output());
    if (plus == null || !(plus.op() instanceof Op.Binary pb) || pb.fn() != Op.BinaryKind.ADD
        || !isConstant(g, other(plus, erf.output()), 1.0)) {
      return g;
    }
    List<Node> chain = new ArrayList<>(List.of(scale, erf, plus));
    Node m1 = single(g, plus.output());
    if (m1 == null || !isMul(m1)) {
      return g;
    }
    Node last;
    String o1 = other(m1, plus.output());
    if (o1.equals(x)) { // (x * v) * 0.5
      last = single(g, m1.output());
      if (last == null || !isMul(last) || !isConstant(g, other(last, m1.output()), 0.5)) {
        return g;
      }
      chain.add(m1);
    } else if (isConstant(g, o1, 0.5)) { // x * (v * 0.5)
      last = single(g, m1.output());
      if (last == null || !isMul(last) || !other(last, m1.output()).equals(x)) {
        return g;
      }
      chain.add(m1);
    } else { // (x * 0.5) * v
      Node half = g.producer(o1);
      if (half == null || !isMul(half) || !half.inputs().contains(x)
          || !isConstant(g, other(half, x), 0.5) || GraphEdit.uses(g, half.output()) != 1) {
        return g;
      }
      chain.add(half);
      last = m1;
    }
    chain.add(last);
    if (!onlyInside(g, chain, last)) {
      return g;
    }
    Graph.Builder b = g.toBuilder();
    Set<Node> drop = new HashSet<>(chain);
    int at = b.nodes().indexOf(last);
    Node gelu = new Node(last.name(), new Op.IGelu(K), List.of(x), List.of(last.output()), "Gelu");
    b.nodes().set(at, gelu);
    drop.remove(last);
    b.nodes().removeAll(drop);
    GraphEdit.prune(b);
    return b.build();
  }

  private static boolean isMul(Node n) {
    return n.op() instanceof Op.Binary bb && bb.fn() == Op.BinaryKind.MUL;
  }

  /** The other input of a two-input node. */
  private static String other(Node n, String one) {
    return n.input(0).equals(one) ? n.input(1) : n.input(0);
  }

  /** The single reader of a tensor that is not a graph output, or null. */
  private static Node single(Graph g, String tensor) {
    if (g.outputs().contains(tensor)) {
      return null;
    }
    List<Node> c = g.consumers(tensor);
    return c.size() == 1 && GraphEdit.uses(g, tensor) == 1 ? c.get(0) : null;
  }

  /** Every output of the chain but the last is read only by chain nodes. */
  private static boolean onlyInside(Graph g, List<Node> chain, Node last) {
    for (Node n : chain) {
      if (n == last) {
        continue;
      }
      if (g.outputs().contains(n.output())) {
        return false;
      }
      for (Node c : g.consumers(n.output())) {
        if (!chain.contains(c)) {
          return false;
        }
      }
    }
    return true;
  }

  /** A scalar constant within float32 rounding of {@code v}. */
  private static boolean isConstant(Graph g, String tensor, double v) {
    Tensor t = tensor == null ? null : g.constant(tensor);
    if (t == null || t.isFixed() || t.size() != 1) {
      return false;
    }
    return Math.abs(t.value(0) - v) <= 1e-6 * Math.abs(v);
  }

  @Override
  public String name() {
    return "LowerIntegerOps";
  }
}
