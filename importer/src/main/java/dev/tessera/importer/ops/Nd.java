package dev.tessera.importer.ops;

import java.util.Arrays;

/** Row-major index arithmetic used by the constant folder. */
final class Nd {

  private Nd() {}

  static int count(long[] shape) {
    long n = 1;
    for (long s : shape) {
      n = Math.multiplyExact(n, s);
    }
    return Math.toIntExact(n);
  }

  static long[] strides(long[] shape) {
    long[] st = new long[shape.length];
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      st[i] = s;
      s *= shape[i];
    }
    return st;
  }

  /** Permutes axes: out axis i is input axis perm[i]. */
  static <T> void transpose(long[] shape, int[] perm, IndexCopy copy) {
    long[] outShape = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      outShape[i] = shape[perm[i]];
    }
    long[] inStrides = strides(shape);
    int n = count(shape);
    int[] idx = new int[perm.length];
    for (int o = 0; o < n; o++) {
      long src = 0;
      for (int i = 0; i < perm.length; i++) {
        src += idx[i] * inStrides[perm[i]];
      }
      copy.copy((int) src, o);
      for (int i = perm.length - 1; i >= 0; i--) {
        if (++idx[i] < outShape[i]) {
          break;
        }
        idx[i] = 0;
      }
    }
  }

  /** Source index of every element of {@code outShape} when {@code inShape} is broadcast to it (right-aligned). */
  static int[] broadcastIndex(long[] inShape, long[] outShape) {
    int n = count(outShape);
    int[] map = new int[n];
    long[] inStrides = strides(inShape);
    int off = outShape.length - inShape.length;
    int[] idx = new int[outShape.length];
    for (int o = 0; o < n; o++) {
      long src = 0;
      for (int i = 0; i < inShape.length; i++) {
        if (inShape[i] != 1) {
          src += idx[i + off] * inStrides[i];
        }
      }
      map[o] = (int) src;
      for (int i = outShape.length - 1; i >= 0; i--) {
        if (++idx[i] < outShape[i]) {
          break;
        }
        idx[i] = 0;
      }
    }
    return map;
  }

  /** Numpy broadcast of static shapes, or null when incompatible. */
  static long[] broadcastShape(long[]... shapes) {
    int rank = 0;
    for (long[] s : shapes) {
      rank = Math.max(rank, s.length);
    }
    long[] out = new long[rank];
    Arrays.fill(out, 1);
    for (long[] s : shapes) {
      int off = rank - s.length;
      for (int i = 0; i < s.length; i++) {
        if (s[i] == out[i + off] || s[i] == 1) {
          continue;
        }
        if (out[i + off] != 1) {
          return null;
        }
        out[i + off] = s[i];
      }
    }
    return out;
  }

  /** Callback of {@link #transpose}. */
  interface IndexCopy {
    void copy(int from, int to);
  }
}
