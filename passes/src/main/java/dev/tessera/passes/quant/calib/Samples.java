package dev.tessera.passes.quant.calib;

/** Validation and summaries of calibration samples shared by the methods. */
final class Samples {

  private Samples() {}

  /** An error unless there is at least one value and every value is finite. */
  static void check(double[] values) {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("no calibration samples");
    }
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("calibration sample " + i + " is " + v + "; samples must be finite");
      }
    }
  }

  /** The exact minimum and maximum of checked values. */
  static Range minMax(double[] values) {
    double lo = values[0];
    double hi = values[0];
    for (double v : values) {
      if (v < lo) {
        lo = v;
      } else if (v > hi) {
        hi = v;
      }
    }
    return new Range(lo, hi);
  }
}
