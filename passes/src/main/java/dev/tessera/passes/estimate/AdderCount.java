package dev.tessera.passes.estimate;

import dev.tessera.ir.arith.AdderGraph;
import dev.tessera.ir.arith.Pipeline;

/**
 * What the resource model reads from an adder graph of the Verilog backend: its two-operand adders, their full-adder
 * bits (the bits above each adder's wired low bits), its depth in adder levels, and the delay-register bits of its
 * pipeline schedule at {@code levelsPerStage} levels per stage.
 *
 * @param adders two-operand adders and subtractors
 * @param adderBits full-adder bits, {@link AdderGraph#adderBits()}
 * @param depth adder levels from an input to an output
 * @param registerBits delay-register bits inside the graph ({@link Pipeline#registerBits})
 * @param lastStage stage in which the outputs are valid ({@link Pipeline#stage})
 */
record AdderCount(long adders, long adderBits, int depth, long registerBits, int lastStage) {

  static AdderCount of(AdderGraph g, int levelsPerStage) {
    int[] st = Pipeline.stages(g, levelsPerStage);
    return new AdderCount(g.adders(), g.adderBits(), g.depth(), Pipeline.registerBits(g, st, levelsPerStage),
        Pipeline.stage(g.depth(), levelsPerStage));
  }
}
