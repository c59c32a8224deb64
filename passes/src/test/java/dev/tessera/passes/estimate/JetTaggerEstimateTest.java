package dev.tessera.passes.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.arith.Csd;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.Pipeline;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.fold.FoldConstants;
import dev.tessera.passes.fold.FuseDenseBias;
import dev.tessera.passes.fold.RemoveIdentities;
import dev.tessera.passes.quant.ApplyPrecision;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Estimates of the canonical hls4ml jet tagger (16 → 64 → 32 → 32 → 5, ReLU, Softmax) at fixed<16,6> and
 * fixed<8,3> on both targets; prints the tables (the numbers quoted in docs/estimation.md).
 */
class JetTaggerEstimateTest {

  private static Path model() {
    String dir = System.getProperty("tessera.sharedModels");
    assumeTrue(dir != null, "system property tessera.sharedModels is not set: skipping the jet tagger estimate");
    Path p = Path.of(dir, "fastmachinelearning_example-models", "onnx", "three_layer_keras.onnx");
    assumeTrue(Files.exists(p), "model " + p + " is missing: skipping the jet tagger estimate");
    return p;
  }

  private static Graph quantized(FixedType t) {
    Graph g = OnnxImporter.load(model());
    PassContext ctx = PassContext.create();
    g = Pipeline.of(new FoldConstants(), new RemoveIdentities(), new FuseDenseBias()).run(g, ctx);
    return new ApplyPrecision(PrecisionConfig.uniform(t)).run(g, ctx);
  }

  /** Nonzero weights that are not ±2^k: the multipliers of a fully parallel HLS design. */
  private static long realMultiplications(Graph g) {
    long n = 0;
    for (Node node : g.nodes()) {
      if (node.op() instanceof Op.Dense) {
        n += realMultiplicationsOf(g, node);
      }
    }
    return n;
  }

  private static long realMultiplicationsOf(Graph g, Node dense) {
    long n = 0;
    for (long w : g.constant(dense.input(1)).raw()) {
      n += Csd.free(w) ? 0 : 1;
    }
    return n;
  }

  @Test
  void jetTaggerAtTwoPrecisionsOnBothTargets() {
    Graph g16 = quantized(FixedType.signed(16, 6));
    Graph g8 = quantized(FixedType.signed(8, 3));
    Estimate hls16 = ResourceEstimator.estimate(g16, EstimateOptions.hls());
    Estimate hls8 = ResourceEstimator.estimate(g8, EstimateOptions.hls());
    Estimate rtl16 = ResourceEstimator.estimate(g16, EstimateOptions.shiftAdd());
    Estimate rtl8 = ResourceEstimator.estimate(g8, EstimateOptions.shiftAdd());
    System.out.println("jet tagger, fixed<16,6>, hls latency:\n" + hls16.table());
    System.out.println("jet tagger, fixed<8,3>, hls latency:\n" + hls8.table());
    System.out.println("jet tagger, fixed<16,6>, shift-add rtl:\n" + rtl16.table());
    System.out.println("jet tagger, fixed<8,3>, shift-add rtl:\n" + rtl8.table());
    // 16-bit operands: every real multiplication of the Dense layers is one DSP; the softmax adds 5 more
    assertEquals(realMultiplications(g16) + 5, hls16.total().dsp());
    for (Node node : g8.nodes()) {
      if (node.op() instanceof Op.Dense) {
        assertEquals(0, hls8.row(node.name()).dsp(), "8-bit products stay in LUTs");
        assertEquals(hls8.row(node.name()).multipliers(), realMultiplicationsOf(g8, node));
      }
    }
    assertEquals(5, rtl16.total().dsp(), "the shift-add design has DSPs only in the softmax (18-bit tables)");
    assertTrue(hls8.total().lutEquivalents() < hls16.total().lutEquivalents());
    assertTrue(rtl8.total().lutEquivalents() < rtl16.total().lutEquivalents());
  }
}
