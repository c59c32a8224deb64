package dev.tessera.importer.testing;

import dev.tessera.ir.interp.NdArray;
import java.util.Arrays;

/** Element-wise closeness with a readable failure message. */
public final class Compare {

  private Compare() {}

  /** Null when {@code |actual - expected| <= atol + rtol·|expected|} everywhere, else a description. */
  public static String mismatch(NdArray actual, NdArray expected, double rtol, double atol) {
    return mismatch(actual, expected, rtol, atol, 0);
  }

  /**
   * Like {@link #mismatch(NdArray, NdArray, double, double)} but tolerates up to {@code allowed} differing
   * elements: a quantizer whose input lies within float32 rounding of a rounding boundary may land one step away
   * in ONNX Runtime (float32) and in the double-precision interpreter.
   */
  public static String mismatch(NdArray actual, NdArray expected, double rtol, double atol, int allowed) {
    if (!Arrays.equals(actual.shape(), expected.shape())) {
      return "shape " + Arrays.toString(actual.shape()) + " != expected " + Arrays.toString(expected.shape());
    }
    int bad = 0;
    int first = -1;
    double worst = 0;
    for (int i = 0; i < actual.size(); i++) {
      double a = actual.data()[i];
      double e = expected.data()[i];
      double err = Math.abs(a - e);
      if (!(err <= atol + rtol * Math.abs(e)) && !(Double.isInfinite(e) && a == e)) {
        bad++;
        if (first < 0) {
          first = i;
        }
        worst = Math.max(worst, err);
      }
    }
    if (bad <= allowed) {
      return null;
    }
    return bad + " of " + actual.size() + " elements differ (rtol " + rtol + ", atol " + atol + "); first at "
        + first + ": " + actual.data()[first] + " vs expected " + expected.data()[first] + "; worst abs error "
        + worst;
  }

  /** Index of the largest element of each row of a [rows, cols] array. */
  public static int[] argmaxRows(NdArray a) {
    int rows = (int) a.shape()[0];
    int cols = a.size() / Math.max(rows, 1);
    int[] out = new int[rows];
    for (int r = 0; r < rows; r++) {
      int best = 0;
      for (int c = 1; c < cols; c++) {
        if (a.data()[r * cols + c] > a.data()[r * cols + best]) {
          best = c;
        }
      }
      out[r] = best;
    }
    return out;
  }
}
