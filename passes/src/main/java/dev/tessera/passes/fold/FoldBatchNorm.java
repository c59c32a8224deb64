package dev.tessera.passes.fold;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.GraphEdit;
import dev.tessera.passes.Pass;
import dev.tessera.passes.PassContext;
import java.util.List;

/**
 * Folds a BatchNormalization into the Dense or Conv that feeds it, per output channel ({@code W' = s W},
 * {@code b' = s b + t} with {@code s = gamma / sqrt(var + eps)}, {@code t = beta - mean s}), also through the
 * Reshape (PyTorch Unsqueeze/Squeeze) or Transpose (Keras) pair that old exporters wrap around a BatchNormalization
 * of a Dense output. Preserves the float values up to double rounding, the name of the Dense or Conv and the
 * BatchNormalization's final output tensor; a BatchNormalization that fits no pattern stays (the precision pass turns
 * it into a scale and shift).
 */
public final class FoldBatchNorm implements Pass {

  /** A fold: the layer, the tensor that will become its output, and the nodes the fold removes. */
  private record Match(Node layer, String output, List<Node> removed) {}

  @Override
  public Graph run(Graph in, PassContext ctx) {
    Graph.Builder b = in.toBuilder();
    boolean changed = false;
    for (int i = 0; i < b.nodes().size(); i++) {
      Node bn = b.nodes().get(i);
      if (!(bn.op() instanceof Op.BatchNorm op) || !constants(b, bn)) {
        continue;
      }
      Match m = match(b, bn);
      if (m == null) {
        continue;
      }
      fold(b, m, bn, op.epsilon());
      changed = true;
      i = -1; // indices moved; rescan (each fold removes a BatchNormalization, so this ends)
    }
    if (!changed) {
      return in;
    }
    GraphEdit.prune(b);
    return b.build();
  }

  private static Match match(Graph.Builder b, Node bn) {
    int c = b.constants().get(bn.input(1)).size();
    String x = bn.input(0);
    Node p = single(b, x, bn) ? GraphEdit.producer(b, x) : null;
    if (p == null) {
      return null;
    }
    if (isLayer(b, p, c, p.op() instanceof Op.Conv ? -1 : 2)) {
      return new Match(p, bn.output(), List.of(bn));
    }
    // Dense -> Reshape [N, C, 1..] -> BN -> Reshape [N, C]  or  Dense -> Transpose -> BN -> Transpose
    boolean reshape = p.op() instanceof Op.Reshape;
    boolean transpose = p.op() instanceof Op.Transpose t && t.perm().length == 2 && t.perm()[0] == 1;
    if (!reshape && !transpose) {
      return null;
    }
    String u = p.input(0);
    Node dense = single(b, u, p) ? GraphEdit.producer(b, u) : null;
    if (dense == null || !(dense.op() instanceof Op.Dense) || !isLayer(b, dense, c, 2)) {
      return null;
    }
    List<Node> after = GraphEdit.readers(b, bn.output());
    if (after.size() != 1 || b.outputs().contains(bn.output()) || after.get(0).op().getClass() != p.op().getClass()) {
      return null;
    }
    Node back = after.get(0);
    if (!b.types().get(back.output()).shape().equals(b.types().get(u).shape())) {
      return null;
    }
    if (reshape && !trailingOnes(b, x, c)) {
      return null;
    }
    return new Match(dense, back.output(), List.of(p, bn, back));
  }

  /** Dense with a rank-{@code rank} output or Conv (rank -1), {@code c} output channels, constant float weights. */
  private static boolean isLayer(Graph.Builder b, Node n, int c, int rank) {
    Tensor w = n.input(1) == null ? null : b.constants().get(n.input(1));
    if (w == null || w.isFixed() || (n.input(2) != null && !b.constants().containsKey(n.input(2)))) {
      return false;
    }
    if (n.op() instanceof Op.Dense) {
      return w.rank() == 2 && w.dim(1) == c && b.types().get(n.output()).shape().rank() == rank;
    }
    return n.op() instanceof Op.Conv && rank == -1 && w.dim(0) == c;
  }

  /** The tensor is [N, c, 1, ...]. */
  private static boolean trailingOnes(Graph.Builder b, String x, int c) {
    var s = b.types().get(x).shape();
    if (s.rank() < 3 || s.dim(1).isSymbolic() || s.size(1) != c) {
      return false;
    }
    for (int a = 2; a < s.rank(); a++) {
      if (s.dim(a).isSymbolic() || s.size(a) != 1) {
        return false;
      }
    }
    return true;
  }

  private static void fold(Graph.Builder b, Match m, Node bn, double eps) {
    double[] gamma = b.constants().get(bn.input(1)).values();
    double[] beta = b.constants().get(bn.input(2)).values();
    double[] mean = b.constants().get(bn.input(3)).values();
    double[] var = b.constants().get(bn.input(4)).values();
    Node layer = m.layer();
    Tensor w = b.constants().get(layer.input(1));
    double[] wv = w.values().clone();
    int c = gamma.length;
    double[] bias = layer.input(2) == null ? new double[c] : b.constants().get(layer.input(2)).values().clone();
    boolean dense = layer.op() instanceof Op.Dense;
    int per = wv.length / c;
    for (int ch = 0; ch < c; ch++) {
      double s = gamma[ch] / Math.sqrt(var[ch] + eps);
      double t = beta[ch] - mean[ch] * s;
      for (int k = 0; k < per; k++) {
        int at = dense ? k * c + ch : ch * per + k; // Dense W is [in, out], Conv W is [M, C/g, k...]
        wv[at] *= s;
      }
      bias[ch] = bias[ch] * s + t;
    }
    DType dt = (DType) w.type();
    String wName = GraphEdit.addConstant(b, layer.name() + "_w_bn", Tensor.ofValues(dt, w.shape(), wv));
    String bName = GraphEdit.addConstant(b, layer.name() + "_b_bn", Tensor.ofValues(dt, new long[] {c}, bias));
    String old = layer.output();
    Node folded = new Node(layer.name(), layer.op(), List.of(layer.input(0), wName, bName), List.of(m.output()),
        layer.source());
    b.nodes().set(b.nodes().indexOf(layer), folded);
    for (Node r : m.removed()) {
      b.nodes().remove(r);
      if (!r.output().equals(m.output())) {
        b.removeType(r.output());
      }
    }
    b.removeType(old);
  }

  private static boolean constants(Graph.Builder b, Node bn) {
    for (int i = 1; i <= 4; i++) {
      Tensor t = bn.input(i) == null ? null : b.constants().get(bn.input(i));
      if (t == null || t.isFixed()) {
        return false;
      }
    }
    return true;
  }

  /** The tensor is read by {@code reader} only and is no graph output. */
  private static boolean single(Graph.Builder b, String tensor, Node reader) {
    List<Node> r = GraphEdit.readers(b, tensor);
    return r.size() == 1 && r.get(0) == reader && !b.outputs().contains(tensor)
        && reader.inputs().stream().filter(tensor::equals).count() == 1;
  }
}
