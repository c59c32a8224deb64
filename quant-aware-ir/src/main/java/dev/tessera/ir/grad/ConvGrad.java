package dev.tessera.ir.grad;

import dev.tessera.ir.interp.Kernels;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.Arrays;

/**
 * Gradient of Conv (NCHW, any number of spatial axes, zero padding, strides, dilations, groups). Every (output,
 * kernel tap) pair that read an input element sends {@code g · w} back to it; the weight gradient collects
 * {@code g · x} and the bias gradient {@code Σ g}. Padded taps contribute nothing, as in the forward.
 */
final class ConvGrad {

  private ConvGrad() {}

  static NdArray[] backward(Step s, Op.Conv op) {
    NdArray[] res = s.none();
    NdArray x = s.in()[0];
    NdArray w = s.in()[1];
    long[] kernel = Arrays.copyOfRange(w.shape(), 2, w.rank());
    Kernels.Window win = Windows.plan(x.shape(), s.out().shape(), kernel, op.strides(), op.padsBegin(),
        op.padsEnd(), op.dilations());
    int groups = Math.max(op.group(), 1);
    int n = Math.toIntExact(x.dim(0));
    int cIn = Math.toIntExact(x.dim(1));
    int mOut = Math.toIntExact(w.dim(0));
    int cg = cIn / groups;
    int mg = mOut / groups;
    int ks = win.kernelSize();
    int os = win.outSize();
    int is = x.size() / Math.max(n * cIn, 1);
    int[] index = win.index();
    double[] xv = x.data();
    double[] wv = w.data();
    double[] g = s.g();
    double[] dx = s.wants(0) ? new double[xv.length] : null;
    double[] dw = s.wants(1) ? new double[wv.length] : null;
    double[] db = s.wants(2) ? new double[mOut] : null;
    for (int b = 0; b < n; b++) {
      for (int m = 0; m < mOut; m++) {
        int grp = m / mg;
        for (int o = 0; o < os; o++) {
          double gv = g[(b * mOut + m) * os + o];
          if (gv == 0) {
            continue;
          }
          if (db != null) {
            db[m] += gv;
          }
          for (int c = 0; c < cg; c++) {
            int xBase = (b * cIn + grp * cg + c) * is;
            int wBase = (m * cg + c) * ks;
            for (int k = 0; k < ks; k++) {
              int at = index[o * ks + k];
              if (at < 0) {
                continue;
              }
              if (dx != null) {
                dx[xBase + at] += gv * wv[wBase + k];
              }
              if (dw != null) {
                dw[wBase + k] += gv * xv[xBase + at];
              }
            }
          }
        }
      }
    }
    if (dx != null) {
      res[0] = new NdArray(x.shape(), dx);
    }
    if (dw != null) {
      res[1] = new NdArray(w.shape(), dw);
    }
    if (db != null) {
      res[2] = new NdArray(s.in()[2].shape(), db);
    }
    return res;
  }
}
