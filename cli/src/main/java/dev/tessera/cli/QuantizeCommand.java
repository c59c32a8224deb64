package dev.tessera.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.importer.OnnxExporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.config.ConfigLoader;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.estimate.Target;
import dev.tessera.passes.quant.QonnxAnnotator;
import dev.tessera.passes.quant.QuantizeReport;
import dev.tessera.passes.quant.search.Budget;
import dev.tessera.passes.quant.search.CalibrationSet;
import dev.tessera.passes.quant.search.SearchOptions;
import dev.tessera.passes.quant.search.SearchResult;
import dev.tessera.passes.quant.search.Validation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
            + "(argmax agreement with the float model, or with --reference, default 0.99).",
        "The search lowers the estimated LUT-equivalents of the design; docs/quantization.md explains it."})
final class QuantizeCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (.onnx).")
  private Path model;

  @Mixin
  private CalibrationOptions calib;

  @Mixin
  private QuantizeStep.Options search;

  @Option(names = "--reference", paramLabel = "REF", description = "Measure the budget (agreement, float accuracy) "
      + "against this float model's decisions instead of MODEL's, e.g. the original of a pruned MODEL; same inputs "
      + "and output shapes.")
  private Path reference;

  @Option(names = "--target", paramLabel = "hls|rtl", defaultValue = "hls", description = "Cost model: HLS "
      + "latency design or shift-add RTL. Default: ${DEFAULT-VALUE}.")
  private String target;

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

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of --synthetic. Default: "
      + "${DEFAULT-VALUE}.")
  private long seed;

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
    QuantizeStep.check(search, calib);
    QuantizeStep.Settings settings = settings();
    QuantizeStep.searchOptions(search, settings);
    Graph imported = ModelFiles.load(model);
    Graph ref = reference == null ? null : ModelFiles.load(reference);
    QuantizeStep.Result q = QuantizeStep.run(model.getFileName().toString(), imported, ref,
        reference == null ? null : reference.toString(), calib, search, settings, stdout);
    SearchResult r = q.search();
    Budget.Metrics held = null;
    if (!validate.isEmpty()) {
      Map<String, NdArray> v = CalibrationOptions.read(q.prepared(), validate, "--validate");
      int[] vy = validateLabels == null ? null
          : CalibrationOptions.readLabels(validateLabels, v, "--validate-labels");
      held = Validation.measure(q.reference(), r.quantized(), new CalibrationSet(v, vy));
    }
    String yaml = q.yaml("tessera quantize");
    byte[] qonnxBytes = null;
    if (qonnxTarget != null) {
      QonnxAnnotator.Result a = QonnxAnnotator.annotate(q.prepared(), r.quantized());
      for (String t : a.skipped()) {
        spec.commandLine().getErr().println("warning: tensor '" + t + "' has a rounding mode QONNX lacks; "
            + "it has no Quant in " + qonnx);
      }
      qonnxBytes = OnnxExporter.toBytes(a.graph());
    }
    ObjectNode json = q.report(held);
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
    q.warnings(spec.commandLine().getErr());
    summary(stdout, q, held);
    return Main.OK;
  }

  private QuantizeStep.Settings settings() {
    Target t = switch (target.trim().toLowerCase(Locale.ROOT)) {
      case "hls" -> Target.HLS_LATENCY;
      case "rtl", "verilog" -> Target.SHIFT_ADD_RTL;
      default -> throw new UserException("--target '" + target + "' must be hls or rtl");
    };
    PrecisionConfig base = PrecisionConfig.uniform(baseline);
    if (baseConfig != null) {
      InputFiles.requireFile(baseConfig, "config");
      base = ConfigLoader.load(baseConfig);
    }
    return new QuantizeStep.Settings(t, base, baseline, !noSearch, exact, forceSearch, seed, verbose);
  }

  private void summary(PrintWriter o, QuantizeStep.Result q, Budget.Metrics held) {
    SearchResult r = q.search();
    SearchOptions opts = q.options();
    o.print(QuantizeReport.table(r));
    o.printf(Locale.ROOT, "%s: %s%n", reference == null ? "float" : "reference " + reference,
        metric(r.metrics().floatAccuracy(), "accuracy"));
    o.printf(Locale.ROOT, "uniform %s: %s%n", opts.baseline(), metrics(r.baselineMetrics()));
    o.printf(Locale.ROOT, "quantized: %s (%s)%n", metrics(r.metrics()), opts.exact() ? "exact, no budget applied"
        : "budget " + opts.budget().describe() + ": " + (r.budgetMet() ? "met" : "NOT met"));
    if (held != null) {
      o.printf(Locale.ROOT, "validation (%d samples): %s%s%n", held.samples(), metrics(held),
          Double.isNaN(held.floatAccuracy()) ? "" : String.format(Locale.ROOT, ", float accuracy %.2f %%",
              100 * held.floatAccuracy()));
    }
    o.printf(Locale.ROOT, "quantize: %d samples, %d evaluations in %.1f s, wrote %s%s%s%n", q.samples().size(),
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
