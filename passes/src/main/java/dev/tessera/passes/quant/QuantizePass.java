package dev.tessera.passes.quant;

import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.passes.Pass;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.quant.search.CalibrationSet;
import dev.tessera.passes.quant.search.PrecisionSearch;
import dev.tessera.passes.quant.search.SearchOptions;
import dev.tessera.passes.quant.search.SearchResult;
import java.util.Map;

/**
 * Quantizes a prepared float graph with the types that {@link PrecisionSearch} finds on the context's sample inputs
 * (and the labels given here, if any); the result is the graph ApplyPrecision makes from the found config.
 * Preserves the node names and the interface; the values change only as much as the budget allows. The found
 * config and the report data are available from {@link #result()} after a run.
 */
public final class QuantizePass implements Pass {
  private final SearchOptions opts;
  private final int[] labels;
  private SearchResult last;

  /** {@code labels} (one per sample, or null) make the accuracy budget possible. */
  public QuantizePass(SearchOptions opts, int[] labels) {
    this.opts = opts;
    this.labels = labels == null ? null : labels.clone();
  }

  @Override
  public Graph run(Graph prepared, PassContext ctx) {
    Map<String, NdArray> samples = ctx.samples().orElseThrow(() -> new TesseraException(
        "quantization needs calibration samples (--calib X.npy or --synthetic N)"));
    last = PrecisionSearch.run(prepared, new CalibrationSet(samples, labels), opts, ctx::progress);
    last.notes().forEach(ctx::warn);
    return last.quantized();
  }

  /** The result of the last run, or null before the first. */
  public SearchResult result() {
    return last;
  }

  /**
   * Prepares an imported float graph with {@code StandardPipelines.prepare(opts.base())} (what {@code tessera build
   * --config} runs before ApplyPrecision), then searches on it. Returns the prepared graph; {@link #result()} holds
   * the config, the quantized graph and the report data.
   */
  public Graph prepareAndRun(Graph floatGraph, PassContext ctx) {
    Graph prepared = StandardPipelines.prepare(opts.base()).run(floatGraph, ctx);
    run(prepared, ctx);
    return prepared;
  }

  @Override
  public String name() {
    return "QuantizePass";
  }
}
