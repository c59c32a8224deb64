package dev.tessera.passes.prune;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphStats;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.estimate.Estimate;
import dev.tessera.passes.estimate.EstimateOptions;
import dev.tessera.passes.estimate.ResourceEstimator;

/** The hardware cost of a float graph that the mask search keeps under a budget. */
public interface PruneCost {

  /** The cost of {@code g} (a float graph, possibly pruned). */
  double of(Graph g);

  /** What is counted, for messages: "MACs", "LUTs", "DSPs". */
  String unit();

  /**
   * True when every unit of a layer costs the same as every other in the same state (kept or removed), so that the
   * search may price one unit per layer.
   */
  default boolean uniformWithinLayer() {
    return false;
  }

  /** Multiply-accumulates per sample ({@link GraphStats}). */
  static PruneCost macs() {
    return new PruneCost() {
      @Override
      public double of(Graph g) {
        return GraphStats.of(g).macs();
      }

      @Override
      public String unit() {
        return "MACs";
      }

      @Override
      public boolean uniformWithinLayer() {
        return true;
      }
    };
  }

  /**
   * LUTs or DSPs of the resource estimate of the graph after the standard hardware pipeline at a uniform precision
   * ({@link StandardPipelines#forHardware}, {@link ResourceEstimator}).
   */
  static PruneCost estimated(FixedType precision, EstimateOptions options, PruneBudget.Kind metric) {
    if (metric == PruneBudget.Kind.MACS) {
      throw new IllegalArgumentException("an estimated cost counts LUTs or DSPs, not MACs");
    }
    return new PruneCost() {
      @Override
      public double of(Graph g) {
        Estimate e = estimate(g, precision, options);
        return metric == PruneBudget.Kind.LUT ? e.total().lut() : e.total().dsp();
      }

      @Override
      public String unit() {
        return metric == PruneBudget.Kind.LUT ? "LUTs" : "DSPs";
      }
    };
  }

  /** The resource estimate of a float graph quantized uniformly to {@code precision}. */
  static Estimate estimate(Graph g, FixedType precision, EstimateOptions options) {
    Graph q = StandardPipelines.forHardware(PrecisionConfig.uniform(precision)).run(g, PassContext.create());
    return ResourceEstimator.estimate(q, options);
  }
}
