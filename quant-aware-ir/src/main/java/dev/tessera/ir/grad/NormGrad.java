package dev.tessera.ir.grad;

import dev.tessera.ir.interp.Kernels;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.Arrays;

/** Gradients of Softmax, BatchNorm (inference form) and LayerNorm. */
final class NormGrad {

  private NormGrad() {}

  /** Softmax along an axis: {@code dx = y ⊙ (g - Σ_axis g ⊙ y)}. */
  static NdArray[] softmax(Step s, Op.Softmax op) {
    NdArray[] res = s.none();
    if (!s.wants(0)) {
      return res;
    }
    long[] shape = s.out().shape();
    int axis = op.axis() < 0 ? op.axis() + shape.length : op.axis();
    int len = Math.toIntExact(shape[axis]);
    int outer = Kernels.product(shape, 0, axis);
    int inner = Kernels.product(shape, axis + 1, shape.length);
    double[] y = s.out().data();
    double[] g = s.g();
    double[] dx = new double[y.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        double dot = 0;
        for (int k = 0; k < len; k++) {
          dot += g[base + k * inner] * y[base + k * inner];
        }
        for (int k = 0; k < len; k++) {
          int at = base + k * inner;
          dx[at] = y[at] * (g[at] - dot);
        }
      }
    }
    res[0] = new NdArray(shape, dx);
    return res;
  }

  /**
   * BatchNorm {@code y = (x - μ)·γ/√(σ²+ε) + β} per channel (axis 1), with constant statistics: {@code dx = g·γ/√(σ²+ε)};
   * the parameter gradients are the sums over batch and spatial positions of g times the partial derivatives.
   */
  static NdArray[] batchNorm(Step s, Op.BatchNorm op) {
    NdArray[] res = s.none();
    NdArray x = s.in()[0];
    double[] gamma = s.in()[1].data();
    double[] mean = s.in()[3].data();
    double[] var = s.in()[4].data();
    int n = Math.toIntExact(x.dim(0));
    int ch = Math.toIntExact(x.dim(1));
    int inner = Kernels.product(x.shape(), 2, x.rank());
    double[] xv = x.data();
    double[] g = s.g();
    double[] dx = s.wants(0) ? new double[xv.length] : null;
    double[][] dp = new double[5][];
    for (int i = 1; i < 5; i++) {
      dp[i] = s.wants(i) ? new double[ch] : null;
    }
    for (int c = 0; c < ch; c++) {
      double inv = 1 / Math.sqrt(var[c] + op.epsilon());
      for (int b = 0; b < n; b++) {
        int base = (b * ch + c) * inner;
        for (int i = 0; i < inner; i++) {
          double gv = g[base + i];
          double centred = xv[base + i] - mean[c];
          if (dx != null) {
            dx[base + i] = gv * gamma[c] * inv;
          }
          if (dp[1] != null) {
            dp[1][c] += gv * centred * inv;
          }
          if (dp[2] != null) {
            dp[2][c] += gv;
          }
          if (dp[3] != null) {
            dp[3][c] -= gv * gamma[c] * inv;
          }
          if (dp[4] != null) {
            dp[4][c] -= 0.5 * gv * centred * gamma[c] * inv * inv * inv;
          }
        }
      }
    }
    if (dx != null) {
      res[0] = new NdArray(x.shape(), dx);
    }
    for (int i = 1; i < 5; i++) {
      if (dp[i] != null) {
        res[i] = new NdArray(s.in()[i].shape(), dp[i]);
      }
    }
    return res;
  }

  /**
   * LayerNorm over the axes from {@code axis} on: with {@code x̂ = (x - μ)/√(σ²+ε)} and {@code h = g ⊙ scale},
   * {@code dx = (h - mean(h) - x̂·mean(h ⊙ x̂)) / √(σ²+ε)}; {@code dscale = Σ_rows g ⊙ x̂}, {@code dbias = Σ_rows g}
   * (scale and bias broadcast to the normalized shape; their gradients are reduced back).
   */
  static NdArray[] layerNorm(Step s, Op.LayerNorm op) {
    NdArray[] res = s.none();
    NdArray x = s.in()[0];
    long[] shape = x.shape();
    int axis = op.axis() < 0 ? op.axis() + shape.length : op.axis();
    long[] normShape = Arrays.copyOfRange(shape, axis, shape.length);
    int d = Kernels.count(normShape);
    int rows = x.size() / Math.max(d, 1);
    int[] si = Kernels.broadcastIndex(s.in()[1].shape(), normShape);
    double[] scale = s.in()[1].data();
    int[] bi = s.in().length > 2 && s.in()[2] != null ? Kernels.broadcastIndex(s.in()[2].shape(), normShape) : null;
    double[] xv = x.data();
    double[] g = s.g();
    double[] dx = s.wants(0) ? new double[xv.length] : null;
    double[] dScale = s.wants(1) ? new double[scale.length] : null;
    double[] dBias = s.wants(2) ? new double[s.in()[2].size()] : null;
    double[] xhat = new double[d];
    double[] h = new double[d];
    for (int r = 0; r < rows; r++) {
      int base = r * d;
      double mu = 0;
      for (int i = 0; i < d; i++) {
        mu += xv[base + i];
      }
      mu /= d;
      double var = 0;
      for (int i = 0; i < d; i++) {
        double c = xv[base + i] - mu;
        var += c * c;
      }
      var /= d;
      double inv = 1 / Math.sqrt(var + op.epsilon());
      double meanH = 0;
      double meanHx = 0;
      for (int i = 0; i < d; i++) {
        xhat[i] = (xv[base + i] - mu) * inv;
        h[i] = g[base + i] * scale[si[i]];
        meanH += h[i];
        meanHx += h[i] * xhat[i];
        if (dScale != null) {
          dScale[si[i]] += g[base + i] * xhat[i];
        }
        if (dBias != null) {
          dBias[bi[i]] += g[base + i];
        }
      }
      meanH /= d;
      meanHx /= d;
      if (dx != null) {
        for (int i = 0; i < d; i++) {
          dx[base + i] = (h[i] - meanH - xhat[i] * meanHx) * inv;
        }
      }
    }
    if (dx != null) {
      res[0] = new NdArray(shape, dx);
    }
    if (dScale != null) {
      res[1] = new NdArray(s.in()[1].shape(), dScale);
    }
    if (dBias != null) {
      res[2] = new NdArray(s.in()[2].shape(), dBias);
    }
    return res;
  }
}
