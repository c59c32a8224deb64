package dev.tessera.passes.prune;

import dev.tessera.ir.FixedType;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.estimate.Target;

/**
 * Options of {@link StructuredPruner}; docs/pruning.md explains each.
 *
 * @param budget the hardware budget
 * @param precision the uniform fixed-point type at which LUT/DSP budgets and the report's estimates are computed
 * @param target the implementation style of the estimates; null picks the HLS target for a DSP budget and the
 *     shift-add RTL otherwise
 * @param rearrange run mask rearrangement after the search
 * @param tune run mask tuning after the search (and rearrangement)
 * @param tuneMethod what mask tuning fits: per-unit scales (Kwon et al.) or the consumer's weights; null picks the
 *     weights for a MAC budget and the scales for a LUT or DSP budget (refitted weights lose the zeros and small values
 *     that make a trained layer cheap in LUTs; docs/pruning.md)
 * @param biasCorrection mask tuning also fits a shift per output channel of each consumer
 * @param damping relative damping of the mask-tuning least squares
 * @param maxSamples use at most this many samples (the first ones)
 * @param batch samples per interpreter run
 * @param magnitude fraction of the weights of every Dense and Conv set to zero by magnitude after the structured
 *     pruning (0 = none)
 * @param allVariants evaluate all six combinations of rearrangement and tuning (none, scales, weights) of the Fisher
 *     search (and, with the reconstruction search, its masks untuned and tuned) for the report; else only the one
 *     asked for and the same masks without tuning
 * @param reconstructionSearch for a MAC budget with weight tuning, write the masks of {@link ReconstructionSearch}
 *     (units priced by the loss increase left after the weight reconstruction) instead of the Fisher search's
 */
public record PruneOptions(PruneBudget budget, FixedType precision, Target target, boolean rearrange, boolean tune,
    TuneMethod tuneMethod, boolean biasCorrection, double damping, int maxSamples, int batch, double magnitude,
    boolean allVariants, boolean reconstructionSearch) {

  /** What mask tuning fits. */
  public enum TuneMethod {
    /** A scale factor per kept unit (and a shift per consumer output with bias correction): Kwon et al. (2022). */
    SCALES,
    /** The consumer's weights and bias (layer-wise reconstruction). */
    WEIGHTS
  }

  /** Default relative damping of the mask tuning. */
  public static final double DEFAULT_DAMPING = 1e-2;

  public PruneOptions {
    if (budget == null) {
      throw new IllegalArgumentException("a pruning budget is required");
    }
    if (precision == null) {
      precision = PrecisionConfig.HLS4ML_DEFAULT;
    }
    if (!(damping >= 0) || maxSamples < 1 || batch < 1 || !(magnitude >= 0 && magnitude < 1)) {
      throw new IllegalArgumentException("damping must be >= 0, samples and batch >= 1, magnitude in [0, 1)");
    }
  }

  /**
   * Defaults for a budget: fixed<16,6>, automatic target and tuning method, rearrangement, damping 0.01, 2,000
   * samples, all variants in the report.
   */
  public static PruneOptions of(PruneBudget budget) {
    return new PruneOptions(budget, null, null, true, true, null, true, DEFAULT_DAMPING, 2000, 250, 0,
        true, true);
  }

  /** The target of the estimates. */
  public Target effectiveTarget() {
    if (target != null) {
      return target;
    }
    return budget.kind() == PruneBudget.Kind.DSP ? Target.HLS_LATENCY : Target.SHIFT_ADD_RTL;
  }

  /** The tuning method in force. */
  public TuneMethod effectiveTuneMethod() {
    if (tuneMethod != null) {
      return tuneMethod;
    }
    return budget.kind() == PruneBudget.Kind.MACS ? TuneMethod.WEIGHTS : TuneMethod.SCALES;
  }

  public PruneOptions withPrecision(FixedType t) {
    return new PruneOptions(budget, t, target, rearrange, tune, tuneMethod, biasCorrection, damping, maxSamples, batch,
        magnitude, allVariants, reconstructionSearch);
  }

  public PruneOptions withTarget(Target t) {
    return new PruneOptions(budget, precision, t, rearrange, tune, tuneMethod, biasCorrection, damping, maxSamples,
        batch, magnitude, allVariants, reconstructionSearch);
  }

  public PruneOptions withRearrange(boolean r) {
    return new PruneOptions(budget, precision, target, r, tune, tuneMethod, biasCorrection, damping, maxSamples, batch,
        magnitude, allVariants, reconstructionSearch);
  }

  public PruneOptions withTune(boolean t) {
    return new PruneOptions(budget, precision, target, rearrange, t, tuneMethod, biasCorrection, damping, maxSamples,
        batch, magnitude, allVariants, reconstructionSearch);
  }

  public PruneOptions withTuneMethod(TuneMethod m) {
    return new PruneOptions(budget, precision, target, rearrange, tune, m, biasCorrection, damping, maxSamples, batch,
        magnitude, allVariants, reconstructionSearch);
  }

  public PruneOptions withBiasCorrection(boolean b) {
    return new PruneOptions(budget, precision, target, rearrange, tune, tuneMethod, b, damping, maxSamples, batch,
        magnitude, allVariants, reconstructionSearch);
  }

  public PruneOptions withDamping(double d) {
    return new PruneOptions(budget, precision, target, rearrange, tune, tuneMethod, biasCorrection, d, maxSamples,
        batch, magnitude, allVariants, reconstructionSearch);
  }

  public PruneOptions withMaxSamples(int n) {
    return new PruneOptions(budget, precision, target, rearrange, tune, tuneMethod, biasCorrection, damping, n, batch,
        magnitude, allVariants, reconstructionSearch);
  }

  public PruneOptions withBatch(int n) {
    return new PruneOptions(budget, precision, target, rearrange, tune, tuneMethod, biasCorrection, damping, maxSamples,
        n, magnitude, allVariants, reconstructionSearch);
  }

  public PruneOptions withMagnitude(double m) {
    return new PruneOptions(budget, precision, target, rearrange, tune, tuneMethod, biasCorrection, damping, maxSamples,
        batch, m, allVariants, reconstructionSearch);
  }

  public PruneOptions withAllVariants(boolean v) {
    return new PruneOptions(budget, precision, target, rearrange, tune, tuneMethod, biasCorrection, damping, maxSamples,
        batch, magnitude, v, reconstructionSearch);
  }

  public PruneOptions withReconstructionSearch(boolean r) {
    return new PruneOptions(budget, precision, target, rearrange, tune, tuneMethod, biasCorrection, damping, maxSamples,
        batch, magnitude, allVariants, r);
  }

  /** Whether the written masks come from {@link ReconstructionSearch}: MAC budgets with weight tuning. */
  public boolean usesReconstructionSearch() {
    return reconstructionSearch && tune && budget.kind() == PruneBudget.Kind.MACS
        && effectiveTuneMethod() == TuneMethod.WEIGHTS;
  }
}
