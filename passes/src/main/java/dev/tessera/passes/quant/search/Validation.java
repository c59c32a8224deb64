package dev.tessera.passes.quant.search;

import dev.tessera.ir.Graph;

/** Metrics of a quantized graph against its float graph on other samples than the ones it was searched on. */
public final class Validation {

  private Validation() {}

  /**
   * Accuracy (with labels), the float accuracy and the argmax agreement of {@code quantized} with {@code floatGraph}
   * on {@code data}; no probes.
   */
  public static Budget.Metrics measure(Graph floatGraph, Graph quantized, CalibrationSet data) {
    int[] f = Evaluator.floatDecisions(floatGraph, data);
    int[] q = Evaluator.decisions(quantized, data);
    double acc = data.hasLabels() ? Predictions.agreement(q, data.labels()) : Double.NaN;
    double facc = data.hasLabels() ? Predictions.agreement(f, data.labels()) : Double.NaN;
    double disc = data.hasLabels() ? Evaluator.discordant(q, f, data.labels()) : Double.NaN;
    return new Budget.Metrics(acc, facc, Predictions.agreement(q, f), Double.NaN, data.size(), 0, disc);
  }
}
