package dev.tessera.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.importer.OnnxExporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Rounding;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.ConfigLoader;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.estimate.EstimateOptions;
import dev.tessera.passes.estimate.Target;
import dev.tessera.passes.quant.QonnxAnnotator;
import dev.tessera.passes.quant.QuantizeReport;
import dev.tessera.passes.quant.calib.CalibrationMethod;
import dev.tessera.passes.quant.calib.KlDivergence;
import dev.tessera.passes.quant.calib.MinMax;
import dev.tessera.passes.quant.calib.MseOptimal;
import dev.tessera.passes.quant.calib.Percentile;
import dev.tessera.passes.quant.search.Budget;
import dev.tessera.passes.quant.search.CalibrationSet;
import dev.tessera.passes.quant.search.ConfigWriter;
import dev.tessera.passes.quant.search.OverflowMode;
import dev.tessera.passes.quant.search.PrecisionSearch;
import dev.tessera.passes.quant.search.SearchOptions;
import dev.tessera.passes.quant.search.SearchResult;
import dev.tessera.passes.quant.search.Validation;
import dev.tessera.passes.quant.zeroshot.ZeroShotCalibration;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera quantize}: calibrates a model on sample inputs (or on inputs distilled from its BatchNorm
 * statistics), searches the narrowest fixed-point types that keep the accuracy or the agreement with the float
 * model, and writes the precision config that {@code tessera build --config} and {@code predict --config} read,
 * with a report of what it found and what it cost.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Finds per-layer fixed-point types for MODEL and writes them as a precision config (--out).",
        "Calibration data: --calib X (samples, batch on axis 0) or --synthetic N (inputs distilled from the model's "
            + "BatchNorm statistics). Budget: --labels Y with --max-accuracy-drop D, else --min-agreement A "
            + "(argmax agreement with the float model, default 0.99).",
        "The search lowers the estimated LUT-equivalents of the design; docs/quantization.md explains it."})
final class QuantizeCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (.onnx).")
  private Path model;

  @Option(names = "--calib", paramLabel = "X", description = "Calibration samples (.npy, .csv, .dat, .txt); for "
      + "a model with several inputs repeat as NAME=X.")
  private List<String> calib = new ArrayList<>();

  @Option(names = "--synthetic", paramLabel = "N", description = "Distil N calibration inputs from the model's "
      + "BatchNorm statistics instead (ZeroQ).")
  private Integer synthetic;

  @Option(names = "--labels", paramLabel = "Y", description = "Integer class labels of the calibration samples.")
  private Path labels;

  @Option(names = "--max-accuracy-drop", paramLabel = "D", description = "Largest allowed loss of label accuracy "
      + "against the float model, a fraction (0.01 = 1 %%); needs --labels.")
  private Double maxDrop;

  @Option(names = "--min-agreement", paramLabel = "A", description = "Smallest allowed fraction of samples whose "
      + "argmax equals the float model's (default 0.99 without --max-accuracy-drop).")
  private Double minAgreement;

  @Option(names = "--confidence", paramLabel = "Z", defaultValue = "1.645", description = "The budget must hold at "
      + "the one-sided confidence bound of Z standard errors of the sampled metrics (0: as observed). Default: "
      + "${DEFAULT-VALUE} (95 %%).")
  private double confidence;

  @Option(names = "--max-width", paramLabel = "W", defaultValue = "16", description = "Width every searched tensor "
      + "starts from (its precision over its calibrated range). Default: ${DEFAULT-VALUE}.")
  private int maxWidth;

  @Option(names = "--min-width", paramLabel = "W", defaultValue = "2", description = "Narrowest width the search "
      + "may reach. Default: ${DEFAULT-VALUE}.")
  private int minWidth;

  @Option(names = "--method", paramLabel = "M", defaultValue = "minmax", description = "Range calibration: minmax, "
      + "percentile, mse or kl. Default: ${DEFAULT-VALUE}.")
  private String method;

  @Option(names = "--percentile", paramLabel = "P", defaultValue = "99.99", description = "Percentile of "
      + "--method percentile. Default: ${DEFAULT-VALUE}.")
  private double percentile;

  @Option(names = "--method-bits", paramLabel = "B", defaultValue = "8", description = "Bits the mse and kl "
      + "methods optimize the clipping for. Default: ${DEFAULT-VALUE}.")
  private int methodBits;

  @Option(names = "--overflow", paramLabel = "safe|saturate", defaultValue = "safe", description = "safe: integer "
      + "bits proven by interval arithmetic (no result can overflow); saturate: from the calibrated ranges, "
      + "results saturate. Default: ${DEFAULT-VALUE}.")
  private String overflow;

  @Option(names = "--rounding", paramLabel = "MODE", defaultValue = "RND_CONV", description = "Rounding of node "
      + "results (TRN, RND, RND_CONV, ...). Default: ${DEFAULT-VALUE}.")
  private String rounding;

  @Option(names = "--target", paramLabel = "hls|rtl", defaultValue = "hls", description = "Cost model: HLS "
      + "latency design or shift-add RTL. Default: ${DEFAULT-VALUE}.")
  private String target;

  @Option(names = "--probes", paramLabel = "N", defaultValue = "2000", description = "Interpolations between "
      + "calibration samples added to the evaluation (0: none). Default: ${DEFAULT-VALUE}.")
  private int probes;

  @Option(names = "--integer-softmax", description = "Use I-BERT's integer-only softmax instead of lookup tables.")
  private boolean integerSoftmax;

  @Option(names = "--no-search", description = "Calibrate only: every tensor at --max-width.")
  private boolean noSearch;

  @Option(names = "--exact", description = "Already-quantized model: no search; every tensor at the fraction bits "
      + "of its exact value, integer bits proven (the default when the model has QONNX or QDQ quantizers and no "
      + "budget option is given).")
  private boolean exact;

  @Option(names = "--search", description = "Search even when the model has its own quantizers.")
  private boolean forceSearch;

  @Option(names = "--config", paramLabel = "BASE", description = "A config whose other settings (ReuseFactor, "
      + "Strategy, SoftmaxMode, TableSize) the written config keeps.")
  private Path baseConfig;

  @Option(names = "--baseline", paramLabel = "TYPE", defaultValue = "fixed<16,6>", converter =
      FixedTypeConverter.class, description = "Uniform type the report compares the cost with. Default: "
      + "${DEFAULT-VALUE}.")
  private FixedType baseline;

  @Option(names = "--validate", paramLabel = "X", description = "Held-out samples to report the result on.")
  private List<String> validate = new ArrayList<>();

  @Option(names = "--validate-labels", paramLabel = "Y", description = "Labels of the --validate samples.")
  private Path validateLabels;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of --synthetic and of the "
      + "probes. Default: ${DEFAULT-VALUE}.")
  private long seed;

  @Option(names = "--synthetic-steps", paramLabel = "N", defaultValue = "500", description = "Adam steps per "
      + "batch of --synthetic. Default: ${DEFAULT-VALUE}.")
  private int syntheticSteps;

  @Option(names = "--out", required = true, paramLabel = "CFG", description = "The precision config to write "
      + "(.yml or .yaml).")
  private Path out;

  @Option(names = "--report", paramLabel = "R", description = "Also write the report as JSON.")
  private Path report;

  @Option(names = "--emit-qonnx", paramLabel = "Q", description = "Also write the model with the found types as "
      + "QONNX Quant nodes (.onnx).")
  private Path qonnx;

  @Option(names = "--verbose", description = "Print the search's progress.")
  private boolean verbose;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    Path cfgTarget = AtomicOutput.checkTarget(out, "config");
    String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!name.endsWith(".yml") && !name.endsWith(".yaml")) {
      throw new UserException("--out '" + out + "' must end in .yml or .yaml (the config is written as YAML)");
    }
    Path reportTarget = report == null ? null : AtomicOutput.checkTarget(report, "report");
    Path qonnxTarget = qonnx == null ? null : AtomicOutput.checkTarget(qonnx, "QONNX model");
    if (calib.isEmpty() == (synthetic == null)) {
      throw new UserException("give exactly one of --calib X and --synthetic N");
    }
    if (maxDrop != null && labels == null) {
      throw new UserException("--max-accuracy-drop needs --labels (the class of every calibration sample)");
    }
    if (maxDrop != null && minAgreement != null) {
      throw new UserException("give --max-accuracy-drop or --min-agreement, not both");
    }
    if (labels != null && synthetic != null) {
      throw new UserException("--labels belong to --calib samples; synthetic inputs have no labels");
    }
    SearchOptions opts = options();
    Graph imported = ModelFiles.load(model);
    Graph prepared = StandardPipelines.prepare(opts.base()).run(imported, PassContext.create());
    boolean quantized = prepared.nodes().stream().anyMatch(n -> n.op() instanceof Op.Quant);
    if (exact || (quantized && !forceSearch && maxDrop == null && minAgreement == null)) {
      opts = opts.withExact(true).withProbes(0);
      stdout.println("exact: " + (exact ? "as asked" : "the model has its own quantizers") + "; every tensor at "
          + "the precision of its exact value, no search");
    }
    Map<String, NdArray> data;
    if (synthetic != null) {
      data = distil(imported, stdout);
    } else {
      data = readInputs(prepared, calib, "--calib");
    }
    int[] y = labels == null ? null : readLabels(labels, data);
    CalibrationSet set = new CalibrationSet(data, y);
    SearchResult r;
    try {
      r = PrecisionSearch.run(prepared, set, opts, verbose ? stdout::println : s -> { });
    } catch (IllegalStateException e) {
      throw new UserException(e.getMessage());
    }
    Budget.Metrics held = null;
    if (!validate.isEmpty()) {
      Map<String, NdArray> v = readInputs(prepared, validate, "--validate");
      int[] vy = validateLabels == null ? null : readLabels(validateLabels, v);
      held = Validation.measure(prepared, r.quantized(), new CalibrationSet(v, vy));
    }
    String yaml = ConfigWriter.yaml(r.config(), comments(set, opts, r));
    byte[] qonnxBytes = null;
    if (qonnxTarget != null) {
      QonnxAnnotator.Result a = QonnxAnnotator.annotate(prepared, r.quantized());
      for (String t : a.skipped()) {
        spec.commandLine().getErr().println("warning: tensor '" + t + "' has a rounding mode QONNX lacks; "
            + "it has no Quant in " + qonnx);
      }
      qonnxBytes = OnnxExporter.toBytes(a.graph());
    }
    ObjectNode json = QuantizeReport.json(model.getFileName().toString(), set.size(), opts, r, held);
    try (AtomicOutput files = new AtomicOutput()) {
      Files.writeString(files.file(cfgTarget), yaml, StandardCharsets.UTF_8);
      if (reportTarget != null) {
        Files.writeString(files.file(reportTarget), QuantizeReport.jsonText(json), StandardCharsets.UTF_8);
      }
      if (qonnxTarget != null) {
        Files.write(files.file(qonnxTarget), qonnxBytes);
      }
      files.commit();
    }
    for (String note : r.notes()) {
      spec.commandLine().getErr().println("warning: " + ErrorReport.oneLine(note));
    }
    summary(stdout, set, opts, r, held);
    return Main.OK;
  }

  private SearchOptions options() {
    Budget budget = maxDrop != null ? new Budget.AccuracyDrop(check(maxDrop, "--max-accuracy-drop"), confidence)
        : new Budget.Agreement(check(minAgreement == null ? 0.99 : minAgreement, "--min-agreement"), confidence);
    if (confidence < 0) {
      throw new UserException("--confidence " + confidence + " must be >= 0");
    }
    if (maxWidth < 2 || maxWidth > 64) {
      throw new UserException("--max-width " + maxWidth + " must be in [2, 64]");
    }
    if (minWidth < 1 || minWidth > maxWidth) {
      throw new UserException("--min-width " + minWidth + " must be in [1, " + maxWidth + "]");
    }
    if (probes < 0) {
      throw new UserException("--probes " + probes + " must be >= 0");
    }
    OverflowMode mode = switch (overflow.trim().toLowerCase(Locale.ROOT)) {
      case "safe" -> OverflowMode.SAFE;
      case "saturate", "sat" -> OverflowMode.SATURATE;
      default -> throw new UserException("--overflow '" + overflow + "' must be safe or saturate");
    };
    Target t = switch (target.trim().toLowerCase(Locale.ROOT)) {
      case "hls" -> Target.HLS_LATENCY;
      case "rtl", "verilog" -> Target.SHIFT_ADD_RTL;
      default -> throw new UserException("--target '" + target + "' must be hls or rtl");
    };
    Rounding rnd;
    try {
      rnd = Rounding.parse(rounding);
    } catch (IllegalArgumentException e) {
      throw new UserException("--rounding: " + e.getMessage());
    }
    PrecisionConfig base = PrecisionConfig.uniform(baseline);
    if (baseConfig != null) {
      InputFiles.requireFile(baseConfig, "config");
      base = ConfigLoader.load(baseConfig);
    }
    if (integerSoftmax) {
      base = base.withModel(base.model().withSoftmaxMode(SoftmaxMode.INTEGER));
    }
    return new SearchOptions(maxWidth, minWidth, method(), mode, budget, rnd, EstimateOptions.of(t),
        Math.min(6, maxWidth), baseline, !noSearch, probes, false, base);
  }

  private static double check(double v, String option) {
    if (!(v >= 0 && v <= 1)) {
      throw new UserException(option + " " + v + " must be a fraction in [0, 1]");
    }
    return v;
  }

  private CalibrationMethod method() {
    try {
      return switch (method.trim().toLowerCase(Locale.ROOT)) {
        case "minmax", "min-max" -> new MinMax();
        case "percentile" -> new Percentile(percentile);
        case "mse" -> new MseOptimal(methodBits);
        case "kl" -> new KlDivergence(methodBits);
        default -> throw new UserException("--method '" + method + "' must be minmax, percentile, mse or kl");
      };
    } catch (IllegalArgumentException e) {
      throw new UserException("--method " + method + ": " + e.getMessage());
    }
  }

  private Map<String, NdArray> distil(Graph imported, PrintWriter stdout) {
    boolean bn = false;
    for (Node n : imported.nodes()) {
      bn |= n.op() instanceof Op.BatchNorm;
    }
    if (!bn) {
      throw new UserException("the model has no BatchNormalization node, so --synthetic has no statistics to match;"
          + " give --calib samples");
    }
    if (synthetic < 2) {
      throw new UserException("--synthetic " + synthetic + " must be at least 2");
    }
    ZeroShotCalibration.Options o = ZeroShotCalibration.Options.of(synthetic).withSeed(seed)
        .withIterations(syntheticSteps);
    ZeroShotCalibration.Result z = ZeroShotCalibration.generate(imported, o, verbose ? stdout::println : s -> { });
    stdout.printf(Locale.ROOT, "synthetic: %d inputs from the BatchNorm statistics, loss %.4g -> %.4g%n",
        synthetic, z.initialLoss(), z.finalLoss());
    return z.inputs();
  }

  private Map<String, NdArray> readInputs(Graph graph, List<String> args, String option) throws IOException {
    Map<String, Path> files = new LinkedHashMap<>();
    List<String> names = graph.inputs();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String n = eq > 0 ? arg.substring(0, eq) : null;
      if (n != null && names.contains(n)) {
        files.put(n, Path.of(arg.substring(eq + 1)));
      } else if (names.size() == 1 && args.size() == 1) {
        files.put(names.get(0), Path.of(arg));
      } else {
        throw new UserException("the model has inputs " + names + "; give each as " + option + " NAME=FILE (got '"
            + arg + "')");
      }
    }
    Map<String, NdArray> data = new LinkedHashMap<>();
    for (String n : names) {
      Path p = files.get(n);
      if (p == null) {
        throw new UserException("no data for model input '" + n + "'; give " + option + " " + n + "=FILE");
      }
      data.put(n, Samples.fit(graph, n, InputFiles.readArray(p, option.substring(2)), option + " '" + p + "'"));
    }
    return data;
  }

  private static int[] readLabels(Path file, Map<String, NdArray> data) throws IOException {
    NdArray a = InputFiles.readArray(file, "labels");
    long n = data.values().iterator().next().dim(0);
    if (a.size() != n) {
      throw new UserException("labels '" + file + "' hold " + a.size() + " values for " + n + " samples");
    }
    int[] y = new int[a.size()];
    for (int i = 0; i < y.length; i++) {
      double v = a.data()[i];
      if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE) {
        throw new UserException("labels '" + file + "': value " + v + " at index " + i
            + " is not a class index (a non-negative integer)");
      }
      y[i] = (int) v;
    }
    return y;
  }

  private List<String> comments(CalibrationSet set, SearchOptions opts, SearchResult r) {
    List<String> c = new ArrayList<>();
    c.add("written by tessera quantize for " + model.getFileName());
    c.add(String.format(Locale.ROOT, "%d %s samples, %s ranges, %s results, budget: %s", set.size(),
        synthetic != null ? "synthetic" : "calibration", opts.method().describe(),
        opts.overflow() == OverflowMode.SAFE ? "proven (wrapping)" : "saturating", opts.budget().describe()));
    c.add(String.format(Locale.ROOT, "estimated LUT-equivalents: %d (uniform %s: %d)",
        r.after().total().lutEquivalents(), opts.baseline(), r.before().total().lutEquivalents()));
    return c;
  }

  private void summary(PrintWriter o, CalibrationSet set, SearchOptions opts, SearchResult r, Budget.Metrics held) {
    o.print(QuantizeReport.table(r));
    o.printf(Locale.ROOT, "float: %s%n", metric(r.metrics().floatAccuracy(), "accuracy"));
    o.printf(Locale.ROOT, "uniform %s: %s%n", opts.baseline(), metrics(r.baselineMetrics()));
    o.printf(Locale.ROOT, "quantized: %s (%s)%n", metrics(r.metrics()), opts.exact() ? "exact, no budget applied"
        : "budget " + opts.budget().describe() + ": " + (r.budgetMet() ? "met" : "NOT met"));
    if (held != null) {
      o.printf(Locale.ROOT, "validation (%d samples): %s%s%n", held.samples(), metrics(held),
          Double.isNaN(held.floatAccuracy()) ? "" : String.format(Locale.ROOT, ", float accuracy %.2f %%",
              100 * held.floatAccuracy()));
    }
    o.printf(Locale.ROOT, "quantize: %d samples, %d evaluations in %.1f s, wrote %s%s%s%n", set.size(),
        r.evaluations(), r.seconds(), out, report == null ? "" : ", " + report, qonnx == null ? "" : ", " + qonnx);
  }

  private static String metrics(Budget.Metrics m) {
    StringBuilder sb = new StringBuilder();
    if (!Double.isNaN(m.accuracy())) {
      sb.append(metric(m.accuracy(), "accuracy")).append(", ");
    }
    sb.append(metric(m.agreement(), "agreement"));
    if (!Double.isNaN(m.probeAgreement())) {
      sb.append(", ").append(metric(m.probeAgreement(), "probe agreement"));
    }
    return sb.toString();
  }

  private static String metric(double v, String what) {
    return Double.isNaN(v) ? what + " -" : String.format(Locale.ROOT, "%s %.2f %%", what, 100 * v);
  }
}
