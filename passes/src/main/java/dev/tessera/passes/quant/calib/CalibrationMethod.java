package dev.tessera.passes.quant.calib;

/**
 * A way to turn sample activations into the range a fixed-point type must cover. Every method rejects an empty
 * sample set and non-finite samples. docs/calibration.md describes each method and its search.
 */
public sealed interface CalibrationMethod permits MinMax, Percentile, MseOptimal, KlDivergence {

  /** The range for one tensor (or one channel) given all its sample values. */
  Range range(double[] values);

  /** True when the method may return a range that excludes some samples on purpose (so the type should saturate). */
  boolean clips();

  /** Short name for reports and configs, e.g. {@code percentile(99.99)}. */
  String describe();
}
