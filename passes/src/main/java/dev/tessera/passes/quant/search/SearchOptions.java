package dev.tessera.passes.quant.search;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Rounding;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.estimate.EstimateOptions;
import dev.tessera.passes.quant.calib.CalibrationMethod;
import dev.tessera.passes.quant.calib.MinMax;

/**
 * Options of {@link PrecisionSearch}.
 *
 * @param maxWidth widest type the search starts from (every searched tensor starts at this width)
 * @param minWidth narrowest type it may reach
 * @param method how sample activations give ranges (saturating mode; also the input ranges in both modes)
 * @param overflow how result integer bits are chosen: proven by interval arithmetic, or calibrated and saturating
 * @param budget what the quantized model must keep
 * @param rounding rounding mode of node results (weights and biases are always rounded to nearest)
 * @param estimate the resource model whose LUT-equivalents the search lowers
 * @param probeWidth width of one tensor alone when its sensitivity is measured
 * @param baseline the uniform type the report compares the cost with (hls4ml's default fixed&lt;16,6&gt;)
 * @param search false: no search, every tensor at the start width (or exact, for already-quantized parts)
 * @param probes number of {@link BoundaryProbes} added to the evaluation (0: none)
 * @param exact already-quantized model: no search; every result at the fraction bits of its exact value
 *     ({@link ExactFractions}), with proven integer bits
 * @param base settings the written config keeps (reuse factors, strategies, softmax modes, table settings, types of
 *     tensors the search does not set); its default type is the type of every tensor no knob covers
 */
public record SearchOptions(int maxWidth, int minWidth, CalibrationMethod method, OverflowMode overflow,
    Budget budget, Rounding rounding, EstimateOptions estimate, int probeWidth, FixedType baseline,
    boolean search, int probes, boolean exact, PrecisionConfig base) {

  public SearchOptions {
    if (maxWidth < 2 || maxWidth > 64) {
      throw new IllegalArgumentException("maximum width " + maxWidth + " must be in [2, 64]");
    }
    if (minWidth < 1 || minWidth > maxWidth) {
      throw new IllegalArgumentException("minimum width " + minWidth + " must be in [1, " + maxWidth + "]");
    }
    if (method == null || overflow == null || budget == null || rounding == null || estimate == null
        || baseline == null) {
      throw new IllegalArgumentException("method, overflow mode, budget, rounding, estimate options and baseline "
          + "must be given");
    }
    probeWidth = Math.max(minWidth, Math.min(probeWidth, maxWidth));
    if (base == null) {
      base = PrecisionConfig.uniform(baseline);
    }
    if (probes < 0) {
      throw new IllegalArgumentException("probe count " + probes + " must be >= 0");
    }
  }

  /**
   * Defaults: widths 2 to 16, min-max ranges, proven (wrapping) results, 99 % argmax agreement at 95 % confidence,
   * RND_CONV results, the HLS latency cost model, sensitivity probes at 6 bits, baseline fixed&lt;16,6&gt;, 2000
   * boundary probes.
   */
  public static SearchOptions defaults() {
    return new SearchOptions(16, 2, new MinMax(), OverflowMode.SAFE, new Budget.Agreement(0.99, 1.645),
        Rounding.RND_CONV, EstimateOptions.hls(), 6, FixedType.signed(16, 6), true, 2000, false, null);
  }

  public SearchOptions withBudget(Budget b) {
    return new SearchOptions(maxWidth, minWidth, method, overflow, b, rounding, estimate, probeWidth, baseline,
        search, probes, exact, base);
  }

  public SearchOptions withMaxWidth(int w) {
    return new SearchOptions(w, Math.min(minWidth, w), method, overflow, budget, rounding, estimate, probeWidth,
        baseline, search, probes, exact, base);
  }

  public SearchOptions withMethod(CalibrationMethod m) {
    return new SearchOptions(maxWidth, minWidth, m, overflow, budget, rounding, estimate, probeWidth, baseline,
        search, probes, exact, base);
  }

  public SearchOptions withOverflow(OverflowMode o) {
    return new SearchOptions(maxWidth, minWidth, method, o, budget, rounding, estimate, probeWidth, baseline,
        search, probes, exact, base);
  }

  public SearchOptions withRounding(Rounding r) {
    return new SearchOptions(maxWidth, minWidth, method, overflow, budget, r, estimate, probeWidth, baseline,
        search, probes, exact, base);
  }

  public SearchOptions withEstimate(EstimateOptions e) {
    return new SearchOptions(maxWidth, minWidth, method, overflow, budget, rounding, e, probeWidth, baseline,
        search, probes, exact, base);
  }

  public SearchOptions withSearch(boolean s) {
    return new SearchOptions(maxWidth, minWidth, method, overflow, budget, rounding, estimate, probeWidth, baseline,
        s, probes, exact, base);
  }

  public SearchOptions withProbes(int p) {
    return new SearchOptions(maxWidth, minWidth, method, overflow, budget, rounding, estimate, probeWidth, baseline,
        search, p, exact, base);
  }

  public SearchOptions withBase(PrecisionConfig b) {
    return new SearchOptions(maxWidth, minWidth, method, overflow, budget, rounding, estimate, probeWidth, baseline,
        search, probes, exact, b);
  }

  public SearchOptions withExact(boolean e) {
    return new SearchOptions(maxWidth, minWidth, method, overflow, budget, rounding, estimate, probeWidth, baseline,
        search, probes, e, base);
  }
}
