package dev.tessera.passes.prune;

import dev.tessera.ir.interp.NdArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Samples for pruning or evaluation: every graph input with the samples on axis 0, and optionally one class label per
 * sample.
 *
 * @param inputs by graph input name
 * @param labels class labels, or null
 */
public record PruneData(Map<String, NdArray> inputs, int[] labels) {

  public PruneData {
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    int n = FisherGradients.samples(inputs);
    if (labels != null && labels.length != n) {
      throw new IllegalArgumentException(labels.length + " labels for " + n + " samples");
    }
  }

  /** Number of samples. */
  public int size() {
    return FisherGradients.samples(inputs);
  }

  /** The first {@code n} samples (all when there are fewer). */
  public PruneData first(int n) {
    int m = Math.min(n, size());
    if (m == size()) {
      return this;
    }
    return new PruneData(FisherGradients.slice(inputs, 0, m), labels == null ? null
        : java.util.Arrays.copyOf(labels, m));
  }
}
