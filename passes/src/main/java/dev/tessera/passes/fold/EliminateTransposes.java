package dev.tessera.passes.fold;

import dev.tessera.ir.Dim;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.interp.Kernels;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.GraphEdit;
import dev.tessera.passes.Pass;
import dev.tessera.passes.PassContext;
import java.util.List;

/**
 * Removes Transposes that do not need to move data: two Transposes in a row are merged (and vanish when they cancel),
 * a Transpose that only moves axes of size 1 becomes a Reshape, consecutive Reshapes merge, and a Transpose feeding a
 * Flatten into a Dense (the Keras NHWC pattern after a Conv) is absorbed by permuting the Dense's weight rows.
 * Preserves every value exactly and the graph's interface; any other Transpose (for example one on a graph input)
 * stays.
 */
public final class EliminateTransposes implements Pass {

  @Override
  public Graph run(Graph in, PassContext ctx) {
    Graph.Builder b = in.toBuilder();
    boolean changed = false;
    boolean again = true;
    // every rule removes a node or a Transpose, or shortens a chain; the bound only guards against a bug
    for (int round = 0; again; round++) {
      if (round > 4 * in.nodes().size() + 4) {
        throw new IllegalStateException("transpose elimination does not converge on graph '" + in.name() + "'");
      }
      again = false;
      for (int i = 0; i < b.nodes().size() && !again; i++) {
        again = rewrite(b, b.nodes().get(i), i);
      }
      changed |= again;
    }
    if (!changed) {
      return in;
    }
    GraphEdit.prune(b);
    return b.build();
  }

  /** Applies the first rule that matches node n (at index i); true when the builder changed. */
  private static boolean rewrite(Graph.Builder b, Node n, int i) {
    String x = n.input(0);
    Node p = x == null ? null : GraphEdit.producer(b, x);
    TensorType xt = x == null ? null : b.types().get(x);
    TensorType yt = b.types().get(n.output());
    if (n.op() instanceof Op.Transpose t2 && p != null && p.op() instanceof Op.Transpose t1) {
      int[] q = new int[t2.perm().length];
      for (int k = 0; k < q.length; k++) {
        q[k] = t1.perm()[t2.perm()[k]];
      }
      b.nodes().set(i, new Node(n.name(), new Op.Transpose(q), List.of(p.input(0)), n.outputs(), n.source()));
      removeIfDead(b, p);
      return true;
    }
    if (n.op() instanceof Op.Transpose t && keepsOrder(xt.shape(), t.perm())) {
      b.nodes().set(i, n.withOp(new Op.Reshape()));
      return true;
    }
    if ((n.op() instanceof Op.Reshape || n.op() instanceof Op.Transpose) && xt.equals(yt)
        && (n.op() instanceof Op.Reshape || RemoveIdentities.isIdentity(n, xt, yt))) {
      return GraphEdit.bypass(b, n, x);
    }
    if (n.op() instanceof Op.Reshape && p != null && p.op() instanceof Op.Reshape) {
      b.nodes().set(i, n.withInputs(List.of(p.input(0))));
      removeIfDead(b, p);
      return true;
    }
    if (n.op() instanceof Op.Transpose t && t.perm()[0] == 0) {
      return absorbIntoDense(b, n, t.perm());
    }
    return false;
  }

  /** Transpose (axis 0 kept) -> Reshape to [N, K] -> Dense with constant weight: permute the weight rows instead. */
  private static boolean absorbIntoDense(Graph.Builder b, Node tr, int[] perm) {
    List<Node> r1 = GraphEdit.readers(b, tr.output());
    if (r1.size() != 1 || b.outputs().contains(tr.output()) || !(r1.get(0).op() instanceof Op.Reshape)) {
      return false;
    }
    Node flat = r1.get(0);
    List<Node> r2 = GraphEdit.readers(b, flat.output());
    Shape xs = b.types().get(tr.input(0)).shape();
    Shape fs = b.types().get(flat.output()).shape();
    if (r2.size() != 1 || b.outputs().contains(flat.output()) || !(r2.get(0).op() instanceof Op.Dense)
        || !r2.get(0).input(0).equals(flat.output()) || fs.rank() != 2 || !fs.dim(0).equals(xs.dim(0))) {
      return false;
    }
    Node dense = r2.get(0);
    Tensor w = b.constants().get(dense.input(1));
    Shape per = new Shape(xs.dims().subList(1, xs.rank()));
    if (w == null || !per.isStatic() || w.dim(0) != per.elementsPerSample()) {
      return false;
    }
    int[] sub = new int[perm.length - 1];
    for (int k = 0; k < sub.length; k++) {
      sub[k] = perm[k + 1] - 1;
    }
    // row j of the transposed flattening holds element map[j] of the original flattening
    int[] map = Kernels.transposeIndex(per.sizes(), sub);
    int out = (int) w.dim(1);
    double[] v = w.values();
    double[] pv = new double[v.length];
    long[] raw = w.isFixed() ? new long[v.length] : null;
    for (int j = 0; j < map.length; j++) {
      System.arraycopy(v, j * out, pv, map[j] * out, out);
      if (raw != null) {
        System.arraycopy(w.raw(), j * out, raw, map[j] * out, out);
      }
    }
    Tensor permuted = raw != null ? Tensor.ofRaw((dev.tessera.ir.FixedType) w.type(), w.shape(), raw)
        : Tensor.ofValues((dev.tessera.ir.DType) w.type(), w.shape(), pv);
    String wName = GraphEdit.addConstant(b, dense.name() + "_w_nchw", permuted);
    List<String> ins = new java.util.ArrayList<>(dense.inputs());
    ins.set(1, wName);
    b.nodes().set(b.nodes().indexOf(dense), dense.withInputs(ins));
    b.nodes().set(b.nodes().indexOf(flat), flat.withInputs(List.of(tr.input(0))));
    b.nodes().remove(tr);
    b.removeType(tr.output());
    return true;
  }

  /** The permutation moves only axes of size 1: the non-1 axes (symbolic ones count) keep their order. */
  static boolean keepsOrder(Shape s, int[] perm) {
    int last = -1;
    boolean identity = true;
    for (int k = 0; k < perm.length; k++) {
      identity &= perm[k] == k;
      Dim d = s.dim(perm[k]);
      if (d.isSymbolic() || d.size() != 1) {
        if (perm[k] < last) {
          return false;
        }
        last = perm[k];
      }
    }
    return !identity;
  }

  private static void removeIfDead(Graph.Builder b, Node p) {
    if (GraphEdit.readers(b, p.output()).isEmpty() && !b.outputs().contains(p.output())) {
      b.nodes().remove(p);
      b.removeType(p.output());
    }
  }
}
