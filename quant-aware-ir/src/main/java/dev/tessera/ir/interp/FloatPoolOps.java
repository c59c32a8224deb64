package dev.tessera.ir.interp;

import static dev.tessera.ir.interp.FloatOps.need;
import static dev.tessera.ir.interp.FloatOps.unsupported;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import java.util.Arrays;

/**
 * Pooling kernels over the spatial axes of an [N, C, spatial...] input. The output size of MaxPool and AveragePool
 * is the declared one when it is static (that is how a ceil-mode pool reaches the IR) and must lie between the floor
 * and ceil formulas; otherwise the floor formula.
 */
final class FloatPoolOps {

  /** The value of a max over a window without any input element (ONNX Runtime's float lowest). */
  static final double EMPTY_MAX = -Float.MAX_VALUE;

  private FloatPoolOps() {}

  static FloatKernel create(Node n, Graph g) {
    need(n, 1);
    Op op = n.op();
    Shape out = g.type(n.output()).shape();
    if (op instanceof Op.MaxPool p) {
      FloatWindows w = windows(n, p.kernel(), p.strides(), p.padsBegin(), p.padsEnd(), p.dilations());
      return (in, b) -> pool(in[0], w, p.kernel(), p.strides(), p.padsBegin(), p.padsEnd(), p.dilations(), out,
          true, false);
    }
    if (op instanceof Op.AveragePool p) {
      FloatWindows w = windows(n, p.kernel(), p.strides(), p.padsBegin(), p.padsEnd(), null);
      boolean include = p.countIncludePad();
      return (in, b) -> pool(in[0], w, p.kernel(), p.strides(), p.padsBegin(), p.padsEnd(), null, out, false,
          include);
    }
    if (op instanceof Op.GlobalAveragePool) {
      return (in, b) -> global(in[0], false);
    }
    if (op instanceof Op.GlobalMaxPool) {
      return (in, b) -> global(in[0], true);
    }
    throw unsupported(n, "not a pooling op: " + op.kind());
  }

  private static FloatWindows windows(Node n, long[] kernel, long[] strides, long[] pb, long[] pe, long[] dil) {
    if (kernel == null || kernel.length == 0) {
      throw unsupported(n, "pooling needs kernel_shape");
    }
    int r = kernel.length;
    long[] s = FloatLinearOps.orDefault(strides, r, 1);
    long[] b = FloatLinearOps.orDefault(pb, r, 0);
    long[] e = FloatLinearOps.orDefault(pe, r, 0);
    long[] d = dil == null ? null : FloatLinearOps.orDefault(dil, r, 1);
    if (s == null || b == null || e == null || (dil != null && d == null)) {
      throw unsupported(n, "strides, pads and dilations must have " + r + " entries (one per spatial axis)");
    }
    for (int i = 0; i < r; i++) {
      if (kernel[i] < 1 || s[i] < 1 || b[i] < 0 || e[i] < 0 || (d != null && d[i] < 1)) {
        throw unsupported(n, "kernel, strides and dilations must be >= 1 and pads >= 0, got kernel "
            + Shape.toString(kernel) + ", strides " + Shape.toString(s) + ", pads " + Shape.toString(b)
            + Shape.toString(e));
      }
    }
    return new FloatWindows(kernel, s, b, e, d);
  }

  private static NdArray pool(NdArray xa, FloatWindows windows, long[] kernel, long[] strides, long[] pb,
      long[] pe, long[] dil, Shape declared, boolean max, boolean includePad) {
    long[] xs = xa.shape();
    int r = kernel.length;
    if (xs.length != r + 2) {
      throw new IllegalArgumentException("pooling input must be [N, C] plus " + r + " spatial axes, is "
          + Shape.toString(xs));
    }
    long[] inSp = Arrays.copyOfRange(xs, 2, xs.length);
    long[] outSp = declaredSpatial(declared, inSp, kernel, strides, pb, pe, dil);
    Kernels.Window win = windows.get(inSp, outSp);
    int kk = win.kernelSize();
    int os = win.outSize();
    int is = Kernels.product(inSp, 0, r);
    int planes = Kernels.product(xs, 0, 2);
    int[] index = win.index();
    double[] divisor = null;
    if (!max) {
      divisor = new double[os];
      for (int o = 0; o < os; o++) {
        int c = 0;
        for (int q = 0; q < kk; q++) {
          int idx = index[o * kk + q];
          if (idx >= 0 || (includePad && idx == Kernels.PAD)) {
            c++;
          }
        }
        divisor[o] = c;
      }
    }
    double[] x = xa.data();
    long[] ys = new long[xs.length];
    ys[0] = xs[0];
    ys[1] = xs[1];
    System.arraycopy(win.outSpatial(), 0, ys, 2, r);
    double[] y = new double[Kernels.count(ys)];
    for (int p = 0; p < planes; p++) {
      int xo = p * is;
      int yo = p * os;
      for (int o = 0; o < os; o++) {
        int io = o * kk;
        if (max) {
          double m = EMPTY_MAX;
          boolean any = false;
          for (int q = 0; q < kk; q++) {
            int idx = index[io + q];
            if (idx >= 0) {
              double v = x[xo + idx];
              m = any ? Math.max(m, v) : v;
              any = true;
            }
          }
          y[yo + o] = m;
        } else {
          double s = 0;
          for (int q = 0; q < kk; q++) {
            int idx = index[io + q];
            if (idx >= 0) {
              s += x[xo + idx];
            }
          }
          y[yo + o] = s / divisor[o];
        }
      }
    }
    return new NdArray(ys, y);
  }

  /** The declared output spatial size when static and plausible, null for the floor formula. */
  private static long[] declaredSpatial(Shape declared, long[] inSp, long[] kernel, long[] strides, long[] pb,
      long[] pe, long[] dil) {
    if (declared.rank() != inSp.length + 2) {
      return null;
    }
    long[] out = new long[inSp.length];
    for (int i = 0; i < out.length; i++) {
      if (declared.dim(i + 2).isSymbolic()) {
        return null;
      }
      out[i] = declared.dim(i + 2).size();
    }
    int r = kernel.length;
    long[] s = FloatLinearOps.orDefault(strides, r, 1);
    long[] b = FloatLinearOps.orDefault(pb, r, 0);
    long[] e = FloatLinearOps.orDefault(pe, r, 0);
    long[] d = dil == null ? null : FloatLinearOps.orDefault(dil, r, 1);
    long[] lo = Kernels.windowOutput(inSp, kernel, s, b, e, d, false);
    long[] hi = Kernels.windowOutput(inSp, kernel, s, b, e, d, true);
    for (int i = 0; i < out.length; i++) {
      if (out[i] < lo[i] || out[i] > hi[i]) {
        throw new IllegalArgumentException("declared output size " + Shape.toString(out) + " is neither the floor "
            + Shape.toString(lo) + " nor the ceil " + Shape.toString(hi) + " pooling size");
      }
    }
    return out;
  }

  private static NdArray global(NdArray xa, boolean max) {
    long[] xs = xa.shape();
    if (xs.length < 3) {
      throw new IllegalArgumentException("global pooling input must be [N, C, spatial...], is "
          + Shape.toString(xs));
    }
    int planes = Kernels.product(xs, 0, 2);
    int inner = Kernels.product(xs, 2, xs.length);
    long[] ys = xs.clone();
    Arrays.fill(ys, 2, ys.length, 1);
    double[] x = xa.data();
    double[] y = new double[planes];
    for (int p = 0; p < planes; p++) {
      int base = p * inner;
      if (max) {
        double m = inner == 0 ? EMPTY_MAX : x[base];
        for (int i = 1; i < inner; i++) {
          m = Math.max(m, x[base + i]);
        }
        y[p] = m;
      } else {
        double s = 0;
        for (int i = 0; i < inner; i++) {
          s += x[base + i];
        }
        y[p] = s / inner;
      }
    }
    return new NdArray(ys, y);
  }
}
