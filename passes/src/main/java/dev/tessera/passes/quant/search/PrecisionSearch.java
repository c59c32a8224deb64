package dev.tessera.passes.quant.search;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.config.LayerConfig;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.estimate.Estimate;
import dev.tessera.passes.estimate.NodeEstimate;
import dev.tessera.passes.quant.calib.Range;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds per-tensor fixed-point types for a float graph: every searched tensor (graph inputs, node results, weights,
 * biases) starts at the maximum width with integer bits from its range, then their fraction bits are lowered one
 * tensor at a time, in the order of the most LUT-equivalents saved per unit of sensitivity (both measured by
 * lowering that tensor alone to the probe width), each to the fewest fraction bits at which the whole model still
 * meets the budget (a bisection; the metric is assumed to fall as bits are removed). A lower setting is kept only
 * when the resource estimate does not grow. Tensors the model already quantizes exactly are kept as they are.
 */
public final class PrecisionSearch {

  private final SearchSpace space;
  private final SearchOptions opts;
  private final Planner planner;
  private final Evaluator evaluator;
  private final FloatProfile profile;
  private final CalibrationSet data;
  private final Consumer<String> progress;
  private final List<String> notes = new ArrayList<>();

  private PrecisionSearch(Graph prepared, Graph reference, CalibrationSet data, SearchOptions opts,
      Consumer<String> progress) {
    this.opts = opts;
    this.data = data;
    this.progress = progress;
    progress.accept("calibrating on " + data.size() + " samples (" + opts.method().describe() + ")");
    FloatProfile own = FloatProfile.of(prepared, data, opts.method());
    this.profile = reference == null ? own : own.withDecisions(Evaluator.floatDecisions(reference, data), data);
    SearchSpace s = SearchSpace.of(prepared, profile, opts);
    CalibrationSet probes = opts.probes() == 0 ? null
        : CalibrationSet.of(BoundaryProbes.mixup(data, opts.probes(), 1, probeGrid(profile, opts)));
    this.evaluator = new Evaluator(prepared, reference == null ? prepared : reference, data, profile, probes,
        opts.estimate());
    this.planner = new Planner(s, opts);
    this.space = s;
  }

  /**
   * Runs the search. {@code prepared} is the float graph exactly as ApplyPrecision will see it (after the
   * preparation pipeline), so the config's layer names match; {@code data} are the calibration and evaluation
   * samples.
   */
  public static SearchResult run(Graph prepared, CalibrationSet data, SearchOptions opts, Consumer<String> progress) {
    return run(prepared, null, data, opts, progress);
  }

  /**
   * As {@link #run(Graph, CalibrationSet, SearchOptions, Consumer)}, with the budget's agreement and float accuracy
   * measured against the decisions of another float graph, {@code reference} (null: {@code prepared} itself), on the
   * same inputs: e.g. the original model when {@code prepared} is a pruned copy of it. The reference must take the
   * same inputs and give the same outputs (shapes) as {@code prepared}.
   */
  public static SearchResult run(Graph prepared, Graph reference, CalibrationSet data, SearchOptions opts,
      Consumer<String> progress) {
    long t0 = System.nanoTime();
    PrecisionSearch s = new PrecisionSearch(prepared, reference, data, opts, progress);
    return s.search(t0);
  }

  private SearchResult search(long t0) {
    int n = space.size();
    int[] f = new int[n];
    Planner p;
    if (opts.exact()) {
      ExactFractions.Plan e = ExactFractions.of(space, profile);
      f = e.fraction();
      p = new Planner(space, opts, e.tables());
      if (!e.inexact().isEmpty()) {
        notes.add("not exact (on no power-of-two grid within the maximum width, or beyond " + ExactFractions.CAP
            + " fraction bits): " + String.join(", ", e.inexact()));
      }
    } else {
      for (int i = 0; i < n; i++) {
        SearchSpace.KnobInfo k = space.get(i);
        f[i] = k.exactFraction() != null ? k.exactFraction() : k.maxFraction();
      }
      p = new Planner(space, opts);
    }
    Planner.Plan startPlan = p.plan(f);
    Evaluator.Eval start = evaluator.evaluate(startPlan.config());
    Budget budget = opts.budget();
    progress.accept(String.format(Locale.ROOT, "start: %s = %.4f at width %d, %d LUT-equivalents",
        metricName(), budget.value(start.metrics()), opts.maxWidth(), (long) start.cost()));
    Evaluator.Eval current = start;
    int[] startF = f.clone();
    boolean met = budget.holds(start.metrics());
    if (!met && !opts.exact()) {
      notes.add(String.format(Locale.ROOT, "the budget (%s) fails already at width %d (%s %.4f); the result keeps "
          + "that width; raise --max-width", budget.describe(), opts.maxWidth(), metricName(),
          budget.value(start.metrics())));
    } else if (opts.search() && !opts.exact()) {
      current = descend(p, f, start);
    }
    Evaluator.Eval result = current;
    Planner.Plan finalPlan = p.plan(f);
    List<LayerReport> rows = report(p, startF, f, finalPlan, result);
    Evaluator.Eval baseline = evaluator.evaluate(baselineConfig());
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new SearchResult(result.config(), result.quantized(), result.metrics(), start.metrics(),
        baseline.metrics(), budget.holds(result.metrics()), baseline.estimate(), result.estimate(), rows,
        evaluator.evaluations(), seconds, notes);
  }

  /** Inputs whose samples lie on a grid no finer than the start width allows. */
  private static Map<String, Integer> probeGrid(FloatProfile p, SearchOptions opts) {
    Map<String, Integer> g = new LinkedHashMap<>();
    p.inputGrid().forEach((k, v) -> {
      if (v <= opts.maxWidth()) {
        g.put(k, v);
      }
    });
    return g;
  }

  /** The uniform baseline type everywhere, with the base config's other settings (reuse, strategy, tables). */
  private PrecisionConfig baselineConfig() {
    PrecisionConfig b = opts.base();
    Map<String, LayerConfig> layers = new LinkedHashMap<>();
    b.layers().forEach((k, v) -> layers.put(k, settingsOnly(v)));
    return new PrecisionConfig(opts.baseline(), settingsOnly(b.model()), layers, Map.of());
  }

  private static LayerConfig settingsOnly(LayerConfig c) {
    return new LayerConfig(null, null, null, null, null, null, c.tableSize(), c.softmaxMode(), c.reuseFactor(),
        c.strategy());
  }

  private String metricName() {
    return opts.budget() instanceof Budget.AccuracyDrop ? "accuracy" : "agreement";
  }

  /** The sensitivity probes, then one bisection per free knob in priority order. Updates {@code f}. */
  private Evaluator.Eval descend(Planner p, int[] f, Evaluator.Eval start) {
    Budget budget = opts.budget();
    int n = space.size();
    FixedType[] startTypes = p.plan(f).types();
    double[] score = new double[n];
    List<Integer> free = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SearchSpace.KnobInfo k = space.get(i);
      if (!k.free()) {
        continue;
      }
      free.add(i);
      int probe = clamp(opts.probeWidth() - startTypes[i].integerBits(), k);
      int[] g = f.clone();
      g[i] = probe;
      Evaluator.Eval e = evaluator.evaluate(p.plan(g).config());
      double drop = Math.max(0, budget.slack(start.metrics()) - budget.slack(e.metrics()));
      double saved = Math.max(0, start.cost() - e.cost());
      score[i] = saved / (drop + 0.002);
      progress.accept(String.format(Locale.ROOT, "probe %-32s %2d -> %2d fraction bits: %s -%.4f, saves %d",
          k.knob().label(), f[i], probe, metricName(), drop, (long) saved));
    }
    free.sort(Comparator.comparingDouble((Integer i) -> -score[i]).thenComparingInt(i -> i));
    Evaluator.Eval current = start;
    for (int i : free) {
      SearchSpace.KnobInfo k = space.get(i);
      int lo = k.minFraction();
      int hi = f[i];
      Evaluator.Eval best = null;
      while (lo < hi) {
        int mid = Math.floorDiv(lo + hi, 2);
        int[] g = f.clone();
        g[i] = mid;
        Evaluator.Eval e = evaluator.evaluate(p.plan(g).config());
        if (budget.holds(e.metrics())) {
          hi = mid;
          best = e;
        } else {
          lo = mid + 1;
        }
      }
      if (best != null && hi < f[i] && best.cost() <= current.cost()) {
        progress.accept(String.format(Locale.ROOT, "%-32s %2d -> %2d fraction bits, %s %.4f, %d LUT-equivalents",
            k.knob().label(), f[i], hi, metricName(), budget.value(best.metrics()), (long) best.cost()));
        f[i] = hi;
        current = best;
      }
    }
    return current;
  }

  private static int clamp(int v, SearchSpace.KnobInfo k) {
    return Math.max(k.minFraction(), Math.min(k.maxFraction(), v));
  }

  private List<LayerReport> report(Planner p, int[] startF, int[] f, Planner.Plan plan, Evaluator.Eval result) {
    Estimate baseline = evaluator.cost(baselineConfig());
    Map<String, IntervalAnalysis.TensorBounds> proof = IntervalAnalysis.analyze(result.quantized());
    Map<String, List<Integer>> byNode = new LinkedHashMap<>();
    for (int i = 0; i < space.size(); i++) {
      byNode.computeIfAbsent(space.get(i).knob().node(), k -> new ArrayList<>()).add(i);
    }
    Map<String, long[]> overflow = overflows(result.quantized());
    List<LayerReport> rows = new ArrayList<>();
    Graph q = result.quantized();
    for (Map.Entry<String, List<Integer>> e : byNode.entrySet()) {
      String node = e.getKey();
      boolean isInput = q.inputs().contains(node) && q.node(node) == null;
      FixedType weight = null;
      FixedType bias = null;
      FixedType res = null;
      boolean changed = false;
      for (int i : e.getValue()) {
        FixedType t = plan.types()[i];
        switch (space.get(i).knob().role()) {
          case WEIGHT -> weight = t;
          case BIAS -> bias = t;
          default -> res = t;
        }
        changed |= f[i] != startF[i];
      }
      String tensor = isInput ? node : q.node(node).output();
      if (res == null) {
        res = q.type(tensor).fixed();
      }
      Range r = profile.range(tensor);
      Range x = profile.extremes().get(tensor);
      long[] ov = overflow.getOrDefault(tensor, new long[2]);
      IntervalAnalysis.TensorBounds tb = proof.get(node);
      Budget.Metrics alone = null;
      if (changed && opts.search() && !opts.exact()) {
        int[] g = startF.clone();
        for (int i : e.getValue()) {
          g[i] = f[i];
        }
        alone = evaluator.evaluate(p.plan(g).config()).metrics();
      }
      NodeEstimate b = isInput ? null : baseline.row(node);
      NodeEstimate a = isInput ? null : result.estimate().row(node);
      rows.add(new LayerReport(node, isInput ? "Input" : q.node(node).op().kind(), weight, bias, res,
          r == null ? Double.NaN : r.lo(), r == null ? Double.NaN : r.hi(), x == null ? Double.NaN : x.lo(),
          x == null ? Double.NaN : x.hi(), ov[0], ov[1], tb != null && tb.fits(), alone,
          b == null ? 0 : b.lutEquivalents(), a == null ? 0 : a.lutEquivalents()));
    }
    return rows;
  }

  /** Per tensor: calibration values outside its type's range, and values seen. */
  private Map<String, long[]> overflows(Graph q) {
    Map<String, FixedType> types = new LinkedHashMap<>();
    for (String in : q.inputs()) {
      types.put(in, q.type(in).fixed());
    }
    for (Node node : q.nodes()) {
      types.put(node.output(), q.type(node.output()).fixed());
    }
    Map<String, long[]> out = new LinkedHashMap<>();
    FloatInterpreter fi = new FloatInterpreter(space.graph());
    int n = data.size();
    for (int from = 0; from < n; from += FloatProfile.BATCH) {
      Map<String, NdArray> acts = fi.runAll(data.slice(from, Math.min(n, from + FloatProfile.BATCH)));
      for (Map.Entry<String, FixedType> e : types.entrySet()) {
        NdArray a = acts.get(e.getKey());
        if (a == null) {
          continue;
        }
        double lo = e.getValue().minValue();
        double hi = e.getValue().maxValue();
        long[] c = out.computeIfAbsent(e.getKey(), k -> new long[2]);
        for (double v : a.data()) {
          if (v < lo || v > hi) {
            c[0]++;
          }
        }
        c[1] += a.size();
      }
    }
    return out;
  }
}
