package dev.tessera.passes.quant;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.GraphEdit;
import dev.tessera.passes.Pass;
import dev.tessera.passes.PassContext;
import java.util.List;
import java.util.Map;

/**
 * Folds a BatchNormalization that lies between an integer Dense and a BipolarQuant into the Dense as an integer
 * threshold (FINN's BatchNorm-and-sign streamlining): when the Dense reads a BipolarQuant output {@code ±σ}
 * ({@code σ} a power of two) and {@code σ W} and the bias are integers, its output is an integer {@code a} in a
 * known range, the sign of {@code BN(a)} is evaluated with the float interpreter for every such integer, and the
 * Dense is rewritten to {@code a - T} (or {@code T - a} for a channel whose sign falls as {@code a} grows), whose
 * sign is the same. Preserves the float values exactly, the Dense's and the BipolarQuant's names and tensors; the
 * BatchNormalization goes away.
 */
public final class FoldSignThreshold implements Pass {

  /** The largest number of (integer, channel) pairs evaluated for one BatchNormalization. */
  static final int MAX_EVALUATIONS = 1 << 22;

  @Override
  public Graph run(Graph in, PassContext ctx) {
    Graph g = in;
    for (Node bn : in.nodes()) {
      if (bn.op() instanceof Op.BatchNorm) {
        g = fold(g, g.node(bn.name()), ctx);
      }
    }
    return g;
  }

  private static Graph fold(Graph g, Node bn, PassContext ctx) {
    Node dense = g.producer(bn.input(0));
    List<Node> after = g.consumers(bn.output());
    if (dense == null || !(dense.op() instanceof Op.Dense) || after.size() != 1
        || !(after.get(0).op() instanceof Op.BipolarQuant) || !after.get(0).input(0).equals(bn.output())
        || g.consumers(dense.output()).size() != 1 || g.outputs().contains(dense.output())
        || g.outputs().contains(bn.output())) {
      return g;
    }
    for (int i = 1; i < 5; i++) {
      if (!g.isConstant(bn.input(i))) {
        return g;
      }
    }
    Tensor w = g.constant(dense.input(1));
    Tensor bias = dense.input(2) == null ? null : g.constant(dense.input(2));
    Node src = g.producer(dense.input(0));
    if (w == null || w.isFixed() || w.rank() != 2 || (dense.input(2) != null && bias == null) || src == null
        || !(src.op() instanceof Op.BipolarQuant) || g.type(dense.output()).shape().rank() != 2) {
      return g;
    }
    double sigma = uniform(g.constant(src.input(1)));
    int rows = (int) w.dim(0);
    int c = (int) w.dim(1);
    if (!(sigma > 0) || sigma != Math.scalb(1.0, Math.getExponent(sigma)) || g.constant(bn.input(1)).size() != c) {
      return g;
    }
    // the integer weights σ W and bias, and the range of each channel's integer output
    long[] iw = new long[rows * c];
    long[] ib = new long[c];
    long[] lo = new long[c];
    long[] hi = new long[c];
    for (int j = 0; j < c; j++) {
      double bj = bias == null ? 0 : bias.value(j);
      if (bj != Math.rint(bj) || Math.abs(bj) > 1e12) {
        return g;
      }
      ib[j] = (long) bj;
      long reach = 0;
      for (int i = 0; i < rows; i++) {
        double v = w.value(i * c + j) * sigma;
        if (v != Math.rint(v) || Math.abs(v) > 1e9) {
          return g;
        }
        iw[i * c + j] = (long) v;
        reach += Math.abs((long) v);
      }
      lo[j] = ib[j] - reach;
      hi[j] = ib[j] + reach;
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int j = 0; j < c; j++) {
      min = Math.min(min, lo[j]);
      max = Math.max(max, hi[j]);
    }
    if ((max - min + 1) * c > MAX_EVALUATIONS) {
      ctx.warn(bn.describe() + ": the integer range [" + min + ", " + max + "] is too wide to tabulate; the "
          + "BatchNormalization is folded in float");
      return g;
    }
    boolean[][] positive = signs(g, bn, min, max, c);
    double[] nw = new double[rows * c];
    double[] nb = new double[c];
    for (int j = 0; j < c; j++) {
      Threshold t = threshold(positive, j, (int) (lo[j] - min), (int) (hi[j] - min));
      if (t == null) {
        ctx.warn(bn.describe() + ": the sign of channel " + j + " is not monotone in the integer input; the "
            + "BatchNormalization is folded in float");
        return g;
      }
      // up: a >= T  <=>  a - T >= 0; down: a <= T  <=>  T - a >= 0; constant: 0 (always) or -1 (never)
      long k = t.index() + min;
      for (int i = 0; i < rows; i++) {
        nw[i * c + j] = t.kind() == Kind.UP ? iw[i * c + j] : t.kind() == Kind.DOWN ? -iw[i * c + j] : 0;
      }
      nb[j] = t.kind() == Kind.UP ? ib[j] - k : t.kind() == Kind.DOWN ? k - ib[j] : t.kind() == Kind.ALWAYS ? 0 : -1;
    }
    // the Dense reads ±σ, a power of two: divide the integer weights by σ (exactly)
    for (int i = 0; i < nw.length; i++) {
      nw[i] /= sigma;
    }
    Graph.Builder b = g.toBuilder();
    String wn = GraphEdit.addConstant(b, dense.input(1) + "_threshold", Tensor.ofFloats(w.shape(), nw));
    String bnn = GraphEdit.addConstant(b, dense.name() + "_threshold_bias", Tensor.ofFloats(new long[] {c}, nb));
    b.nodes().set(b.nodes().indexOf(dense), dense.withInputs(List.of(dense.input(0), wn, bnn)));
    b.nodes().remove(bn);
    GraphEdit.replaceUses(b, bn.output(), dense.output());
    b.removeType(bn.output());
    GraphEdit.prune(b);
    return b.build();
  }

  /** The one value of a constant whose values are all equal, or NaN. */
  private static double uniform(Tensor t) {
    if (t == null || t.size() == 0) {
      return Double.NaN;
    }
    double v = t.value(0);
    for (double u : t.values()) {
      if (u != v) {
        return Double.NaN;
      }
    }
    return v;
  }

  /** {@code BN(a) >= 0} (BipolarQuant's test) for every integer a in [min, max] and channel (float interpreter). */
  private static boolean[][] signs(Graph g, Node bn, long min, long max, int c) {
    TensorType t = new TensorType(DType.FLOAT, Shape.batched(c));
    Graph.Builder b = Graph.builder("sign_table");
    b.input("a", t);
    List<String> ins = bn.inputs();
    for (int i = 1; i < 5; i++) {
      b.constant(ins.get(i), g.constant(ins.get(i)));
    }
    b.node(new Node(bn.name(), bn.op(), List.of("a", ins.get(1), ins.get(2), ins.get(3), ins.get(4)),
        List.of("y")), t);
    b.output("y");
    int n = (int) (max - min + 1);
    double[] a = new double[n * c];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < c; j++) {
        a[r * c + j] = min + r;
      }
    }
    double[] y = new FloatInterpreter(b.build()).run(Map.of("a", new NdArray(new long[] {n, c}, a))).get("y")
        .data();
    boolean[][] s = new boolean[c][n];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < c; j++) {
        s[j][r] = y[r * c + j] >= 0;
      }
    }
    return s;
  }

  private enum Kind { UP, DOWN, ALWAYS, NEVER }

  /** UP: positive from {@code index} on; DOWN: positive up to {@code index}. */
  private record Threshold(Kind kind, int index) {}

  /** The threshold of one channel over the rows [from, to], or null when the sign is not monotone there. */
  private static Threshold threshold(boolean[][] positive, int j, int from, int to) {
    boolean[] p = positive[j];
    int changes = 0;
    int at = -1;
    for (int r = from + 1; r <= to; r++) {
      if (p[r] != p[r - 1]) {
        changes++;
        at = r;
      }
    }
    if (changes == 0) {
      return new Threshold(p[from] ? Kind.ALWAYS : Kind.NEVER, 0);
    }
    if (changes > 1) {
      return null;
    }
    return p[at] ? new Threshold(Kind.UP, at) : new Threshold(Kind.DOWN, at - 1);
  }

  @Override
  public String name() {
    return "FoldSignThreshold";
  }
}
