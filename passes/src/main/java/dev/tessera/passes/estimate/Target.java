package dev.tessera.passes.estimate;

/** The implementation style whose cost {@link ResourceEstimator} models. */
public enum Target {
  /**
   * Vitis/Vivado HLS with hls4ml's Latency strategy (io_parallel, weights as constants): one multiplier per nonzero,
   * non-power-of-two weight (divided by the reuse factor), on DSPs or LUTs by operand width, and an adder tree.
   */
  HLS_LATENCY,
  /**
   * Hand-built shift-add RTL: each weight becomes its canonical-signed-digit terms (no multipliers), summed by a
   * pipelined adder tree.
   */
  SHIFT_ADD_RTL
}
