package dev.tessera.cli;

import dev.tessera.backend.hls.HlsBackend;
import dev.tessera.backend.hls.HlsOptions;
import dev.tessera.backend.hls.Strategy;
import dev.tessera.backend.verilog.VerilogBackend;
import dev.tessera.backend.verilog.VerilogBackendException;
import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.importer.OnnxExporter;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.config.ConfigLoader;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.estimate.Target;
import dev.tessera.passes.prune.PruneBudget;
import dev.tessera.passes.prune.PruneOptions;
import dev.tessera.passes.prune.StructuredPruner;
import dev.tessera.passes.quant.QuantizeReport;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera build}: imports a model, optionally prunes it ({@code --prune}, {@link PruneStep}) and searches its
 * precision ({@code --quantize}, {@link QuantizeStep}, measured against the unpruned model), applies the precision,
 * and writes a Vitis HLS project or a Verilog RTL folder; with {@code --verify N} it also checks the result bit for
 * bit. The folder is written completely or not at all, and it holds the model and config it was built from and the
 * steps' reports, so that {@code verify} and {@code report} need nothing else.
 */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Compiles MODEL to a Vitis HLS C++ project (--backend hls) or to synthesizable Verilog with an AXI-Stream"
            + " wrapper (--backend verilog), at the precision of --precision or --config.",
        "Steps before the backend, in this order: --prune B removes units until the model fits budget B (as"
            + " 'tessera prune'); --quantize searches per-layer types on the --calib samples (as 'tessera quantize'),"
            + " with the budget measured against the original float model.",
        "With --verify N the result is checked at once against the fixed-point interpreter (exit 1 on a mismatch)."})
final class BuildCommand implements Callable<Integer> {

  enum Backend { hls, verilog }

  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (.onnx).")
  private Path model;

  @Option(names = "--backend", required = true, paramLabel = "hls|verilog",
      description = "hls: Vitis HLS C++ project; verilog: RTL folder.")
  private Backend backend;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (replaced if it holds"
      + " a generated project).")
  private Path out;

  @Mixin
  private PrecisionOptions precision;

  @Option(names = "--prune", paramLabel = "B", converter = PruneCommand.BudgetConverter.class,
      description = "Step 1: prune to budget B first, 'macs<=F', 'lut<=N' or 'dsp<=N' (as tessera prune --budget;"
          + " estimates for --backend); needs --calib.")
  private PruneBudget prune;

  @Option(names = "--quantize", description = "Step 2: search the per-layer precision (as tessera quantize) instead"
      + " of --precision/--config; budget against the original float model.")
  private boolean quantize;

  @Mixin
  private CalibrationOptions calib;

  @Mixin
  private QuantizeStep.Options search;

  @Mixin
  private PruneStep.Options pruning;

  @Option(names = "--prune-tune-method", paramLabel = "M", description = "Pruning: what mask tuning fits, 'weights'"
      + " or 'scales' (tessera prune --tune-method).")
  private PruneOptions.TuneMethod pruneTuneMethod;

  @Option(names = "--reuse", paramLabel = "N", description = "Default reuse factor of Dense and Conv layers (HLS;"
      + " default 1 or the config's ReuseFactor).")
  private Integer reuse;

  @Option(names = "--strategy", paramLabel = "latency|resource", description = "Default Dense strategy (HLS).")
  private String strategy;

  @Option(names = "--part", paramLabel = "PART", defaultValue = HlsOptions.DEFAULT_PART,
      description = "FPGA part (default ${DEFAULT-VALUE}).")
  private String part;

  @Option(names = "--clock-ns", paramLabel = "NS", defaultValue = "5", description = "Clock period in ns"
      + " (default ${DEFAULT-VALUE}).")
  private double clockNs;

  @Option(names = "--top", paramLabel = "NAME", description = "Name of the top function or module (default: the"
      + " model's name).")
  private String top;

  @Option(names = "--multipliers", paramLabel = "shift-add|generic", defaultValue = "shift-add",
      description = "Verilog: constant products as shift-add graphs (default) or plain '*' (for DSP mapping).")
  private String multipliers;

  @Option(names = "--pipeline-depth", paramLabel = "K", description = "Verilog: adder levels between pipeline"
      + " registers (default " + VerilogOptions.DEFAULT_PIPELINE_DEPTH + ").")
  private Integer pipelineDepth;

  @Option(names = "--argmax", description = "Verilog: output the index of the first maximum instead of the"
      + " model's output tensor.")
  private boolean argmax;

  @Option(names = "--verify", paramLabel = "N", defaultValue = "0",
      description = "After writing, verify with N random vectors (0: do not verify).")
  private int verify;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the --verify vectors and"
      + " of --synthetic.")
  private long seed;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!(clockNs > 0) || Double.isInfinite(clockNs)) {
      throw new UserException("--clock-ns " + clockNs + " must be a positive number");
    }
    if (verify < 0) {
      throw new UserException("--verify " + verify + " must be 0 (off) or a number of vectors");
    }
    ProjectSources.checkReplaceable(out);
    checkSteps();
    long t0 = System.nanoTime();
    Graph source = ModelFiles.load(model);
    Graph floatGraph = source;
    byte[] modelBytes = Files.readAllBytes(model);
    byte[] pruneReport = null;
    if (prune != null) {
      Map<String, NdArray> x = calib.inputs(source);
      StructuredPruner.Result r = PruneStep.run(source, PruneStep.data(source, x, calib.labels(x), "--labels"), null,
          pruneOptions());
      modelBytes = OnnxExporter.toBytes(r.graph());
      // the design is built from the model as verify will read it back from DIR/tessera/model.onnx
      floatGraph = OnnxImporter.load(modelBytes, source.name());
      pruneReport = PruneStep.json(r.report());
      o.println(PruneStep.summary(r.report()));
      for (String w : r.report().warnings()) {
        err.println("warning: " + ErrorReport.oneLine(w));
      }
      o.flush();
      err.flush();
    }
    ProjectSources.Contents sources;
    PrecisionConfig config;
    if (quantize) {
      QuantizeStep.Result q = QuantizeStep.run(model.getFileName().toString() + (prune != null ? " pruned to "
          + prune : ""), floatGraph, prune != null ? source : null, model.toString(), calib, search, quantizeSettings(),
          o);
      String yaml = q.yaml("tessera build --quantize");
      config = ConfigLoader.parse(yaml);
      o.println(q.summary());
      q.warnings(err);
      sources = new ProjectSources.Contents(modelBytes, yaml.getBytes(StandardCharsets.UTF_8), ".yaml", null,
          prune != null ? Files.readAllBytes(model) : null, pruneReport,
          QuantizeReport.jsonText(q.report(null)).getBytes(StandardCharsets.UTF_8), facts());
    } else {
      config = precision.precisionConfig();
      Path cfg = precision.configFile();
      sources = new ProjectSources.Contents(modelBytes, cfg == null ? null : Files.readAllBytes(cfg),
          cfg == null ? null : ProjectSources.configExtension(cfg),
          precision.precisionGiven() || cfg == null ? precision.defaultType() : null,
          prune != null ? Files.readAllBytes(model) : null, pruneReport, null, facts());
    }
    o.flush();
    Graph g = PrecisionOptions.lower(floatGraph, config, err);
    String summary;
    try (AtomicOutput atomic = new AtomicOutput()) {
      Path staging = atomic.folder(out);
      Map<String, String> prov = sources.provenance();
      if (backend == Backend.hls) {
        summary = writeHls(g, staging, prov, err);
      } else {
        summary = writeVerilog(g, staging, prov);
      }
      sources.write(staging);
      atomic.commit();
    }
    o.printf(Locale.ROOT, "wrote %s (%s) in %.2f s: %s%n", out, backend == Backend.hls ? "Vitis HLS project"
        : "Verilog RTL", (System.nanoTime() - t0) / 1e9, summary);
    o.flush();
    if (verify > 0) {
      return Verification.run(out, g, verify, seed, null, o);
    }
    return Main.OK;
  }

  /** Checks how the step options go together before any work, so that a wrong combination costs nothing. */
  private void checkSteps() {
    if (quantize && precision.given()) {
      throw new UserException("--quantize searches the precision; give it without --precision and --config");
    }
    if (prune != null && !calib.given()) {
      throw new UserException("--prune needs --calib X (the samples for the pruning gradients and tuning)");
    }
    ParseResult parsed = spec.commandLine().getParseResult();
    if (!quantize) {
      misplaced(parsed, spec.mixins().get("search"), "--quantize");
    }
    if (prune == null) {
      misplaced(parsed, spec.mixins().get("pruning"), "--prune");
      if (pruneTuneMethod != null) {
        throw new UserException("--prune-tune-method is an option of --prune");
      }
    }
    if (prune == null && !quantize && (calib.given() || calib.labels() != null)) {
      throw new UserException("--calib and --labels are read by --prune and --quantize; give one of them");
    }
    if (quantize) {
      QuantizeStep.check(search, calib);
      QuantizeStep.searchOptions(search, quantizeSettings());
    } else {
      precision.precisionConfig();
    }
  }

  private static void misplaced(ParseResult parsed, CommandSpec mixin, String step) {
    for (OptionSpec opt : mixin.options()) {
      if (parsed.hasMatchedOption(opt)) {
        throw new UserException(opt.longestName() + " is an option of " + step);
      }
    }
  }

  /** The quantize step's settings: the cost model of the backend, uniform fixed<16,6> as the baseline. */
  private QuantizeStep.Settings quantizeSettings() {
    FixedType baseline = FixedType.parse(PrecisionOptions.DEFAULT_PRECISION);
    return new QuantizeStep.Settings(target(), PrecisionConfig.uniform(baseline), baseline, true, false, false, seed,
        false);
  }

  private Target target() {
    return backend == Backend.hls ? Target.HLS_LATENCY : Target.SHIFT_ADD_RTL;
  }

  /** The prune step's options: estimates of the backend at --precision (or fixed<16,6>), only the written variant. */
  private PruneOptions pruneOptions() {
    return pruning.apply(PruneOptions.of(prune)).withPrecision(precision.precisionGiven() ? precision.defaultType()
        : null).withTarget(target()).withTuneMethod(pruneTuneMethod).withAllVariants(false);
  }

  /** Where the build came from: the model and samples given, the steps run, the command line. */
  private Map<String, String> facts() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("source_model", model.toAbsolutePath().normalize().toString());
    List<String> steps = new ArrayList<>();
    if (prune != null) {
      steps.add("prune " + prune);
    }
    if (quantize) {
      steps.add("quantize");
    }
    if (!steps.isEmpty()) {
      f.put("steps", String.join(", ", steps));
      f.put("calibration", calib.describe());
      if (calib.labels() != null) {
        f.put("labels", calib.labels().toAbsolutePath().normalize().toString());
      }
    }
    f.put("command", "tessera " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    return f;
  }

  private String writeHls(Graph g, Path dir, Map<String, String> prov, PrintWriter err) throws Exception {
    if (!multipliers.equals("shift-add") || pipelineDepth != null || argmax) {
      throw new UserException("--multipliers, --pipeline-depth and --argmax are options of --backend verilog");
    }
    HlsOptions opts;
    try {
      opts = HlsOptions.defaults().withPart(part).withClockNs(clockNs);
      if (top != null) {
        opts = opts.withTop(top);
      }
      if (reuse != null) {
        opts = opts.withReuseFactor(reuse);
      }
      if (strategy != null) {
        opts = opts.withStrategy(Strategy.parse(strategy));
      }
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    for (var e : prov.entrySet()) {
      opts = opts.withProvenance(e.getKey(), e.getValue());
    }
    opts = opts.withGraphMetadata(g);
    HlsBackend.Result r = new HlsBackend().write(g, opts, dir);
    for (String w : r.warnings()) {
      err.println("warning: " + ErrorReport.oneLine(w));
    }
    err.flush();
    return r.files().size() + " files, top function " + r.descriptor().top();
  }

  private String writeVerilog(Graph g, Path dir, Map<String, String> prov) throws Exception {
    if (reuse != null || strategy != null) {
      throw new UserException("--reuse and --strategy are options of --backend hls (the RTL is fully parallel)");
    }
    VerilogOptions opts;
    try {
      opts = VerilogOptions.defaults().withPart(part).withClockMhz(1000.0 / clockNs)
          .withMultipliers(VerilogOptions.Multipliers.parse(multipliers)).withArgmax(argmax)
          .withTop(top != null ? top : moduleName(g.name()));
      if (pipelineDepth != null) {
        opts = opts.withPipelineDepth(pipelineDepth);
      }
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    VerilogBackend.Result r;
    try {
      r = new VerilogBackend(prov).write(g, opts, dir);
    } catch (VerilogBackendException e) {
      // the model uses something the RTL backend does not build (each problem names its node): a user error
      throw new UserException(e.getMessage());
    }
    return r.files().size() + " files, top module " + r.project().top() + ", latency " + r.project().latency()
        + " cycles at II=1 (" + r.project().multipliers() + ", " + r.project().pipelineDepth()
        + " adder levels per stage)";
  }

  /** The model's name as a Verilog module name: other characters become '_', and a leading digit gets 'm_'. */
  static String moduleName(String graphName) {
    String n = graphName == null || graphName.isEmpty() ? "myproject" : graphName.replaceAll("[^A-Za-z0-9_]", "_");
    return Character.isLetter(n.charAt(0)) ? n : "m_" + n;
  }
}
