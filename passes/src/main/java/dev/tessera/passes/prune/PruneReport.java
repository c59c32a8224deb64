package dev.tessera.passes.prune;

import java.util.List;

/**
 * What a pruning run did, for people and for JSON ({@code tessera prune --report}).
 *
 * @param model graph name
 * @param budget the budget as given, e.g. {@code macs<=0.5}
 * @param costUnit what the budget counts ("MACs", "LUTs", "DSPs")
 * @param costLimit the budget in that unit
 * @param costBefore the unpruned model's cost in that unit
 * @param costAfter the pruned model's cost in that unit
 * @param loss "cross-entropy" (labels given) or "kl-divergence" (label-free)
 * @param samples samples used for gradients and tuning
 * @param precision the fixed-point type of the estimates
 * @param target the estimator's target
 * @param layers one entry per prunable layer
 * @param skipped Dense and Conv nodes that are not prunable, with the reason
 * @param before the unpruned model
 * @param after the written model
 * @param variants with and without rearrangement and tuning
 * @param chosen the name of the written variant
 * @param tuning the least-squares fit per layer of the written variant (empty without tuning)
 * @param magnitudeZeros weights zeroed by magnitude pruning
 * @param timeMs time per phase
 * @param warnings anything the user should know
 */
public record PruneReport(String model, String budget, String costUnit, double costLimit, double costBefore,
    double costAfter, String loss, int samples, String precision, String target, List<Layer> layers,
    List<PrunableLayer.Skipped> skipped, Summary before, Summary after, List<Variant> variants, String chosen,
    List<MaskTuning.Fit> tuning, long magnitudeZeros, Timing timeMs, List<String> warnings) {

  public PruneReport {
    layers = List.copyOf(layers);
    skipped = List.copyOf(skipped);
    variants = List.copyOf(variants);
    tuning = List.copyOf(tuning);
    warnings = List.copyOf(warnings);
  }

  /**
   * One prunable layer.
   *
   * @param node the producer node
   * @param consumer the node that reads its units
   * @param units units before
   * @param kept units after
   * @param removed indices of the removed units (of the unpruned model)
   */
  public record Layer(String node, String consumer, int units, int kept, int[] removed) {}

  /**
   * Size and estimated cost of a model.
   *
   * @param macs multiply-accumulates per sample
   * @param parameters constant elements
   * @param lut estimated LUTs
   * @param ff estimated flip-flops
   * @param dsp estimated DSPs
   * @param lutEquivalents LUT + 55 per DSP
   */
  public record Summary(long macs, long parameters, long lut, long ff, long dsp, long lutEquivalents) {}

  /**
   * One combination of the optional steps.
   *
   * @param name "search", then "+rearrange" and "+tune(scales)" or "+tune(weights)" for the steps applied
   * @param rearranged mask rearrangement applied
   * @param tuned "none", "scales" or "weights"
   * @param macs MACs of the variant
   * @param calibration scores on the pruning samples
   * @param test scores on the held-out samples (null when none were given)
   */
  public record Variant(String name, boolean rearranged, String tuned, long macs, Evaluation.Score calibration,
      Evaluation.Score test) {}

  /**
   * Milliseconds per phase.
   *
   * @param gradients mask gradients (forward and backward passes)
   * @param search the knapsack search
   * @param rearrange mask rearrangement
   * @param tune mask tuning (all tuned variants)
   * @param evaluate scoring the variants and estimating resources
   * @param total the whole run
   * @param prune the run without the report's extra variants, scores and estimates
   */
  public record Timing(long gradients, long search, long rearrange, long tune, long evaluate, long total,
      long prune) {}
}
