package dev.tessera.passes.prune;

import dev.tessera.ir.Graph;
import dev.tessera.passes.Pass;
import dev.tessera.passes.PassContext;
import java.util.function.Consumer;

/**
 * Removes Dense neurons and Conv filters of a float graph until it fits a hardware budget ({@link StructuredPruner}
 * on the context's sample inputs), as a step of a pipeline such as {@code tessera build}. Preserves the graph's
 * interface and node names; the function changes only as much as the pruning needs (see the report).
 */
public final class PruneUnits implements Pass {
  private final PruneOptions options;
  private final int[] labels;
  private final Consumer<PruneReport> reports;

  /**
   * @param labels class labels of the context's samples (null: label-free)
   * @param reports receives the report of every run (may be null)
   */
  public PruneUnits(PruneOptions options, int[] labels, Consumer<PruneReport> reports) {
    this.options = options;
    this.labels = labels == null ? null : labels.clone();
    this.reports = reports == null ? r -> { } : reports;
  }

  @Override
  public Graph run(Graph in, PassContext ctx) {
    PruneData data = new PruneData(ctx.samples().orElseThrow(() -> new PruneException("pruning needs sample inputs "
        + "(calibration data) in the pass context")), labels);
    StructuredPruner.Result r = new StructuredPruner(options, ctx::progress).prune(in, data, null);
    r.report().warnings().forEach(ctx::warn);
    reports.accept(r.report());
    return r.graph();
  }

  @Override
  public String name() {
    return "PruneUnits";
  }
}
