package dev.tessera.ir.grad;

import dev.tessera.ir.interp.Kernels;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;

/**
 * Gradients of the pooling ops. Max pooling routes each output's gradient to the first maximum of its window
 * (padding never wins); average pooling spreads it evenly over the window's elements with the forward divisor (the
 * elements, plus the padded taps when {@code countIncludePad}); the global forms do the same over the whole
 * spatial extent.
 */
final class PoolGrad {

  private PoolGrad() {}

  static NdArray[] maxPool(Step s, Op.MaxPool op) {
    return window(s, Windows.plan(s.in()[0].shape(), s.out().shape(), op.kernel(), op.strides(), op.padsBegin(),
        op.padsEnd(), op.dilations()), true, false);
  }

  static NdArray[] averagePool(Step s, Op.AveragePool op) {
    return window(s, Windows.plan(s.in()[0].shape(), s.out().shape(), op.kernel(), op.strides(), op.padsBegin(),
        op.padsEnd(), null), false, op.countIncludePad());
  }

  private static NdArray[] window(Step s, Kernels.Window win, boolean max, boolean includePad) {
    NdArray[] res = s.none();
    if (!s.wants(0)) {
      return res;
    }
    NdArray x = s.in()[0];
    int planes = Math.toIntExact(x.dim(0) * x.dim(1));
    int is = x.size() / Math.max(planes, 1);
    int os = win.outSize();
    int ks = win.kernelSize();
    int[] index = win.index();
    double[] xv = x.data();
    double[] g = s.g();
    double[] dx = new double[xv.length];
    for (int p = 0; p < planes; p++) {
      int base = p * is;
      for (int o = 0; o < os; o++) {
        double gv = g[p * os + o];
        if (max) {
          int best = -1;
          for (int k = 0; k < ks; k++) {
            int at = index[o * ks + k];
            if (at >= 0 && (best < 0 || xv[base + at] > xv[base + best])) {
              best = at;
            }
          }
          if (best >= 0) {
            dx[base + best] += gv;
          }
          continue;
        }
        int count = 0;
        for (int k = 0; k < ks; k++) {
          int at = index[o * ks + k];
          if (at >= 0 || includePad && at == Kernels.PAD) {
            count++;
          }
        }
        if (count == 0) {
          continue;
        }
        double share = gv / count;
        for (int k = 0; k < ks; k++) {
          int at = index[o * ks + k];
          if (at >= 0) {
            dx[base + at] += share;
          }
        }
      }
    }
    res[0] = new NdArray(x.shape(), dx);
    return res;
  }

  /** GlobalAveragePool ({@code max = false}) or GlobalMaxPool over all axes after the first two. */
  static NdArray[] global(Step s, boolean max) {
    NdArray[] res = s.none();
    if (!s.wants(0)) {
      return res;
    }
    NdArray x = s.in()[0];
    int planes = Math.toIntExact(x.dim(0) * x.dim(1));
    int area = x.size() / Math.max(planes, 1);
    double[] xv = x.data();
    double[] g = s.g();
    double[] dx = new double[xv.length];
    for (int p = 0; p < planes && area > 0; p++) {
      if (max) {
        int best = p * area;
        for (int i = 1; i < area; i++) {
          if (xv[p * area + i] > xv[best]) {
            best = p * area + i;
          }
        }
        dx[best] = g[p];
      } else {
        double share = g[p] / area;
        for (int i = 0; i < area; i++) {
          dx[p * area + i] = share;
        }
      }
    }
    res[0] = new NdArray(x.shape(), dx);
    return res;
  }
}
