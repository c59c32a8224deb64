package dev.tessera.passes.quant.search;

import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.NdArray;
import java.math.BigInteger;

/**
 * Class decisions of a model output, one per sample (axis 0): the index of the first largest value of the sample;
 * an output with one value per sample is read as a probability and thresholded at 0.5.
 */
public final class Predictions {

  private Predictions() {}

  /** Decisions of float outputs. */
  public static int[] of(NdArray out) {
    int n = (int) out.dim(0);
    int per = n == 0 ? 0 : out.size() / n;
    int[] c = new int[n];
    double[] d = out.data();
    for (int s = 0; s < n; s++) {
      if (per == 1) {
        c[s] = d[s] >= 0.5 ? 1 : 0;
        continue;
      }
      int best = 0;
      for (int i = 1; i < per; i++) {
        if (d[s * per + i] > d[s * per + best]) {
          best = i;
        }
      }
      c[s] = best;
    }
    return c;
  }

  /** Decisions of fixed-point outputs (compared on the raw integers, which share one type). */
  public static int[] of(FixedArray out) {
    int n = (int) out.shape()[0];
    int per = n == 0 ? 0 : out.size() / n;
    int[] c = new int[n];
    BigInteger[] r = out.raw();
    BigInteger half = out.type().fromDouble(0.5);
    for (int s = 0; s < n; s++) {
      if (per == 1) {
        c[s] = r[s].compareTo(half) >= 0 ? 1 : 0;
        continue;
      }
      int best = 0;
      for (int i = 1; i < per; i++) {
        if (r[s * per + i].compareTo(r[s * per + best]) > 0) {
          best = i;
        }
      }
      c[s] = best;
    }
    return c;
  }

  /** Fraction of equal entries. */
  public static double agreement(int[] a, int[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(a.length + " decisions against " + b.length);
    }
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b[i]) {
        same++;
      }
    }
    return a.length == 0 ? 1.0 : (double) same / a.length;
  }
}
