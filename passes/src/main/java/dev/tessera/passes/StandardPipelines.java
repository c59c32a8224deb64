package dev.tessera.passes;

import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.fold.EliminateTransposes;
import dev.tessera.passes.fold.FoldBatchNorm;
import dev.tessera.passes.fold.FoldConstants;
import dev.tessera.passes.fold.FuseDenseBias;
import dev.tessera.passes.fold.RemoveIdentities;
import dev.tessera.passes.quant.ApplyPrecision;
import dev.tessera.passes.quant.FoldSignThreshold;
import dev.tessera.passes.quant.LowerIntegerOps;
import dev.tessera.passes.quant.LowerQuantizers;

/** The named pass lists the CLI runs; the order is part of each list's definition. */
public final class StandardPipelines {

  private StandardPipelines() {}

  /**
   * Float simplification: RemoveIdentities, FoldConstants, EliminateTransposes, FuseDenseBias, FoldSignThreshold
   * (a BatchNorm between an integer Dense and a BipolarQuant becomes an integer threshold), FoldBatchNorm. The result
   * computes the same float function with fewer nodes.
   */
  public static Pipeline simplify() {
    return Pipeline.of(new RemoveIdentities(), new FoldConstants(), new EliminateTransposes(), new FuseDenseBias(),
        new FoldSignThreshold(), new FoldBatchNorm());
  }

  /**
   * Everything {@link #forHardware} runs before ApplyPrecision: {@link #simplify()}, LowerQuantizers (QDQ pairs to
   * QONNX Quant, narrow ranges to a Clip, other scales to constant multiplies) and LowerIntegerOps (integer-only
   * softmax where the config asks for it, LayerNorm and Erf-GELU always). The result is the float graph whose node
   * names a precision config refers to (what {@code tessera quantize} calibrates and searches on).
   */
  public static Pipeline prepare(PrecisionConfig config) {
    return simplify().then(new LowerQuantizers(), new LowerIntegerOps(config));
  }

  /**
   * What {@code tessera predict --fixed} and {@code tessera build} run: {@link #prepare} then ApplyPrecision with
   * the given config. The result is a quantized graph for the fixed-point interpreter and the backends.
   */
  public static Pipeline forHardware(PrecisionConfig config) {
    return prepare(config).then(new ApplyPrecision(config));
  }
}
