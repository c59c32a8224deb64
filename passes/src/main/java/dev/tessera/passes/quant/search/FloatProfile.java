package dev.tessera.passes.quant.search;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.quant.calib.CalibrationMethod;
import dev.tessera.passes.quant.calib.MinMax;
import dev.tessera.passes.quant.calib.Range;
import dev.tessera.passes.quant.calib.RangeObserver;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the float model does on the calibration samples: the calibrated range (by the chosen method) and the exact
 * minimum and maximum of every graph input and node output, and the class decision of every sample.
 *
 * @param ranges calibrated range per tensor
 * @param extremes exact [min, max] per tensor
 * @param decisions class decision per sample (first graph output)
 * @param floatAccuracy label accuracy of the float model, NaN without labels
 * @param inputGrid per graph input, the fraction bits that make every sample value exact (large for data that is on
 *     no power-of-two grid)
 */
public record FloatProfile(Map<String, Range> ranges, Map<String, Range> extremes, int[] decisions,
    double floatAccuracy, Map<String, Integer> inputGrid) {

  /** Samples per float interpreter run. */
  static final int BATCH = 256;

  public FloatProfile {
    ranges = Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
    extremes = Collections.unmodifiableMap(new LinkedHashMap<>(extremes));
    inputGrid = Collections.unmodifiableMap(new LinkedHashMap<>(inputGrid));
  }

  /** Runs the float graph over every sample. */
  public static FloatProfile of(Graph g, CalibrationSet data, CalibrationMethod method) {
    List<String> tensors = new java.util.ArrayList<>(g.inputs());
    for (Node n : g.nodes()) {
      tensors.addAll(n.outputs());
    }
    Map<String, RangeObserver> calibrated = new LinkedHashMap<>();
    Map<String, RangeObserver> exact = new LinkedHashMap<>();
    for (String t : tensors) {
      calibrated.put(t, RangeObserver.perTensor(method));
      exact.put(t, RangeObserver.perTensor(new MinMax()));
    }
    FloatInterpreter fi = new FloatInterpreter(g);
    int n = data.size();
    int[] decisions = new int[n];
    String out = g.outputs().get(0);
    for (int from = 0; from < n; from += BATCH) {
      int to = Math.min(n, from + BATCH);
      Map<String, NdArray> acts = fi.runAll(data.slice(from, to));
      for (String t : tensors) {
        NdArray a = acts.get(t);
        if (a == null) {
          continue;
        }
        calibrated.get(t).observe(a);
        exact.get(t).observe(a);
      }
      int[] d = Predictions.of(acts.get(out));
      System.arraycopy(d, 0, decisions, from, d.length);
    }
    Map<String, Range> ranges = new LinkedHashMap<>();
    Map<String, Range> extremes = new LinkedHashMap<>();
    for (String t : tensors) {
      if (exact.get(t).count() > 0) {
        ranges.put(t, calibrated.get(t).range());
        extremes.put(t, exact.get(t).range());
      }
    }
    double acc = Double.NaN;
    if (data.hasLabels()) {
      acc = Predictions.agreement(decisions, data.labels());
    }
    Map<String, Integer> grid = new LinkedHashMap<>();
    for (Map.Entry<String, NdArray> e : data.inputs().entrySet()) {
      int f = Grid.fractionBits(e.getValue().data());
      grid.put(e.getKey(), f == Integer.MIN_VALUE ? 0 : f);
    }
    return new FloatProfile(ranges, extremes, decisions, acc, grid);
  }

  /** The same ranges with the class decisions of another float model on the same samples (and its accuracy). */
  FloatProfile withDecisions(int[] reference, CalibrationSet data) {
    double acc = data.hasLabels() ? Predictions.agreement(reference, data.labels()) : Double.NaN;
    return new FloatProfile(ranges, extremes, reference, acc, inputGrid);
  }

  /** The calibrated range of a tensor, or null when it was never computed (e.g. a constant). */
  public Range range(String tensor) {
    return ranges.get(tensor);
  }
}
