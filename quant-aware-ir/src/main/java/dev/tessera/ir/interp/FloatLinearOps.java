package dev.tessera.ir.interp;

import static dev.tessera.ir.interp.FloatOps.inputShape;
import static dev.tessera.ir.interp.FloatOps.need;
import static dev.tessera.ir.interp.FloatOps.unsupported;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import java.util.Arrays;

/** Float kernels that sum or normalize: Dense, MatMul, Conv, BatchNorm, LayerNorm, Softmax, ReduceMean. */
final class FloatLinearOps {

  private FloatLinearOps() {}

  static FloatKernel create(Node n, Graph g) {
    Op op = n.op();
    if (op instanceof Op.Dense) {
      return dense(n, g);
    }
    if (op instanceof Op.MatMul) {
      need(n, 2);
      return FloatLinearOps::matmul;
    }
    if (op instanceof Op.Conv c) {
      return conv(n, g, c);
    }
    if (op instanceof Op.BatchNorm bn) {
      need(n, 5);
      return batchNorm(bn.epsilon());
    }
    if (op instanceof Op.LayerNorm ln) {
      need(n, 2);
      return layerNorm(ln.axis(), ln.epsilon());
    }
    if (op instanceof Op.Softmax s) {
      need(n, 1);
      return softmax(s.axis());
    }
    if (op instanceof Op.ReduceMean r) {
      need(n, 1);
      return reduceMean(r.axes() == null ? new int[0] : r.axes().clone(), r.keepDims());
    }
    throw unsupported(n, "not a linear op: " + op.kind());
  }

  // ------------------------------------------------------------------------------------------------ Dense

  private static FloatKernel dense(Node n, Graph g) {
    need(n, 2);
    Shape ws = inputShape(n, g, 1);
    if (ws.rank() != 2) {
      throw unsupported(n, "weight '" + n.input(1) + "' must be [in, out], is " + ws);
    }
    return FloatLinearOps::denseApply;
  }

  private static NdArray denseApply(NdArray[] in, FloatBinding binding) {
    NdArray xa = in[0];
    NdArray wa = in[1];
    NdArray ba = in.length > 2 ? in[2] : null;
    long[] xs = xa.shape();
    long[] ws = wa.shape();
    if (xs.length == 0) {
      throw new IllegalArgumentException("dense input must have rank >= 1");
    }
    int k = Math.toIntExact(ws[0]);
    int m = Math.toIntExact(ws[1]);
    if (xs[xs.length - 1] != k) {
      throw new IllegalArgumentException("input has " + xs[xs.length - 1] + " features but the weight expects "
          + k + " (weight is " + Shape.toString(ws) + ")");
    }
    if (ba != null && ba.size() != m && ba.size() != 1) {
      throw new IllegalArgumentException("bias of shape " + Shape.toString(ba.shape()) + " does not have " + m
          + " values");
    }
    long[] ys = xs.clone();
    ys[ys.length - 1] = m;
    int rows = Kernels.product(xs, 0, xs.length - 1);
    double[] x = xa.data();
    double[] w = wa.data();
    double[] y = new double[Math.multiplyExact(rows, m)];
    double[] bias = ba == null ? null : ba.data();
    for (int r = 0; r < rows; r++) {
      int yo = r * m;
      int xo = r * k;
      if (bias != null) {
        if (bias.length == m) {
          System.arraycopy(bias, 0, y, yo, m);
        } else {
          Arrays.fill(y, yo, yo + m, bias[0]);
        }
      }
      for (int i = 0; i < k; i++) {
        double xv = x[xo + i];
        int wo = i * m;
        for (int j = 0; j < m; j++) {
          y[yo + j] += xv * w[wo + j];
        }
      }
    }
    return new NdArray(ys, y);
  }

  // ------------------------------------------------------------------------------------------------ MatMul

  private static NdArray matmul(NdArray[] in, FloatBinding binding) {
    Kernels.MatMul p = Kernels.matmul(in[0].shape(), in[1].shape());
    double[] a = in[0].data();
    double[] b = in[1].data();
    int m = p.m();
    int k = p.k();
    int nn = p.n();
    double[] y = new double[Math.multiplyExact(Math.multiplyExact(p.batch(), m), nn)];
    for (int t = 0; t < p.batch(); t++) {
      int ao = p.aOffset()[t];
      int bo = p.bOffset()[t];
      int yo = t * m * nn;
      for (int i = 0; i < m; i++) {
        int yr = yo + i * nn;
        for (int q = 0; q < k; q++) {
          double av = a[ao + i * k + q];
          int br = bo + q * nn;
          for (int j = 0; j < nn; j++) {
            y[yr + j] += av * b[br + j];
          }
        }
      }
    }
    return new NdArray(p.shape(), y);
  }

  // ------------------------------------------------------------------------------------------------ Conv

  private static FloatKernel conv(Node n, Graph g, Op.Conv c) {
    need(n, 2);
    Shape ws = inputShape(n, g, 1);
    if (ws.rank() < 3 || !ws.isStatic()) {
      throw unsupported(n, "weight '" + n.input(1) + "' must be a static [M, C/group, k...], is " + ws);
    }
    int sr = ws.rank() - 2;
    long[] kernel = Arrays.copyOfRange(ws.sizes(), 2, ws.rank());
    if (c.kernel() != null && c.kernel().length > 0 && !Arrays.equals(c.kernel(), kernel)) {
      throw unsupported(n, "kernel_shape " + Shape.toString(c.kernel()) + " does not match the weight " + ws);
    }
    long[] strides = orDefault(c.strides(), sr, 1);
    long[] pb = orDefault(c.padsBegin(), sr, 0);
    long[] pe = orDefault(c.padsEnd(), sr, 0);
    long[] dil = orDefault(c.dilations(), sr, 1);
    if (strides == null || pb == null || pe == null || dil == null) {
      throw unsupported(n, "strides, pads and dilations must have " + sr + " entries (one per spatial axis)");
    }
    for (int i = 0; i < sr; i++) {
      if (strides[i] < 1 || dil[i] < 1 || pb[i] < 0 || pe[i] < 0) {
        throw unsupported(n, "strides and dilations must be >= 1 and pads >= 0, got strides "
            + Shape.toString(strides) + ", pads " + Shape.toString(pb) + Shape.toString(pe) + ", dilations "
            + Shape.toString(dil));
      }
    }
    int group = c.group();
    long m = ws.size(0);
    if (group < 1 || m % group != 0) {
      throw unsupported(n, "group " + group + " must be >= 1 and divide the " + m + " output channels");
    }
    FloatWindows windows = new FloatWindows(kernel, strides, pb, pe, dil);
    return (in, b) -> convApply(in, windows, group);
  }

  /** Attribute array with one entry per spatial axis, the default when absent, null when of the wrong length. */
  static long[] orDefault(long[] v, int rank, long dflt) {
    if (v == null || v.length == 0) {
      long[] d = new long[rank];
      Arrays.fill(d, dflt);
      return d;
    }
    return v.length == rank ? v.clone() : null;
  }

  private static NdArray convApply(NdArray[] in, FloatWindows windows, int group) {
    long[] xs = in[0].shape();
    long[] ws = in[1].shape();
    if (xs.length != ws.length) {
      throw new IllegalArgumentException("input " + Shape.toString(xs) + " and weight " + Shape.toString(ws)
          + " differ in rank");
    }
    int batch = Math.toIntExact(xs[0]);
    int c = Math.toIntExact(xs[1]);
    int m = Math.toIntExact(ws[0]);
    int cg = Math.toIntExact(ws[1]);
    if ((long) cg * group != c) {
      throw new IllegalArgumentException("input has " + c + " channels but the weight expects " + cg + " x group "
          + group);
    }
    NdArray ba = in.length > 2 ? in[2] : null;
    if (ba != null && ba.size() != m) {
      throw new IllegalArgumentException("bias of shape " + Shape.toString(ba.shape()) + " does not have " + m
          + " values");
    }
    long[] kernel = Arrays.copyOfRange(ws, 2, ws.length);
    if (!Arrays.equals(kernel, windows.kernel())) {
      throw new IllegalArgumentException("weight " + Shape.toString(ws) + " does not have the planned kernel "
          + Shape.toString(windows.kernel()));
    }
    long[] inSp = Arrays.copyOfRange(xs, 2, xs.length);
    Kernels.Window win = windows.get(inSp, null);
    int kk = win.kernelSize();
    int os = win.outSize();
    int is = Kernels.product(inSp, 0, inSp.length);
    int mg = m / group;
    int[] index = win.index();
    double[] x = in[0].data();
    double[] w = in[1].data();
    double[] bias = ba == null ? null : ba.data();
    long[] ys = new long[xs.length];
    ys[0] = batch;
    ys[1] = m;
    System.arraycopy(win.outSpatial(), 0, ys, 2, inSp.length);
    double[] y = new double[Kernels.count(ys)];
    for (int bn = 0; bn < batch; bn++) {
      for (int oc = 0; oc < m; oc++) {
        int gi = oc / mg;
        int yo = (bn * m + oc) * os;
        if (bias != null) {
          Arrays.fill(y, yo, yo + os, bias[oc]);
        }
        for (int ic = 0; ic < cg; ic++) {
          int xo = (bn * c + gi * cg + ic) * is;
          int wo = (oc * cg + ic) * kk;
          for (int o = 0; o < os; o++) {
            double s = 0;
            int io = o * kk;
            for (int q = 0; q < kk; q++) {
              int idx = index[io + q];
              if (idx >= 0) {
                s += w[wo + q] * x[xo + idx];
              }
            }
            y[yo + o] += s;
          }
        }
      }
    }
    return new NdArray(ys, y);
  }

  // ------------------------------------------------------------------------------------------------ norms

  private static FloatKernel batchNorm(double eps) {
    return (in, b) -> {
      long[] xs = in[0].shape();
      if (xs.length < 2) {
        throw new IllegalArgumentException("batch norm input must be [N, C, ...], is " + Shape.toString(xs));
      }
      int[] split = Kernels.splitAt(xs, 1);
      int c = split[1];
      for (int i = 1; i <= 4; i++) {
        if (in[i].size() != c) {
          throw new IllegalArgumentException("batch norm parameter " + i + " of shape "
              + Shape.toString(in[i].shape()) + " does not have " + c + " values");
        }
      }
      double[] scale = in[1].data();
      double[] bias = in[2].data();
      double[] mean = in[3].data();
      double[] var = in[4].data();
      double[] a = new double[c];
      for (int ch = 0; ch < c; ch++) {
        a[ch] = scale[ch] / Math.sqrt(var[ch] + eps);
      }
      double[] x = in[0].data();
      double[] y = new double[x.length];
      int inner = split[2];
      for (int o = 0; o < split[0]; o++) {
        for (int ch = 0; ch < c; ch++) {
          int base = (o * c + ch) * inner;
          double mu = mean[ch];
          double ac = a[ch];
          double bc = bias[ch];
          for (int i = 0; i < inner; i++) {
            y[base + i] = (x[base + i] - mu) * ac + bc;
          }
        }
      }
      return new NdArray(xs, y);
    };
  }

  private static FloatKernel layerNorm(int axisAttr, double eps) {
    return (in, b) -> {
      long[] xs = in[0].shape();
      int axis = axisAttr < 0 ? axisAttr + xs.length : axisAttr;
      Kernels.checkAxis(axis, xs.length);
      long[] norm = Arrays.copyOfRange(xs, axis, xs.length);
      int outer = Kernels.product(xs, 0, axis);
      int inner = Kernels.product(xs, axis, xs.length);
      int[] si = Kernels.broadcastIndex(in[1].shape(), norm);
      int[] bi = in.length > 2 && in[2] != null ? Kernels.broadcastIndex(in[2].shape(), norm) : null;
      double[] scale = in[1].data();
      double[] bias = bi == null ? null : in[2].data();
      double[] z = FloatIntegerOps.normalize(in[0], axisAttr, eps).data();
      double[] y = new double[z.length];
      for (int o = 0; o < outer; o++) {
        int base = o * inner;
        for (int i = 0; i < inner; i++) {
          double v = z[base + i] * scale[si[i]];
          y[base + i] = bias == null ? v : v + bias[bi[i]];
        }
      }
      return new NdArray(xs, y);
    };
  }

  private static FloatKernel softmax(int axisAttr) {
    return (in, b) -> softmax(in[0], axisAttr);
  }

  /** Softmax along one axis (negative counts from the end), with the maximum subtracted for stability. */
  static NdArray softmax(NdArray a, int axisAttr) {
    long[] xs = a.shape();
    int axis = axisAttr < 0 ? axisAttr + xs.length : axisAttr;
    int[] split = Kernels.splitAt(xs, axis);
    int len = split[1];
    int inner = split[2];
    double[] x = a.data();
    double[] y = new double[x.length];
    for (int o = 0; o < split[0]; o++) {
      for (int j = 0; j < inner; j++) {
        int base = o * len * inner + j;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
          max = Math.max(max, x[base + i * inner]);
        }
        double sum = 0;
        for (int i = 0; i < len; i++) {
          double e = Math.exp(x[base + i * inner] - max);
          y[base + i * inner] = e;
          sum += e;
        }
        for (int i = 0; i < len; i++) {
          y[base + i * inner] /= sum;
        }
      }
    }
    return new NdArray(xs, y);
  }

  private static FloatKernel reduceMean(int[] axesAttr, boolean keepDims) {
    return (in, b) -> {
      long[] xs = in[0].shape();
      int[] axes = axesAttr;
      if (axes.length == 0) {
        axes = new int[xs.length];
        for (int i = 0; i < axes.length; i++) {
          axes[i] = i;
        }
      }
      long[] ys = Kernels.reduceShape(xs, axes, keepDims);
      int[] map = Kernels.reduceIndex(xs, axes);
      double[] x = in[0].data();
      double[] y = new double[Kernels.count(ys)];
      for (int i = 0; i < x.length; i++) {
        y[map[i]] += x[i];
      }
      double count = y.length == 0 ? 1 : (double) x.length / y.length;
      for (int i = 0; i < y.length; i++) {
        y[i] /= count;
      }
      return new NdArray(ys, y);
    };
  }
}
