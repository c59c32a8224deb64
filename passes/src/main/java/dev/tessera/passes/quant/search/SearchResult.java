package dev.tessera.passes.quant.search;

import dev.tessera.ir.Graph;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.estimate.Estimate;
import java.util.List;

/**
 * What {@link PrecisionSearch} found.
 *
 * @param config the config to write (what ApplyPrecision and the backends read)
 * @param quantized the prepared graph quantized with it
 * @param metrics its metrics on the evaluation samples
 * @param startMetrics the metrics of the start point (every searched tensor at the maximum width)
 * @param baselineMetrics the metrics of the uniform baseline precision (what the cost is compared with)
 * @param budgetMet whether the metrics meet the budget
 * @param before the resource estimate at the baseline precision
 * @param after the resource estimate of the result
 * @param layers one row per graph input and per node with a chosen type
 * @param evaluations fixed-point evaluations of the whole sample set
 * @param seconds wall time of the search
 * @param notes facts worth telling the user (lower case, one per entry)
 */
public record SearchResult(PrecisionConfig config, Graph quantized, Budget.Metrics metrics,
    Budget.Metrics startMetrics, Budget.Metrics baselineMetrics, boolean budgetMet, Estimate before, Estimate after,
    List<LayerReport> layers, int evaluations, double seconds, List<String> notes) {

  public SearchResult {
    layers = List.copyOf(layers);
    notes = List.copyOf(notes);
  }
}
