package dev.tessera.importer;

import java.util.Map;

/**
 * Options of an import.
 *
 * @param batchSize null keeps the batch dimension symbolic ({@code N}); a number binds it (e.g. 1 for hardware)
 * @param dimensions sizes for other symbolic dimensions of the graph inputs, by their ONNX {@code dim_param} name
 */
public record ImportOptions(Long batchSize, Map<String, Long> dimensions) {

  /** Symbolic batch, no other bindings. */
  public static final ImportOptions DEFAULT = new ImportOptions(null, Map.of());

  public ImportOptions {
    if (batchSize != null && batchSize < 1) {
      throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
    }
    dimensions = Map.copyOf(dimensions == null ? Map.of() : dimensions);
    for (var e : dimensions.entrySet()) {
      if (e.getValue() < 1) {
        throw new IllegalArgumentException("dimension " + e.getKey() + " = " + e.getValue() + " must be at least 1");
      }
    }
  }

  /** Binds the batch dimension to {@code n}. */
  public static ImportOptions batch(long n) {
    return new ImportOptions(n, Map.of());
  }

  /** The same options with a symbolic dimension bound to a size. */
  public ImportOptions withDimension(String name, long size) {
    var m = new java.util.HashMap<>(dimensions);
    m.put(name, size);
    return new ImportOptions(batchSize, m);
  }
}
