package dev.tessera.ir.grad;

import dev.tessera.ir.interp.Kernels;
import java.util.Arrays;

/** The sliding windows of a Conv or pooling node, planned with the interpreters' own {@link Kernels#window}. */
final class Windows {

  private Windows() {}

  /**
   * Windows over the spatial axes (all axes after the first two) of {@code x}, producing the spatial shape of
   * {@code y}; missing strides, pads and dilations mean 1, 0 and 1.
   */
  static Kernels.Window plan(long[] x, long[] y, long[] kernel, long[] strides, long[] padsBegin, long[] padsEnd,
      long[] dilations) {
    int rank = x.length - 2;
    long[] in = Arrays.copyOfRange(x, 2, x.length);
    long[] out = Arrays.copyOfRange(y, 2, y.length);
    return Kernels.window(in, out, kernel, orFill(strides, rank, 1), orFill(padsBegin, rank, 0),
        orFill(padsEnd, rank, 0), orFill(dilations, rank, 1));
  }

  private static long[] orFill(long[] a, int rank, long value) {
    if (a != null && a.length == rank) {
      return a;
    }
    long[] f = new long[rank];
    Arrays.fill(f, value);
    return f;
  }

  /** The gradient of a gather: {@code dx[src[i]] += g[i]} for every i whose source is an element (not padding). */
  static double[] scatterAdd(double[] g, int[] src, int inSize) {
    double[] dx = new double[inSize];
    for (int i = 0; i < g.length; i++) {
      if (src[i] >= 0) {
        dx[src[i]] += g[i];
      }
    }
    return dx;
  }
}
