package dev.tessera.passes.prune;

import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphStats;
import dev.tessera.ir.GraphVerifier;
import dev.tessera.passes.estimate.Estimate;
import dev.tessera.passes.estimate.EstimateOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Post-training structured pruning under a hardware budget (Kwon et al. 2022): mask gradients and their Fisher
 * information on sample data, the knapsack mask search with costs from MACs or the resource estimator, mask
 * rearrangement, mask tuning, and the physical removal of the pruned units. docs/pruning.md describes the method.
 */
public final class StructuredPruner {

  /** The pruned graph and what was done. */
  public record Result(Graph graph, PruneReport report) {}

  private final PruneOptions options;
  private final Consumer<String> progress;

  public StructuredPruner(PruneOptions options, Consumer<String> progress) {
    this.options = options;
    this.progress = progress == null ? s -> { } : progress;
  }

  /**
   * Prunes a float graph.
   *
   * @param g the unpruned float graph
   * @param calibration samples for the gradients and the tuning (labels optional)
   * @param test held-out samples for the report, or null
   * @throws PruneException when nothing is prunable or the budget cannot be met
   */
  public Result prune(Graph g, PruneData calibration, PruneData test) {
    long t0 = System.nanoTime();
    List<String> warnings = new ArrayList<>();
    UnitAnalysis.Result units = UnitAnalysis.analyze(g);
    if (units.layers().isEmpty()) {
      throw new PruneException("graph '" + g.name() + "' has no prunable layer: " + describe(units));
    }
    PruneData data = calibration.first(options.maxSamples());
    List<PrunableLayer> layers = units.layers();
    progress.accept("mask gradients on " + data.size() + " samples");
    FisherGradients.Rows rows = FisherGradients.compute(g, layers, data.inputs(), data.labels(), options.batch());
    Clock clock = new Clock();
    clock.gradients = System.nanoTime() - t0;
    Map<String, double[]> importance = new LinkedHashMap<>();
    for (PrunableLayer l : layers) {
      importance.put(l.producer(), rows.diagonal(l.producer()));
    }
    PruneCost cost = cost();
    double before = cost.of(g);
    double limit = options.budget().kind() == PruneBudget.Kind.MACS ? options.budget().limit() * before
        : options.budget().limit();
    double searchLimit = limit;
    Attempt a = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      progress.accept(String.format(Locale.ROOT, "mask search: %.0f %s of %.0f", searchLimit, cost.unit(), before));
      a = attempt(g, layers, importance, rows, cost, searchLimit, data, clock, warnings);
      if (a.cost <= limit || cost.uniformWithinLayer()) {
        break;
      }
      warnings.add(String.format(Locale.ROOT, "the tuned model costs %.0f %s, over the budget of %.0f: searching "
          + "again under %.0f", a.cost, cost.unit(), limit, searchLimit * limit / a.cost));
      searchLimit *= limit / a.cost;
    }
    if (a.cost > limit) {
      Variant untuned = a.variant(a.chosen.rearranged, null);
      warnings.add(String.format(Locale.ROOT, "the tuned model still costs %.0f %s, over the budget of %.0f; wrote "
          + "the untuned variant '%s'", a.cost, cost.unit(), limit, untuned.name()));
      a.chosen = untuned;
      a.out = magnitude(untuned.graph);
      a.cost = cost.of(a.out);
    }
    long t4 = System.nanoTime();
    GraphVerifier.verify(a.out);
    progress.accept("evaluating");
    List<PruneReport.Variant> scored = score(g, a, data, test);
    if (a.chosen.fits != null) {
      for (MaskTuning.Fit f : a.chosen.fits) {
        if (!f.applied()) {
          warnings.add("mask tuning of layer '" + f.layer() + "' was not applied (" + f.detail() + ")");
        }
      }
    }
    PruneReport.Summary sBefore = summary(g);
    PruneReport.Summary sAfter = summary(a.out);
    long t5 = System.nanoTime();
    List<PruneReport.Layer> lr = new ArrayList<>();
    for (PrunableLayer l : layers) {
      int[] kept = a.chosen.keep.get(l.producer());
      lr.add(new PruneReport.Layer(l.producer(), l.consumer(), l.units(), kept.length, removed(kept, l.units())));
    }
    long zeros = MagnitudePruning.zeros(a.out)[0] - MagnitudePruning.zeros(a.chosen.graph)[0];
    PruneReport report = new PruneReport(g.name(), options.budget().toString(), cost.unit(), limit, before, a.cost,
        rows.loss(), data.size(), options.precision().toString(),
        options.effectiveTarget().name().toLowerCase(Locale.ROOT), lr, units.skipped(), sBefore, sAfter, scored,
        a.chosen.name(), a.chosen.fits == null ? List.of() : a.chosen.fits, zeros,
        new PruneReport.Timing(ms(clock.gradients), ms(clock.search), ms(clock.rearrange), ms(clock.tune),
            ms(t5 - t4), ms(t5 - t0), ms(clock.gradients + clock.essential)), warnings);
    return new Result(a.out, report);
  }

  /** Accuracy and agreement of every variant on the pruning samples and the held-out data. */
  private List<PruneReport.Variant> score(Graph g, Attempt a, PruneData data, PruneData test) {
    int[] refCalib = Evaluation.predictions(g, data, options.batch());
    int[] refTest = test == null ? null : Evaluation.predictions(g, test, options.batch());
    List<PruneReport.Variant> scored = new ArrayList<>();
    for (Variant v : a.variants) {
      Graph vg = v == a.chosen ? a.out : v.graph;
      scored.add(new PruneReport.Variant(v.name(), v.rearranged, v.tuned == null ? "none"
          : v.tuned.name().toLowerCase(Locale.ROOT), GraphStats.of(vg).macs(),
          Evaluation.score(vg, data, refCalib, options.batch()),
          test == null ? null : Evaluation.score(vg, test, refTest, options.batch())));
    }
    return scored;
  }

  /** Search attempts for a LUT or DSP budget that the tuned weights overshoot. */
  static final int ATTEMPTS = 4;

  /** Nanoseconds per phase, summed over attempts; {@code essential} counts only what the written model needs. */
  private static final class Clock {
    long gradients;
    long search;
    long rearrange;
    long tune;
    long essential;
  }

  /** One search under a limit with its variants. */
  private static final class Attempt {
    List<Variant> variants;
    Variant chosen;
    Graph out;
    double cost;

    Variant variant(boolean rearranged, PruneOptions.TuneMethod tuned) {
      for (Variant v : variants) {
        if (!v.reconstruction && v.rearranged == rearranged && v.tuned == tuned) {
          return v;
        }
      }
      throw new IllegalStateException("no variant " + rearranged + " " + tuned);
    }
  }

  private Attempt attempt(Graph g, List<PrunableLayer> layers, Map<String, double[]> importance,
      FisherGradients.Rows rows, PruneCost cost, double searchLimit, PruneData data, Clock clock,
      List<String> warnings) {
    long t = System.nanoTime();
    MaskSearch.Result found = new MaskSearch(g, layers, importance, cost).search(searchLimit);
    long searched = System.nanoTime() - t;
    clock.search += searched;
    clock.essential += searched;
    ReconstructionSearch.Result recon = null;
    if (options.usesReconstructionSearch() && cost.uniformWithinLayer()) {
      progress.accept("reconstruction search");
      t = System.nanoTime();
      recon = ReconstructionSearch.search(g, layers, data.inputs(), cost, searchLimit, options.damping(),
          options.batch());
      long e = System.nanoTime() - t;
      clock.search += e;
      clock.essential += e;
      if (recon == null) {
        warnings.add("the reconstruction search did not meet the budget; wrote the Fisher search's masks");
      }
    }
    boolean obs = recon != null;
    Map<String, boolean[]> rearranged = null;
    PruneOptions.TuneMethod wanted = options.tune() ? options.effectiveTuneMethod() : null;
    boolean needRearranged = options.allVariants() || options.rearrange() && !obs;
    boolean needPlain = options.allVariants() || !options.rearrange() && !obs;
    if (needRearranged) {
      t = System.nanoTime();
      rearranged = rearrange(g, layers, found.keep(), rows, cost, searchLimit, warnings);
      long r = System.nanoTime() - t;
      clock.rearrange += r;
      clock.essential += options.rearrange() && !obs ? r : 0;
    }
    Attempt a = new Attempt();
    a.variants = new ArrayList<>();
    for (boolean r : new boolean[] {false, true}) {
      if (r ? !needRearranged : !needPlain) {
        continue;
      }
      for (PruneOptions.TuneMethod m : new PruneOptions.TuneMethod[] {null, PruneOptions.TuneMethod.SCALES,
          PruneOptions.TuneMethod.WEIGHTS}) {
        boolean isChosen = !obs && r == options.rearrange() && m == wanted;
        if (!options.allVariants() && !isChosen && m != null) {
          continue;
        }
        Variant v = new Variant(r, m);
        v.keep = indices(r ? rearranged : found.keep());
        v.graph = UnitRemoval.remove(g, layers, v.keep);
        if (m != null) {
          progress.accept("mask tuning (" + v.name() + ")");
          t = System.nanoTime();
          MaskTuning.Result tr = m == PruneOptions.TuneMethod.SCALES
              ? MaskTuning.tune(g, v.graph, v.keep, data.inputs(), options.damping(), options.biasCorrection(),
                  options.batch())
              : WeightReconstruction.tune(g, v.graph, v.keep, data.inputs(), options.damping(), options.batch());
          long e = System.nanoTime() - t;
          clock.tune += e;
          clock.essential += isChosen ? e : 0;
          v.graph = tr.graph();
          v.fits = tr.fits();
        }
        a.variants.add(v);
        if (isChosen) {
          a.chosen = v;
        }
      }
    }
    if (obs) {
      Variant plain = new Variant(false, null);
      plain.reconstruction = true;
      plain.keep = indices(recon.keep());
      plain.graph = UnitRemoval.remove(g, layers, plain.keep);
      a.variants.add(plain);
      Variant v = new Variant(false, PruneOptions.TuneMethod.WEIGHTS);
      v.reconstruction = true;
      v.keep = plain.keep;
      progress.accept("mask tuning (" + v.name() + ")");
      t = System.nanoTime();
      MaskTuning.Result tr = WeightReconstruction.tune(g, plain.graph, v.keep, data.inputs(), options.damping(),
          options.batch());
      long e = System.nanoTime() - t;
      clock.tune += e;
      clock.essential += e;
      v.graph = tr.graph();
      v.fits = tr.fits();
      a.variants.add(v);
      a.chosen = v;
    }
    a.out = magnitude(a.chosen.graph);
    a.cost = cost.of(a.out);
    return a;
  }

  private Graph magnitude(Graph g) {
    return options.magnitude() > 0 ? MagnitudePruning.apply(g, options.magnitude()) : g;
  }

  /** One combination of rearrangement and tuning. */
  private static final class Variant {
    final boolean rearranged;
    final PruneOptions.TuneMethod tuned;
    boolean reconstruction;
    Graph graph;
    Map<String, int[]> keep;
    List<MaskTuning.Fit> fits;

    Variant(boolean rearranged, PruneOptions.TuneMethod tuned) {
      this.rearranged = rearranged;
      this.tuned = tuned;
    }

    String name() {
      return (reconstruction ? "reconstruction-search" : "search") + (rearranged ? "+rearrange" : "") + (tuned == null ? ""
          : "+tune(" + tuned.name().toLowerCase(Locale.ROOT) + ")");
    }
  }

  private PruneCost cost() {
    if (options.budget().kind() == PruneBudget.Kind.MACS) {
      return PruneCost.macs();
    }
    return PruneCost.estimated(options.precision(), EstimateOptions.of(options.effectiveTarget()),
        options.budget().kind());
  }

  /** Rearranges every layer; a layer whose rearrangement breaks the budget keeps its searched mask. */
  private static Map<String, boolean[]> rearrange(Graph g, List<PrunableLayer> layers, Map<String, boolean[]> keep,
      FisherGradients.Rows rows, PruneCost cost, double limit, List<String> warnings) {
    Map<String, boolean[]> out = new LinkedHashMap<>();
    keep.forEach((k, v) -> out.put(k, v.clone()));
    for (PrunableLayer l : layers) {
      boolean[] old = out.get(l.producer());
      boolean[] r = MaskRearrangement.rearrange(old, rows.block(l.producer()));
      if (java.util.Arrays.equals(r, old)) {
        continue;
      }
      out.put(l.producer(), r);
      if (!cost.uniformWithinLayer() && cost.of(UnitRemoval.remove(g, layers, indices(out))) > limit) {
        out.put(l.producer(), old);
        warnings.add("mask rearrangement of layer '" + l.producer() + "' would exceed the budget; kept the searched "
            + "mask");
      }
    }
    return out;
  }

  private PruneReport.Summary summary(Graph g) {
    GraphStats s = GraphStats.of(g);
    Estimate e = PruneCost.estimate(g, options.precision(), EstimateOptions.of(options.effectiveTarget()));
    return new PruneReport.Summary(s.macs(), s.parameters(), e.total().lut(), e.total().ff(), e.total().dsp(),
        e.total().lutEquivalents());
  }

  static Map<String, int[]> indices(Map<String, boolean[]> keep) {
    Map<String, int[]> m = new LinkedHashMap<>();
    keep.forEach((k, v) -> m.put(k, MaskSearch.indices(v)));
    return m;
  }

  private static int[] removed(int[] kept, int units) {
    boolean[] k = new boolean[units];
    for (int j : kept) {
      k[j] = true;
    }
    int[] r = new int[units - kept.length];
    int i = 0;
    for (int j = 0; j < units; j++) {
      if (!k[j]) {
        r[i++] = j;
      }
    }
    return r;
  }

  private static String describe(UnitAnalysis.Result units) {
    if (units.skipped().isEmpty()) {
      return "it has no Dense or Conv node";
    }
    List<String> parts = new ArrayList<>();
    for (PrunableLayer.Skipped s : units.skipped()) {
      parts.add("'" + s.node() + "': " + s.reason());
    }
    return String.join("; ", parts);
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }
}
