package dev.tessera.ir.grad;

import dev.tessera.ir.interp.Kernels;
import dev.tessera.ir.interp.NdArray;

/** Gradients of Dense ({@code y = x W + b} over the last axis) and MatMul (numpy semantics, broadcast batch axes). */
final class LinearGrad {

  private LinearGrad() {}

  /** Dense: {@code dx = g Wᵀ}, {@code dW = xᵀ g}, {@code db = Σ_rows g}; x is [..., in], W [in, out]. */
  static NdArray[] dense(Step s) {
    NdArray[] res = s.none();
    NdArray x = s.in()[0];
    NdArray w = s.in()[1];
    int in = Math.toIntExact(w.dim(0));
    int outs = Math.toIntExact(w.dim(1));
    int rows = x.size() / in;
    double[] g = s.g();
    double[] xv = x.data();
    double[] wv = w.data();
    if (s.wants(0)) {
      double[] dx = new double[xv.length];
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < in; i++) {
          double acc = 0;
          for (int j = 0; j < outs; j++) {
            acc += g[r * outs + j] * wv[i * outs + j];
          }
          dx[r * in + i] = acc;
        }
      }
      res[0] = new NdArray(x.shape(), dx);
    }
    if (s.wants(1)) {
      double[] dw = new double[wv.length];
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < in; i++) {
          double xi = xv[r * in + i];
          if (xi != 0) {
            for (int j = 0; j < outs; j++) {
              dw[i * outs + j] += xi * g[r * outs + j];
            }
          }
        }
      }
      res[1] = new NdArray(w.shape(), dw);
    }
    if (s.wants(2)) {
      double[] db = new double[outs];
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < outs; j++) {
          db[j] += g[r * outs + j];
        }
      }
      res[2] = new NdArray(s.in()[2].shape(), db);
    }
    return res;
  }

  /**
   * MatMul: a 1-D operand is treated as a row (a) or column (b) vector, batch axes broadcast; per batch entry
   * {@code dA = g Bᵀ} and {@code dB = Aᵀ g}, summed over the batch entries an operand was broadcast to.
   */
  static NdArray[] matMul(Step s) {
    NdArray[] res = s.none();
    long[] as = s.in()[0].shape();
    long[] bs = s.in()[1].shape();
    Kernels.MatMul plan = Kernels.matmul(as, bs);
    int m = plan.m();
    int k = plan.k();
    int n = plan.n();
    double[] av = s.in()[0].data();
    double[] bv = s.in()[1].data();
    double[] g = s.g();
    double[] da = s.wants(0) ? new double[av.length] : null;
    double[] db = s.wants(1) ? new double[bv.length] : null;
    for (int t = 0; t < plan.batch(); t++) {
      int ao = plan.aOffset()[t];
      int bo = plan.bOffset()[t];
      int go = t * m * n;
      for (int r = 0; r < m; r++) {
        for (int c = 0; c < n; c++) {
          double gv = g[go + r * n + c];
          if (gv == 0) {
            continue;
          }
          for (int q = 0; q < k; q++) {
            if (da != null) {
              da[ao + r * k + q] += gv * bv[bo + q * n + c];
            }
            if (db != null) {
              db[bo + q * n + c] += av[ao + r * k + q] * gv;
            }
          }
        }
      }
    }
    if (da != null) {
      res[0] = new NdArray(as, da);
    }
    if (db != null) {
      res[1] = new NdArray(bs, db);
    }
    return res;
  }
}
