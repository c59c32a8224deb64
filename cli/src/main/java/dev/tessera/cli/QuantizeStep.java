package dev.tessera.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Rounding;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.estimate.EstimateOptions;
import dev.tessera.passes.estimate.Target;
import dev.tessera.passes.quant.QuantizeReport;
import dev.tessera.passes.quant.calib.CalibrationMethod;
import dev.tessera.passes.quant.calib.KlDivergence;
import dev.tessera.passes.quant.calib.MinMax;
import dev.tessera.passes.quant.calib.MseOptimal;
import dev.tessera.passes.quant.calib.Percentile;
import dev.tessera.passes.quant.search.Budget;
import dev.tessera.passes.quant.search.CalibrationSet;
import dev.tessera.passes.quant.search.ConfigWriter;
import dev.tessera.passes.quant.search.LayerReport;
import dev.tessera.passes.quant.search.OverflowMode;
import dev.tessera.passes.quant.search.PrecisionSearch;
import dev.tessera.passes.quant.search.SearchOptions;
import dev.tessera.passes.quant.search.SearchResult;
import dev.tessera.passes.quant.zeroshot.ZeroShotCalibration;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The precision search as one step, shared by {@code tessera quantize} and {@code tessera build --quantize}:
 * checks the options, reads or distils the calibration inputs, runs {@link PrecisionSearch} (optionally measuring
 * the budget against a reference model) and gives the config, the report and a summary line.
 */
final class QuantizeStep {
  private QuantizeStep() {
  }

  /** The search options, under the same names in {@code quantize} and {@code build} (a picocli mixin). */
  static final class Options {
    @Option(names = "--synthetic", paramLabel = "N", description = "Distil N calibration inputs from the model's "
        + "BatchNorm statistics instead of --calib (ZeroQ).")
    Integer synthetic;

    @Option(names = "--max-accuracy-drop", paramLabel = "D", description = "Largest allowed loss of label accuracy "
        + "against the float model, a fraction (0.01 = 1 %%); needs --labels.")
    Double maxDrop;

    @Option(names = "--min-agreement", paramLabel = "A", description = "Smallest allowed fraction of samples whose "
        + "argmax equals the float model's (default 0.99 without --max-accuracy-drop).")
    Double minAgreement;

    @Option(names = "--confidence", paramLabel = "Z", defaultValue = "1.645", description = "The budget must hold "
        + "at the one-sided confidence bound of Z standard errors of the sampled metrics (0: as observed). Default: "
        + "${DEFAULT-VALUE} (95 %%).")
    double confidence;

    @Option(names = "--max-width", paramLabel = "W", defaultValue = "16", description = "Width every searched "
        + "tensor starts from (its precision over its calibrated range). Default: ${DEFAULT-VALUE}.")
    int maxWidth;

    @Option(names = "--min-width", paramLabel = "W", defaultValue = "2", description = "Narrowest width the search "
        + "may reach. Default: ${DEFAULT-VALUE}.")
    int minWidth;

    @Option(names = "--method", paramLabel = "M", defaultValue = "minmax", description = "Range calibration: "
        + "minmax, percentile, mse or kl. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--percentile", paramLabel = "P", defaultValue = "99.99", description = "Percentile of "
        + "--method percentile. Default: ${DEFAULT-VALUE}.")
    double percentile;

    @Option(names = "--method-bits", paramLabel = "B", defaultValue = "8", description = "Bits the mse and kl "
        + "methods optimize the clipping for. Default: ${DEFAULT-VALUE}.")
    int methodBits;

    @Option(names = "--overflow", paramLabel = "safe|saturate", defaultValue = "safe", description = "safe: "
        + "integer bits proven by interval arithmetic (no result can overflow); saturate: from the calibrated "
        + "ranges, results saturate. Default: ${DEFAULT-VALUE}.")
    String overflow;

    @Option(names = "--rounding", paramLabel = "MODE", defaultValue = "RND_CONV", description = "Rounding of node "
        + "results (TRN, RND, RND_CONV, ...). Default: ${DEFAULT-VALUE}.")
    String rounding;

    @Option(names = "--probes", paramLabel = "N", defaultValue = "2000", description = "Interpolations between "
        + "calibration samples added to the evaluation (0: none). Default: ${DEFAULT-VALUE}.")
    int probes;

    @Option(names = "--integer-softmax", description = "Use I-BERT's integer-only softmax instead of lookup "
        + "tables.")
    boolean integerSoftmax;

    @Option(names = "--synthetic-steps", paramLabel = "N", defaultValue = "500", description = "Adam steps per "
        + "batch of --synthetic. Default: ${DEFAULT-VALUE}.")
    int syntheticSteps;

    /** True when a budget option was given. */
    boolean budgetGiven() {
      return maxDrop != null || minAgreement != null;
    }
  }

  /**
   * What the command around the step decides.
   *
   * @param target the cost model
   * @param base config whose other settings (reuse, strategy, tables) the result keeps
   * @param baseline the uniform type the cost is compared with
   * @param search false: calibrate only
   * @param exact map an already-quantized model exactly, no search
   * @param forceSearch search even when the model has its own quantizers
   * @param seed seed of --synthetic
   * @param verbose print the search's progress
   */
  record Settings(Target target, PrecisionConfig base, FixedType baseline, boolean search, boolean exact,
      boolean forceSearch, long seed, boolean verbose) {
  }

  /**
   * One finished search.
   *
   * @param model the model's file name (for the config's comments and the report)
   * @param prepared the float graph searched (after the preparation pipeline)
   * @param reference the prepared float graph the budget was measured against
   * @param against how the summary names it ("the float model" or the reference's file)
   * @param samples the calibration samples
   * @param synthetic whether they were distilled
   * @param options the search options in force
   * @param search what the search found
   */
  record Result(String model, Graph prepared, Graph reference, String against, CalibrationSet samples,
      boolean synthetic,
      SearchOptions options, SearchResult search) {

    /** The config as YAML, with comments on how it was made. */
    String yaml(String writtenBy) {
      List<String> c = new ArrayList<>();
      c.add("written by " + writtenBy + " for " + model);
      c.add(String.format(Locale.ROOT, "%d %s samples, %s ranges, %s results, budget: %s", samples.size(),
          synthetic ? "synthetic" : "calibration", options.method().describe(),
          options.overflow() == OverflowMode.SAFE ? "proven (wrapping)" : "saturating", options.budget().describe()));
      c.add(String.format(Locale.ROOT, "estimated LUT-equivalents: %d (uniform %s: %d)",
          search.after().total().lutEquivalents(), options.baseline(), search.before().total().lutEquivalents()));
      return ConfigWriter.yaml(search.config(), c);
    }

    /** The JSON report; {@code held} are the metrics on held-out samples, or null. */
    ObjectNode report(Budget.Metrics held) {
      return QuantizeReport.json(model, samples.size(), options, search, held);
    }

    /** The search's notes as {@code warning:} lines. */
    void warnings(PrintWriter err) {
      for (String note : search.notes()) {
        err.println("warning: " + ErrorReport.oneLine(note));
      }
      err.flush();
    }

    /** One line: the widths found, the budget's metric and the estimated cost. */
    String summary() {
      int[] w = {Integer.MAX_VALUE, 0};
      int[] r = {Integer.MAX_VALUE, 0};
      for (LayerReport l : search.layers()) {
        widen(w, l.weight());
        widen(r, l.result());
      }
      Budget.Metrics m = search.metrics();
      return String.format(Locale.ROOT, "quantize: %d tensors, weights %s bits, results %s bits; %s %.2f %% with the"
          + " %s on %d samples (%s: %s); %,d LUT-equivalents estimated (uniform %s: %,d), %d evaluations in"
          + " %.1f s", search.layers().size(), range(w), range(r),
          options.budget() instanceof Budget.AccuracyDrop ? "accuracy" : "agreement",
          100 * options.budget().value(m), against, samples.size(),
          options.exact() ? "exact, no budget applied" : options.budget().describe(),
          search.budgetMet() ? "met" : "NOT met", search.after().total().lutEquivalents(), options.baseline(),
          search.before().total().lutEquivalents(), search.evaluations(), search.seconds());
    }

    private static void widen(int[] span, FixedType t) {
      if (t != null) {
        span[0] = Math.min(span[0], t.width());
        span[1] = Math.max(span[1], t.width());
      }
    }

    private static String range(int[] span) {
      return span[1] == 0 ? "-" : span[0] == span[1] ? String.valueOf(span[0]) : span[0] + "-" + span[1];
    }
  }

  /** Checks how the budget and the calibration options go together, before any work. */
  static void check(Options o, CalibrationOptions calib) {
    if (calib.given() == (o.synthetic != null)) {
      throw new UserException("give exactly one of --calib X and --synthetic N");
    }
    if (o.maxDrop != null && calib.labels() == null) {
      throw new UserException("--max-accuracy-drop needs --labels (the class of every calibration sample)");
    }
    if (o.maxDrop != null && o.minAgreement != null) {
      throw new UserException("give --max-accuracy-drop or --min-agreement, not both");
    }
    if (calib.labels() != null && o.synthetic != null) {
      throw new UserException("--labels belong to --calib samples; synthetic inputs have no labels");
    }
  }

  /** The search options of {@code o} for {@code s}; every value is checked here. */
  static SearchOptions searchOptions(Options o, Settings s) {
    if (o.confidence < 0) {
      throw new UserException("--confidence " + o.confidence + " must be >= 0");
    }
    Budget budget = o.maxDrop != null ? new Budget.AccuracyDrop(fraction(o.maxDrop, "--max-accuracy-drop"),
        o.confidence) : new Budget.Agreement(fraction(o.minAgreement == null ? 0.99 : o.minAgreement,
        "--min-agreement"), o.confidence);
    if (o.maxWidth < 2 || o.maxWidth > 64) {
      throw new UserException("--max-width " + o.maxWidth + " must be in [2, 64]");
    }
    if (o.minWidth < 1 || o.minWidth > o.maxWidth) {
      throw new UserException("--min-width " + o.minWidth + " must be in [1, " + o.maxWidth + "]");
    }
    if (o.probes < 0) {
      throw new UserException("--probes " + o.probes + " must be >= 0");
    }
    OverflowMode mode = switch (o.overflow.trim().toLowerCase(Locale.ROOT)) {
      case "safe" -> OverflowMode.SAFE;
      case "saturate", "sat" -> OverflowMode.SATURATE;
      default -> throw new UserException("--overflow '" + o.overflow + "' must be safe or saturate");
    };
    Rounding rnd;
    try {
      rnd = Rounding.parse(o.rounding);
    } catch (IllegalArgumentException e) {
      throw new UserException("--rounding: " + e.getMessage());
    }
    PrecisionConfig base = s.base();
    if (o.integerSoftmax) {
      base = base.withModel(base.model().withSoftmaxMode(SoftmaxMode.INTEGER));
    }
    return new SearchOptions(o.maxWidth, o.minWidth, method(o), mode, budget, rnd, EstimateOptions.of(s.target()),
        Math.min(6, o.maxWidth), s.baseline(), s.search(), o.probes, false, base);
  }

  private static double fraction(double v, String option) {
    if (!(v >= 0 && v <= 1)) {
      throw new UserException(option + " " + v + " must be a fraction in [0, 1]");
    }
    return v;
  }

  private static CalibrationMethod method(Options o) {
    try {
      return switch (o.method.trim().toLowerCase(Locale.ROOT)) {
        case "minmax", "min-max" -> new MinMax();
        case "percentile" -> new Percentile(o.percentile);
        case "mse" -> new MseOptimal(o.methodBits);
        case "kl" -> new KlDivergence(o.methodBits);
        default -> throw new UserException("--method '" + o.method + "' must be minmax, percentile, mse or kl");
      };
    } catch (IllegalArgumentException e) {
      throw new UserException("--method " + o.method + ": " + e.getMessage());
    }
  }

  /**
   * Runs the search on {@code imported} (a float graph as imported) with the budget measured against
   * {@code reference} (an imported float graph with the same inputs and outputs, or null for {@code imported}
   * itself), printing progress and notes of the calibration to {@code out}.
   */
  static Result run(String model, Graph imported, Graph reference, String referenceName, CalibrationOptions calib,
      Options o, Settings s, PrintWriter out) throws IOException {
    check(o, calib);
    SearchOptions opts = searchOptions(o, s);
    Graph prepared = StandardPipelines.prepare(opts.base()).run(imported, PassContext.create());
    Graph ref = prepared;
    if (reference != null) {
      ref = StandardPipelines.prepare(opts.base()).run(reference, PassContext.create());
      checkSameInterface(prepared, ref, referenceName);
    }
    boolean quantized = prepared.nodes().stream().anyMatch(n -> n.op() instanceof Op.Quant);
    if (s.exact() || (quantized && !s.forceSearch() && !o.budgetGiven())) {
      opts = opts.withExact(true).withProbes(0);
      out.println("exact: " + (s.exact() ? "as asked" : "the model has its own quantizers") + "; every tensor at "
          + "the precision of its exact value, no search");
    }
    Consumer<String> progress = s.verbose() ? out::println : x -> { };
    Map<String, NdArray> data = o.synthetic != null ? distil(imported, o, s, out) : calib.inputs(prepared);
    CalibrationSet set = new CalibrationSet(data, calib.labels(data));
    SearchResult r;
    try {
      r = PrecisionSearch.run(prepared, reference == null ? null : ref, set, opts, progress);
    } catch (IllegalStateException e) {
      throw new UserException(e.getMessage());
    }
    return new Result(model, prepared, ref, reference == null ? "float model" : "float model " + referenceName,
        set, o.synthetic != null, opts, r);
  }

  /** A one-line user error unless {@code ref} takes the same inputs and gives the same outputs as {@code g}. */
  static void checkSameInterface(Graph g, Graph ref, String refName) {
    if (!g.inputs().equals(ref.inputs())) {
      throw new UserException("reference '" + refName + "' has inputs " + ref.inputs() + ", the model " + g.inputs());
    }
    if (g.outputs().size() != ref.outputs().size()) {
      throw new UserException("reference '" + refName + "' has " + ref.outputs().size() + " outputs, the model "
          + g.outputs().size());
    }
    for (String in : g.inputs()) {
      same(g.type(in).shape().toString(), ref.type(in).shape().toString(), refName, "input '" + in + "'");
    }
    for (int i = 0; i < g.outputs().size(); i++) {
      same(g.type(g.outputs().get(i)).shape().toString(), ref.type(ref.outputs().get(i)).shape().toString(), refName,
          "output " + i);
    }
  }

  private static void same(String mine, String theirs, String refName, String what) {
    if (!mine.equals(theirs)) {
      throw new UserException("reference '" + refName + "' has " + what + " of shape " + theirs + ", the model "
          + mine);
    }
  }

  private static Map<String, NdArray> distil(Graph imported, Options o, Settings s, PrintWriter out) {
    boolean bn = false;
    for (Node n : imported.nodes()) {
      bn |= n.op() instanceof Op.BatchNorm;
    }
    if (!bn) {
      throw new UserException("the model has no BatchNormalization node, so --synthetic has no statistics to match;"
          + " give --calib samples");
    }
    if (o.synthetic < 2) {
      throw new UserException("--synthetic " + o.synthetic + " must be at least 2");
    }
    ZeroShotCalibration.Options z = ZeroShotCalibration.Options.of(o.synthetic).withSeed(s.seed())
        .withIterations(o.syntheticSteps);
    ZeroShotCalibration.Result r = ZeroShotCalibration.generate(imported, z, s.verbose() ? out::println : x -> { });
    out.printf(Locale.ROOT, "synthetic: %d inputs from the BatchNorm statistics, loss %.4g -> %.4g%n",
        o.synthetic, r.initialLoss(), r.finalLoss());
    return r.inputs();
  }
}
