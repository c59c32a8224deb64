package dev.tessera.passes.quant.search;

import dev.tessera.ir.interp.NdArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sample inputs (batch on axis 0, one array per graph input) and, optionally, one integer label per sample.
 *
 * @param inputs sample inputs by graph input name; all have the same number of samples
 * @param labels class labels or null
 */
public record CalibrationSet(Map<String, NdArray> inputs, int[] labels) {

  public CalibrationSet {
    if (inputs == null || inputs.isEmpty()) {
      throw new IllegalArgumentException("calibration needs at least one input array");
    }
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    long n = -1;
    for (Map.Entry<String, NdArray> e : inputs.entrySet()) {
      NdArray a = e.getValue();
      if (a.rank() == 0 || a.dim(0) == 0) {
        throw new IllegalArgumentException("calibration input '" + e.getKey() + "' holds no samples");
      }
      if (n >= 0 && a.dim(0) != n) {
        throw new IllegalArgumentException("calibration input '" + e.getKey() + "' has " + a.dim(0)
            + " samples, the others " + n);
      }
      n = a.dim(0);
    }
    if (labels != null && labels.length != n) {
      throw new IllegalArgumentException(labels.length + " labels for " + n + " calibration samples");
    }
  }

  /** Samples without labels. */
  public static CalibrationSet of(Map<String, NdArray> inputs) {
    return new CalibrationSet(inputs, null);
  }

  public int size() {
    return (int) inputs.values().iterator().next().dim(0);
  }

  public boolean hasLabels() {
    return labels != null;
  }

  /** Samples [from, to). */
  public Map<String, NdArray> slice(int from, int to) {
    Map<String, NdArray> m = new LinkedHashMap<>();
    inputs.forEach((k, v) -> m.put(k, v.slice0(from, to)));
    return m;
  }
}
