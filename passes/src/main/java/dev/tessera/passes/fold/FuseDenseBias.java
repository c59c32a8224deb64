package dev.tessera.passes.fold;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.GraphEdit;
import dev.tessera.passes.Pass;
import dev.tessera.passes.PassContext;
import java.util.List;

/**
 * Turns a MatMul by a constant matrix into Dense, and absorbs an Add (or Sub) of a constant vector over the last
 * axis that follows a Dense into the Dense's bias, keeping the Dense's node name and the Add's output tensor.
 * Preserves every value of the float graph (the bias sum is computed in double) and the graph's interface.
 */
public final class FuseDenseBias implements Pass {

  @Override
  public Graph run(Graph in, PassContext ctx) {
    Graph.Builder b = in.toBuilder();
    boolean changed = false;
    for (int i = 0; i < b.nodes().size(); i++) {
      Node n = b.nodes().get(i);
      if (n.op() instanceof Op.MatMul && isFloatConstant(b, n.input(1))
          && b.constants().get(n.input(1)).rank() == 2) {
        n = n.withOp(new Op.Dense(null));
        b.nodes().set(i, n);
        changed = true;
      }
      while (n.op() instanceof Op.Dense && absorbNext(b, n)) {
        n = b.nodes().get(i);
        changed = true;
      }
    }
    if (!changed) {
      return in;
    }
    GraphEdit.prune(b);
    return b.build();
  }

  /** Fuses the single Add/Sub reading the Dense's output, if it adds a constant over the last axis. */
  private static boolean absorbNext(Graph.Builder b, Node dense) {
    String y = dense.output();
    List<Node> readers = GraphEdit.readers(b, y);
    if (readers.size() != 1 || b.outputs().contains(y) || !(readers.get(0).op() instanceof Op.Binary bin)) {
      return false;
    }
    Node add = readers.get(0);
    boolean sub = bin.fn() == Op.BinaryKind.SUB;
    if (bin.fn() != Op.BinaryKind.ADD && !(sub && add.inputs().indexOf(y) == 0)) {
      return false;
    }
    String c = add.input(0).equals(y) ? add.input(1) : add.input(0);
    TensorType yt = b.types().get(y);
    Tensor w = b.constants().get(dense.input(1));
    if (c == null || c.equals(y) || !isFloatConstant(b, c) || w == null || !b.types().get(add.output()).shape()
        .equals(yt.shape())) {
      return false;
    }
    double[] bias = biasOver(b.constants().get(c), w.dim(1));
    if (bias == null) {
      return false;
    }
    double[] old = dense.input(2) == null ? new double[bias.length] : b.constants().get(dense.input(2)).values();
    double[] sum = new double[bias.length];
    for (int j = 0; j < sum.length; j++) {
      sum[j] = old[j] + (sub ? -bias[j] : bias[j]);
    }
    DType dt = (DType) w.type();
    String bName = GraphEdit.addConstant(b, dense.name() + "_bias", Tensor.ofValues(dt, new long[] {sum.length},
        sum));
    Node fused = new Node(dense.name(), dense.op(), List.of(dense.input(0), dense.input(1), bName),
        List.of(add.output()), dense.source());
    b.nodes().set(b.nodes().indexOf(dense), fused);
    b.nodes().remove(add);
    b.removeType(y);
    return true;
  }

  /** The constant as a vector over {@code out} features ([out], [1, ..., 1, out] or a single value), or null. */
  private static double[] biasOver(Tensor c, long out) {
    long[] s = c.shape();
    for (int a = 0; a < s.length - 1; a++) {
      if (s[a] != 1) {
        return null;
      }
    }
    double[] v = c.values();
    if (v.length == out) {
      return v.clone();
    }
    if (v.length == 1) {
      double[] r = new double[(int) out];
      java.util.Arrays.fill(r, v[0]);
      return r;
    }
    return null;
  }

  private static boolean isFloatConstant(Graph.Builder b, String name) {
    Tensor t = name == null ? null : b.constants().get(name);
    return t != null && !t.isFixed();
  }
}
