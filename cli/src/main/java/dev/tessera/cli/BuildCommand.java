package dev.tessera.cli;

import dev.tessera.backend.hls.HlsBackend;
import dev.tessera.backend.hls.HlsOptions;
import dev.tessera.backend.hls.Strategy;
import dev.tessera.backend.verilog.VerilogBackend;
import dev.tessera.backend.verilog.VerilogBackendException;
import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.ir.Graph;
import java.io.PrintWriter;
import java.nio.file.Path;
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
 * {@code tessera build}: imports a model, applies the precision, and writes a Vitis HLS project or a Verilog RTL
 * folder; with {@code --verify N} it also checks the result bit for bit. The folder is written completely or not at
 * all, and it holds copies of the model and config so that {@code verify} and {@code report} need nothing else.
 */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Compiles MODEL to a Vitis HLS C++ project (--backend hls) or to synthesizable Verilog with an AXI-Stream"
            + " wrapper (--backend verilog), at the precision of --precision or --config.",
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

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the --verify vectors.")
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
    precision.precisionConfig();
    long t0 = System.nanoTime();
    Graph floatGraph = ModelFiles.load(model);
    Graph g = precision.lower(floatGraph, err);
    String summary;
    try (AtomicOutput atomic = new AtomicOutput()) {
      Path staging = atomic.folder(out);
      Map<String, String> prov = ProjectSources.provenance(model, precision);
      if (backend == Backend.hls) {
        summary = writeHls(g, staging, prov, err);
      } else {
        summary = writeVerilog(g, staging, prov);
      }
      ProjectSources.copy(staging, model, precision);
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
