package dev.tessera.passes.quant.search;

import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.estimate.Estimate;
import dev.tessera.passes.estimate.EstimateOptions;
import dev.tessera.passes.estimate.ResourceEstimator;
import dev.tessera.passes.quant.ApplyPrecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Quantizes the prepared float graph with a config, runs the bit-exact fixed-point interpreter over the evaluation
 * samples (two batches at a time in parallel) and measures the budget's metrics and the resource estimate.
 */
final class Evaluator {
  /** Samples per fixed-point interpreter run. */
  static final int BATCH = 512;

  /**
   * One evaluated config.
   *
   * @param config the config
   * @param quantized the graph ApplyPrecision made from it
   * @param metrics accuracy and agreement on the evaluation samples
   * @param estimate the resource estimate of the quantized graph
   */
  record Eval(PrecisionConfig config, Graph quantized, Budget.Metrics metrics, Estimate estimate) {

    double cost() {
      return estimate.total().lutEquivalents();
    }
  }

  private final Graph prepared;
  private final CalibrationSet data;
  private final FloatProfile profile;
  private final EstimateOptions estimate;
  private final CalibrationSet probes;
  private final int[] probeDecisions;
  private int evaluations;

  /** With {@code probes} (null: none) whose decisions by the float graph {@code reference} are computed here. */
  Evaluator(Graph prepared, Graph reference, CalibrationSet data, FloatProfile profile, CalibrationSet probes,
      EstimateOptions estimate) {
    this.prepared = prepared;
    this.data = data;
    this.profile = profile;
    this.estimate = estimate;
    this.probes = probes;
    this.probeDecisions = probes == null ? null : floatDecisions(reference, probes);
  }

  /** The class decisions of a float graph on every sample of {@code d}. */
  static int[] floatDecisions(Graph g, CalibrationSet d) {
    dev.tessera.ir.interp.FloatInterpreter fi = new dev.tessera.ir.interp.FloatInterpreter(g);
    int[] all = new int[d.size()];
    for (int from = 0; from < d.size(); from += BATCH) {
      int to = Math.min(d.size(), from + BATCH);
      int[] p = Predictions.of(fi.run(d.slice(from, to)).get(g.outputs().get(0)));
      System.arraycopy(p, 0, all, from, p.length);
    }
    return all;
  }

  int evaluations() {
    return evaluations;
  }

  /** The quantized graph of a config. */
  Graph quantize(PrecisionConfig c) {
    return new ApplyPrecision(c).run(prepared, PassContext.create());
  }

  /** The resource estimate alone (no interpreter run). */
  Estimate cost(PrecisionConfig c) {
    return ResourceEstimator.estimate(quantize(c), estimate);
  }

  Eval evaluate(PrecisionConfig c) {
    Graph q = quantize(c);
    evaluations++;
    int[] decisions = decisions(q, data);
    double agreement = Predictions.agreement(decisions, profile.decisions());
    double accuracy = data.hasLabels() ? Predictions.agreement(decisions, data.labels()) : Double.NaN;
    double probe = probes == null ? Double.NaN : Predictions.agreement(decisions(q, probes), probeDecisions);
    double discordant = data.hasLabels() ? discordant(decisions, profile.decisions(), data.labels()) : Double.NaN;
    Budget.Metrics m = new Budget.Metrics(accuracy, profile.floatAccuracy(), agreement, probe, data.size(),
        probes == null ? 0 : probes.size(), discordant);
    return new Eval(c, q, m,
        ResourceEstimator.estimate(q, estimate));
  }

  /** Fraction of samples that exactly one of the two decision sets gets right. */
  static double discordant(int[] q, int[] f, int[] labels) {
    int d = 0;
    for (int i = 0; i < labels.length; i++) {
      if ((q[i] == labels[i]) != (f[i] == labels[i])) {
        d++;
      }
    }
    return labels.length == 0 ? 0 : (double) d / labels.length;
  }

  /** The class decisions of the quantized graph on every sample of {@code d}. */
  static int[] decisions(Graph q, CalibrationSet d) {
    FixedInterpreter fi = new FixedInterpreter(q);
    String out = q.outputs().get(0);
    int n = d.size();
    int batches = (n + BATCH - 1) / BATCH;
    List<int[]> parts = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      parts.add(null);
    }
    IntStream.range(0, batches).parallel().forEach(b -> {
      Map<String, NdArray> in = d.slice(b * BATCH, Math.min(n, (b + 1) * BATCH));
      Map<String, FixedArray> r = fi.run(in);
      parts.set(b, Predictions.of(r.get(out)));
    });
    int[] all = new int[n];
    for (int b = 0; b < batches; b++) {
      System.arraycopy(parts.get(b), 0, all, b * BATCH, parts.get(b).length);
    }
    return all;
  }
}
