package dev.tessera.passes;

import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.fold.EliminateTransposes;
import dev.tessera.passes.fold.FoldBatchNorm;
import dev.tessera.passes.fold.FoldConstants;
import dev.tessera.passes.fold.FuseDenseBias;
import dev.tessera.passes.fold.RemoveIdentities;
import dev.tessera.passes.quant.ApplyPrecision;

/** The named pass lists the CLI runs; the order is part of each list's definition. */
public final class StandardPipelines {

  private StandardPipelines() {}

  /**
   * Float simplification: RemoveIdentities, FoldConstants, EliminateTransposes, FuseDenseBias, FoldBatchNorm. The
   * result computes the same float function with fewer nodes.
   */
  public static Pipeline simplify() {
    return Pipeline.of(new RemoveIdentities(), new FoldConstants(), new EliminateTransposes(), new FuseDenseBias(),
        new FoldBatchNorm());
  }

  /**
   * What {@code tessera predict --fixed} and {@code tessera build} run: {@link #simplify()} then ApplyPrecision with
   * the given config. The result is a quantized graph for the fixed-point interpreter and the backends.
   */
  public static Pipeline forHardware(PrecisionConfig config) {
    return simplify().then(new ApplyPrecision(config));
  }
}
