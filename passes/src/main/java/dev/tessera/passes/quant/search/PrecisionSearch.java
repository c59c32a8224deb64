package dev.tessera.passes.quant.search;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.config.LayerConfig;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.estimate.Estimate;
import dev.tessera.passes.estimate.NodeEstimate;
import dev.tessera.passes.quant.calib.Range;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds per-tensor fixed-point types for a float graph. Every searched tensor (graph inputs, node results, weights,
 * biases) starts at the maximum width with integer bits from its range. Then:
 *
 * <ol>
 *   <li>Uniform candidates: every searched tensor one bit narrower at a time (the same width for all, integer bits
 *       by the same rule), and every one at the same fraction bits, each family down to the first candidate that
 *       breaks the budget; the cheapest candidate that meets it is the start of the descent.
 *   <li>Fraction descent: the fraction bits are lowered one tensor at a time, in the order of the most
 *       LUT-equivalents saved per unit of sensitivity (both measured by lowering that tensor alone), each to the
 *       fewest fraction bits at which the whole model still meets the budget (a bisection; the metric is assumed to
 *       fall as bits are removed).
 *   <li>Integer descent: the integer bits of the graph inputs (which always saturate) and, in
 *       {@link OverflowMode#SATURATE} mode, of the saturating results are lowered below their calibrated count in
 *       the same way (at most {@link #MAX_INTEGER_CUT} bits), so rare large values saturate where the budget allows
 *       it (not graph outputs, whose values the user reads, nor the logits of a Softmax output, which would tie).
 *       In safe mode narrower inputs also narrow the proven result types, whose proof holds for every value the
 *       input types can hold.
 * </ol>
 *
 * Steps 2 and 3 repeat once more when the first round saved anything ({@link #MAX_ROUNDS}). The same rounds also run
 * from the maximum-width start (the greedy descent reaches different ends from different starts), and the cheaper
 * end is the result. A lower setting is kept only when the resource estimate does not grow, so the result never costs
 * more than the cheapest uniform candidate that meets the budget. Tensors the model already quantizes exactly are
 * kept as they are.
 */
public final class PrecisionSearch {
  /** Integer bits the integer descent may remove from a calibrated count at most. */
  static final int MAX_INTEGER_CUT = 4;
  /** Rounds of descent at most (a round ends the search when it saves nothing). */
  static final int MAX_ROUNDS = 2;
  /** Fraction bits a sensitivity probe removes at least. */
  static final int PROBE_STEP = 2;

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
    int[] ib = new int[n];
    for (int i = 0; i < n; i++) {
      Integer c = space.get(i).integerBits();
      ib[i] = c == null ? 0 : c;
    }
    Planner.Plan startPlan = p.plan(f, ib);
    Evaluator.Eval start = evaluator.evaluate(startPlan.config());
    Budget budget = opts.budget();
    progress.accept(String.format(Locale.ROOT, "start: %s = %.4f at width %d, %d LUT-equivalents",
        metricName(), budget.value(start.metrics()), opts.maxWidth(), (long) start.cost()));
    Evaluator.Eval current = start;
    int[] startF = f.clone();
    int[] startIb = ib.clone();
    boolean met = budget.holds(start.metrics());
    if (!met && !opts.exact()) {
      notes.add(String.format(Locale.ROOT, "the budget (%s) fails already at width %d (%s %.4f); the result keeps "
          + "that width; raise --max-width", budget.describe(), opts.maxWidth(), metricName(),
          budget.value(start.metrics())));
    } else if (opts.search() && !opts.exact()) {
      int[] uf = f.clone();
      int[] uib = ib.clone();
      Evaluator.Eval u = uniform(p, uf, uib, start);
      Evaluator.Eval fromUniform = rounds(p, uf, uib, u);
      current = fromUniform;
      System.arraycopy(uf, 0, f, 0, n);
      System.arraycopy(uib, 0, ib, 0, n);
      if (u != start) {
        progress.accept("descent from the start at width " + opts.maxWidth());
        int[] sf = startF.clone();
        int[] sib = startIb.clone();
        Evaluator.Eval fromStart = rounds(p, sf, sib, start);
        if (fromStart.cost() < fromUniform.cost()) {
          current = fromStart;
          System.arraycopy(sf, 0, f, 0, n);
          System.arraycopy(sib, 0, ib, 0, n);
        }
      }
      progress.accept(String.format(Locale.ROOT, "result: %d LUT-equivalents (descent from the uniform plan %d)",
          (long) current.cost(), (long) fromUniform.cost()));
    }
    Evaluator.Eval result = current;
    Planner.Plan finalPlan = p.plan(f, ib);
    List<LayerReport> rows = report(p, startF, startIb, f, ib, finalPlan, result);
    Evaluator.Eval baseline = evaluator.evaluate(baselineConfig());
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new SearchResult(result.config(), result.quantized(), result.metrics(), start.metrics(),
        baseline.metrics(), budget.holds(result.metrics()), baseline.estimate(), result.estimate(), rows,
        evaluator.evaluations(), seconds, notes);
  }

  /** Rounds of fraction and integer descent from {@code from} at {@code f}, {@code ib} (both updated). */
  private Evaluator.Eval rounds(Planner p, int[] f, int[] ib, Evaluator.Eval from) {
    Evaluator.Eval current = from;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      double before = current.cost();
      current = descend(p, f, ib, current, false);
      current = descend(p, f, ib, current, true);
      if (current.cost() >= before) {
        break;
      }
    }
    return current;
  }

  /**
   * The uniform candidates, two families, each scanned from the start down to the first candidate that breaks the
   * budget (or until every knob is at its minimum): the same width for all (every free knob {@code d} fraction bits
   * below its start, {@code d = 1, 2, ...}) and the same fraction bits for all (every free knob at {@code F}
   * fraction bits, {@code F} falling from the largest start). Each knob is clamped to its own range. Sets {@code f}
   * to the cheapest candidate that meets the budget ({@code start} itself when none is cheaper).
   */
  private Evaluator.Eval uniform(Planner p, int[] f, int[] ib, Evaluator.Eval start) {
    Evaluator.Eval best = start;
    int[] bestF = f.clone();
    String bestName = "width " + opts.maxWidth();
    int top = Integer.MIN_VALUE;
    for (int i = 0; i < f.length; i++) {
      if (space.get(i).free()) {
        top = Math.max(top, space.get(i).maxFraction());
      }
    }
    for (int family = 0; family < 2; family++) {
      int[] previous = f;
      for (int step = 1; ; step++) {
        int[] g = f.clone();
        for (int i = 0; i < g.length; i++) {
          SearchSpace.KnobInfo k = space.get(i);
          if (k.free()) {
            g[i] = clamp(family == 0 ? k.maxFraction() - step : top - step, k);
          }
        }
        if (Arrays.equals(g, previous)) {
          if (family == 0 || atMinimum(g)) {
            break;
          }
          continue;
        }
        previous = g;
        String name = family == 0 ? "width " + (opts.maxWidth() - step) : (top - step) + " fraction bits";
        Evaluator.Eval e = evaluator.evaluate(p.plan(g, ib).config());
        boolean holds = opts.budget().holds(e.metrics());
        progress.accept(String.format(Locale.ROOT, "uniform %-16s: %s %.4f, %d LUT-equivalents%s", name,
            metricName(), opts.budget().value(e.metrics()), (long) e.cost(), holds ? "" : " (breaks the budget)"));
        if (!holds) {
          break;
        }
        if (e.cost() <= best.cost()) {
          best = e;
          bestF = g;
          bestName = name;
        }
      }
    }
    System.arraycopy(bestF, 0, f, 0, f.length);
    progress.accept(String.format(Locale.ROOT, "descent starts at uniform %s, %d LUT-equivalents", bestName,
        (long) best.cost()));
    return best;
  }

  /** Whether every free knob is at its minimum fraction bits. */
  private boolean atMinimum(int[] g) {
    for (int i = 0; i < g.length; i++) {
      if (space.get(i).free() && g[i] > space.get(i).minFraction()) {
        return false;
      }
    }
    return true;
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

  /**
   * The sensitivity probes, then one bisection per knob in priority order: of the fraction bits {@code f} of the
   * free knobs, or ({@code integer}) of the integer bits {@code ib} of the saturating inputs and results. Updates
   * {@code f} or {@code ib}.
   */
  private Evaluator.Eval descend(Planner p, int[] f, int[] ib, Evaluator.Eval start, boolean integer) {
    Budget budget = opts.budget();
    int n = space.size();
    int[] x = integer ? ib : f;
    FixedType[] startTypes = p.plan(f, ib).types();
    double[] score = new double[n];
    int[] low = new int[n];
    List<Integer> free = new ArrayList<>();
    String what = integer ? "integer bits" : "fraction bits";
    for (int i = 0; i < n; i++) {
      SearchSpace.KnobInfo k = space.get(i);
      if (integer ? !integerFree(k) : !k.free()) {
        continue;
      }
      low[i] = integer ? Math.max(k.integerBits() - MAX_INTEGER_CUT, 1 - f[i]) : k.minFraction();
      if (low[i] >= x[i]) {
        continue;
      }
      free.add(i);
      int probe = integer ? Math.max(low[i], x[i] - PROBE_STEP)
          : clamp(Math.min(x[i] - PROBE_STEP, opts.probeWidth() - startTypes[i].integerBits()), k);
      int[] g = x.clone();
      g[i] = probe;
      Evaluator.Eval e = evaluator.evaluate(plan(p, f, ib, g, integer).config());
      double drop = Math.max(0, budget.slack(start.metrics()) - budget.slack(e.metrics()));
      double saved = Math.max(0, start.cost() - e.cost());
      score[i] = saved / (drop + 0.002);
      progress.accept(String.format(Locale.ROOT, "probe %-32s %2d -> %2d %s: %s -%.4f, saves %d",
          k.knob().label(), x[i], probe, what, metricName(), drop, (long) saved));
    }
    free.sort(Comparator.comparingDouble((Integer i) -> -score[i]).thenComparingInt(i -> i));
    Evaluator.Eval current = start;
    for (int i : free) {
      SearchSpace.KnobInfo k = space.get(i);
      int lo = low[i];
      int hi = x[i];
      Evaluator.Eval best = null;
      while (lo < hi) {
        int mid = Math.floorDiv(lo + hi, 2);
        int[] g = x.clone();
        g[i] = mid;
        Evaluator.Eval e = evaluator.evaluate(plan(p, f, ib, g, integer).config());
        if (budget.holds(e.metrics())) {
          hi = mid;
          best = e;
        } else {
          lo = mid + 1;
        }
      }
      if (best != null && hi < x[i] && best.cost() <= current.cost()) {
        progress.accept(String.format(Locale.ROOT, "%-32s %2d -> %2d %s, %s %.4f, %d LUT-equivalents",
            k.knob().label(), x[i], hi, what, metricName(), budget.value(best.metrics()), (long) best.cost()));
        x[i] = hi;
        current = best;
      }
    }
    return current;
  }

  /** The plan with {@code g} in place of the fraction bits, or ({@code integer}) of the integer bits. */
  private static Planner.Plan plan(Planner p, int[] f, int[] ib, int[] g, boolean integer) {
    return integer ? p.plan(f, g) : p.plan(g, ib);
  }

  /**
   * Whether the integer descent may lower a knob's integer bits: a graph input, or a saturating result in
   * saturating mode, except a Clip (whose type holds its bounds so that saturation equals the clamp), a graph
   * output (whose values the user reads, not only their argmax) and the logits of a Softmax output.
   */
  private boolean integerFree(SearchSpace.KnobInfo k) {
    if (k.integerBits() == null || k.exactFraction() != null) {
      return false;
    }
    if (k.knob().role() == Knob.Role.INPUT) {
      return true;
    }
    if (opts.overflow() != OverflowMode.SATURATE) {
      return false;
    }
    Node node = space.graph().node(k.knob().node());
    return k.knob().role() == Knob.Role.RESULT && k.saturating() && node != null && !(node.op() instanceof Op.Clip)
        && !isOutput(space.graph(), node.output());
  }

  /**
   * Whether a tensor is a graph output, itself or through ops that only move values or a Softmax: saturated logits
   * tie, and a tie at the top loses the decision on inputs unlike the calibration samples.
   */
  static boolean isOutput(Graph g, String tensor) {
    if (g.outputs().contains(tensor)) {
      return true;
    }
    for (Node c : g.consumers(tensor)) {
      boolean through = !SearchSpace.hasResultKnob(c.op()) || c.op() instanceof Op.Softmax
          || c.op() instanceof Op.ISoftmax;
      if (through && isOutput(g, c.output())) {
        return true;
      }
    }
    return false;
  }

  private static int clamp(int v, SearchSpace.KnobInfo k) {
    return Math.max(k.minFraction(), Math.min(k.maxFraction(), v));
  }

  private List<LayerReport> report(Planner p, int[] startF, int[] startIb, int[] f, int[] ib, Planner.Plan plan,
      Evaluator.Eval result) {
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
        changed |= f[i] != startF[i] || ib[i] != startIb[i];
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
        int[] h = startIb.clone();
        for (int i : e.getValue()) {
          g[i] = f[i];
          h[i] = ib[i];
        }
        alone = evaluator.evaluate(p.plan(g, h).config()).metrics();
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
