package dev.tessera.passes.estimate;

/**
 * The estimated cost of one node (or of a whole graph, for {@link Estimate#total()}).
 *
 * @param node node name ("total" for the sum)
 * @param op op kind
 * @param lut look-up tables
 * @param ff flip-flops
 * @param dsp DSP slices (DSP48-class, 25x18 signed)
 * @param bram18 18 Kb block RAMs
 * @param latency cycles from the node's input to its output
 * @param multipliers generic multipliers (DSP or LUT), after reuse
 * @param adders two-input adders and subtractors, after reuse
 * @param lutEquivalents {@code lut + lutsPerDsp · dsp}
 */
public record NodeEstimate(String node, String op, long lut, long ff, long dsp, long bram18, long latency,
    long multipliers, long adders, long lutEquivalents) {

  @Override
  public String toString() {
    return String.format("%-24s %-14s %9d %9d %6d %6d %7d %8d %8d %11d", node, op, lut, ff, dsp, bram18, latency,
        multipliers, adders, lutEquivalents);
  }
}
