package dev.tessera.passes.quant.search;

/** How the integer bits of node results are chosen. */
public enum OverflowMode {
  /**
   * From interval arithmetic over the actual quantized weights and the full input range: no result can overflow for
   * any input the input types hold (proven by {@link IntervalAnalysis}), so results wrap (free in hardware) and never
   * saturate.
   */
  SAFE,
  /**
   * From the calibrated ranges of the sample data (the calibration method may clip outliers); results saturate, so a
   * value outside the calibrated range is clamped to the type's end.
   */
  SATURATE
}
