package dev.tessera.backend.hls;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of {@link HlsBackend}: the top function's name, the FPGA part and clock for Vitis HLS, and the reuse factor
 * and strategy of Dense and Conv layers (a default plus overrides by node name). Numerics (precisions, table sizes,
 * Softmax mode) are not options here: they are part of the quantized graph, which the C++ must match bit for bit.
 *
 * @param top name of the top-level C++ function (made a legal identifier if needed); null means the graph's name
 * @param part FPGA part for {@code set_part}
 * @param clockNs clock period in ns for {@code create_clock}
 * @param reuseFactor default reuse factor of Dense and Conv layers (at least 1)
 * @param strategy default strategy of Dense layers
 * @param nodeReuse reuse factors by node name
 * @param nodeStrategy strategies by node name
 * @param provenance facts written into tessera-project.json for {@code verify} (model path, config, precision)
 */
public record HlsOptions(String top, String part, double clockNs, int reuseFactor, Strategy strategy,
    Map<String, Integer> nodeReuse, Map<String, Strategy> nodeStrategy, Map<String, String> provenance) {

  /** Default part, the one hls4ml's examples use. */
  public static final String DEFAULT_PART = "xcvu13p-flga2577-2-e";

  public HlsOptions {
    if (part == null || part.isBlank()) {
      throw new IllegalArgumentException("part must be given, e.g. " + DEFAULT_PART);
    }
    if (!(clockNs > 0) || Double.isInfinite(clockNs)) {
      throw new IllegalArgumentException("clock period " + clockNs + " ns must be positive");
    }
    if (reuseFactor < 1) {
      throw new IllegalArgumentException("reuse factor " + reuseFactor + " must be at least 1");
    }
    if (strategy == null) {
      throw new IllegalArgumentException("strategy must be given; valid: latency, resource");
    }
    nodeReuse = Map.copyOf(nodeReuse);
    nodeStrategy = Map.copyOf(nodeStrategy);
    provenance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    for (Map.Entry<String, Integer> e : nodeReuse.entrySet()) {
      if (e.getValue() < 1) {
        throw new IllegalArgumentException("reuse factor " + e.getValue() + " of node '" + e.getKey()
            + "' must be at least 1");
      }
    }
  }

  /** Defaults: top from the graph name, {@link #DEFAULT_PART}, 5 ns, reuse 1, latency. */
  public static HlsOptions defaults() {
    return new HlsOptions(null, DEFAULT_PART, 5.0, 1, Strategy.LATENCY, Map.of(), Map.of(), Map.of());
  }

  public HlsOptions withTop(String t) {
    return new HlsOptions(t, part, clockNs, reuseFactor, strategy, nodeReuse, nodeStrategy, provenance);
  }

  public HlsOptions withPart(String p) {
    return new HlsOptions(top, p, clockNs, reuseFactor, strategy, nodeReuse, nodeStrategy, provenance);
  }

  public HlsOptions withClockNs(double c) {
    return new HlsOptions(top, part, c, reuseFactor, strategy, nodeReuse, nodeStrategy, provenance);
  }

  public HlsOptions withReuseFactor(int r) {
    return new HlsOptions(top, part, clockNs, r, strategy, nodeReuse, nodeStrategy, provenance);
  }

  public HlsOptions withStrategy(Strategy s) {
    return new HlsOptions(top, part, clockNs, reuseFactor, s, nodeReuse, nodeStrategy, provenance);
  }

  /** The same options with a reuse factor for one node. */
  public HlsOptions withNodeReuse(String node, int r) {
    Map<String, Integer> m = new LinkedHashMap<>(nodeReuse);
    m.put(node, r);
    return new HlsOptions(top, part, clockNs, reuseFactor, strategy, m, nodeStrategy, provenance);
  }

  /** The same options with a strategy for one node. */
  public HlsOptions withNodeStrategy(String node, Strategy s) {
    Map<String, Strategy> m = new LinkedHashMap<>(nodeStrategy);
    m.put(node, s);
    return new HlsOptions(top, part, clockNs, reuseFactor, strategy, nodeReuse, m, provenance);
  }

  /** The same options with one more provenance entry. */
  public HlsOptions withProvenance(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(provenance);
    m.put(key, value);
    return new HlsOptions(top, part, clockNs, reuseFactor, strategy, nodeReuse, nodeStrategy, m);
  }

  /**
   * Adds the per-layer reuse factors and strategies that the precision pass recorded in the graph's metadata
   * ({@code hls.reuse_factor.<node>}, {@code hls.strategy.<node>}) for every node these options do not already set.
   */
  public HlsOptions withGraphMetadata(dev.tessera.ir.Graph g) {
    Map<String, Integer> reuse = new LinkedHashMap<>(nodeReuse);
    Map<String, Strategy> strat = new LinkedHashMap<>(nodeStrategy);
    for (Map.Entry<String, String> e : g.metadata().entrySet()) {
      String k = e.getKey();
      if (k.startsWith(REUSE_KEY) && g.node(k.substring(REUSE_KEY.length())) != null) {
        try {
          reuse.putIfAbsent(k.substring(REUSE_KEY.length()), Integer.parseInt(e.getValue().trim()));
        } catch (NumberFormatException ex) {
          throw new IllegalArgumentException("metadata " + k + " = '" + e.getValue() + "' is not an integer", ex);
        }
      } else if (k.startsWith(STRATEGY_KEY) && g.node(k.substring(STRATEGY_KEY.length())) != null) {
        strat.putIfAbsent(k.substring(STRATEGY_KEY.length()), Strategy.parse(e.getValue()));
      }
    }
    return new HlsOptions(top, part, clockNs, reuseFactor, strategy, reuse, strat, provenance);
  }

  /** Metadata key prefix of a node's reuse factor, as the precision pass writes it. */
  public static final String REUSE_KEY = "hls.reuse_factor.";

  /** Metadata key prefix of a node's strategy, as the precision pass writes it. */
  public static final String STRATEGY_KEY = "hls.strategy.";

  /** Reuse factor requested for a node. */
  public int reuseFor(String node) {
    return nodeReuse.getOrDefault(node, reuseFactor);
  }

  /** Strategy requested for a node. */
  public Strategy strategyFor(String node) {
    return nodeStrategy.getOrDefault(node, strategy);
  }
}
