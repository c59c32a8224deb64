package dev.tessera.ir.grad;

import dev.tessera.ir.interp.Kernels;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;

/**
 * Gradients of the ops that move values without arithmetic (Reshape, Transpose, Concat, Slice, Pad, Gather) and of
 * ReduceMean. Each uses the interpreters' own index map ({@link Kernels}) from output elements to the input
 * elements they came from; the gradient is the scatter-add of the output gradient back to those sources (an
 * element read twice, as by Gather or an edge Pad, receives both contributions; padding receives nothing).
 */
final class MoveGrad {

  private MoveGrad() {}

  static NdArray[] reshape(Step s) {
    NdArray[] res = s.none();
    if (s.wants(0)) {
      res[0] = new NdArray(s.in()[0].shape(), s.g().clone());
    }
    return res;
  }

  static NdArray[] transpose(Step s, Op.Transpose op) {
    long[] in = s.in()[0].shape();
    int[] perm = op.perm();
    if (perm == null || perm.length == 0) {
      perm = new int[in.length];
      for (int i = 0; i < perm.length; i++) {
        perm[i] = in.length - 1 - i;
      }
    }
    return scatter(s, Kernels.transposeIndex(in, perm));
  }

  static NdArray[] slice(Step s, Op.Slice op) {
    long[] in = s.in()[0].shape();
    int[] axes = op.axes();
    if (axes == null) {
      axes = new int[op.starts().length];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
    }
    Kernels.Slice sl = Kernels.slice(in, op.starts(), op.ends(), axes, op.steps());
    return scatter(s, Kernels.sliceIndex(in, sl));
  }

  static NdArray[] pad(Step s, Op.Pad op) {
    return scatter(s, Kernels.padIndex(s.in()[0].shape(), op.padsBegin(), op.padsEnd(), op.mode()));
  }

  static NdArray[] gather(Step s, Op.Gather op) {
    return scatter(s, Kernels.gatherIndex(s.in()[0].shape(), op.axis(), op.indices()));
  }

  private static NdArray[] scatter(Step s, int[] src) {
    NdArray[] res = s.none();
    if (s.wants(0)) {
      if (src.length != s.out().size()) {
        throw s.unsupported("the output has " + s.out().size() + " elements but the op maps " + src.length);
      }
      res[0] = new NdArray(s.in()[0].shape(), Windows.scatterAdd(s.g(), src, s.in()[0].size()));
    }
    return res;
  }

  static NdArray[] concat(Step s, Op.Concat op) {
    NdArray[] res = s.none();
    long[][] shapes = new long[s.in().length][];
    for (int k = 0; k < shapes.length; k++) {
      shapes[k] = s.in()[k].shape();
    }
    Kernels.Concat plan = Kernels.concat(shapes, op.axis());
    double[] g = s.g();
    for (int k = 0; k < shapes.length; k++) {
      if (!s.wants(k)) {
        continue;
      }
      int block = plan.inBlock()[k];
      double[] dx = new double[s.in()[k].size()];
      for (int o = 0; o < plan.outer(); o++) {
        System.arraycopy(g, o * plan.outBlock() + plan.offset()[k], dx, o * block, block);
      }
      res[k] = new NdArray(shapes[k], dx);
    }
    return res;
  }

  /**
   * ReduceMean: every input element receives {@code g / count} of the output it was averaged into (no axes means
   * all axes, as in the forward).
   */
  static NdArray[] reduceMean(Step s, Op.ReduceMean op) {
    NdArray[] res = s.none();
    if (!s.wants(0)) {
      return res;
    }
    long[] in = s.in()[0].shape();
    int[] axes = op.axes() == null ? new int[0] : op.axes();
    if (axes.length == 0) {
      axes = new int[in.length];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
    }
    int[] to = Kernels.reduceIndex(in, axes);
    int count = s.in()[0].size() / Math.max(s.out().size(), 1);
    double[] g = s.g();
    double[] dx = new double[to.length];
    for (int i = 0; i < dx.length; i++) {
      dx[i] = g[to[i]] / count;
    }
    res[0] = new NdArray(in, dx);
    return res;
  }
}
