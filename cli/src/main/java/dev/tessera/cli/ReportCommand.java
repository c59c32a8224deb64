package dev.tessera.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.backend.hls.ProjectDescriptor;
import dev.tessera.backend.verilog.RtlProject;
import dev.tessera.ir.Graph;
import dev.tessera.passes.estimate.Estimate;
import dev.tessera.passes.estimate.EstimateOptions;
import dev.tessera.passes.estimate.NodeEstimate;
import dev.tessera.passes.estimate.ResourceEstimator;
import dev.tessera.sim.rtl.Yosys;
import dev.tessera.sim.rtl.YosysReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera report DIR}: the resource and latency estimate of a generated project per layer, and with
 * {@code --synth} the real cell counts of an RTL folder from Yosys, per layer module and in total.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Reports the resources of a folder written by 'tessera build': the model-based estimate per layer (LUT, FF,"
            + " DSP, BRAM, cycles), and with --synth (RTL folders) Yosys' LUT, FF, CARRY4, DSP, BRAM and logic depth"
            + " per layer module and in total (synth_xilinx -flatten, out of context; or synth_ice40 with a"
            + " nextpnr Fmax).",
        "--json FILE writes the same as JSON; its 'total' object has the keys lut, ff, dsp, bram and carry."})
final class ReportCommand implements Callable<Integer> {

  enum SynthTarget { xilinx, ice40 }

  @Parameters(index = "0", paramLabel = "DIR", description = "Project folder written by 'tessera build'.")
  private Path dir;

  @Option(names = "--synth", description = "Run Yosys (RTL folders only).")
  private boolean synth;

  @Option(names = "--target", paramLabel = "xilinx|ice40", defaultValue = "xilinx",
      description = "Synthesis target with --synth (default ${DEFAULT-VALUE}).")
  private SynthTarget target;

  @Option(names = "--no-per-layer", description = "With --synth, synthesize only the whole design (faster).")
  private boolean noPerLayer;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
  private Path json;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String kind = Verification.kind(dir);
    if (json != null) {
      AtomicOutput.checkTarget(json, "JSON report");
    }
    if (synth && !kind.equals(RtlProject.KIND)) {
      throw new UserException("--synth needs an RTL folder (tessera build --backend verilog); an HLS project is"
          + " synthesized by Vitis HLS (build_prj.tcl)");
    }
    Graph g = ProjectSources.rebuild(dir, Verification.provenance(dir));
    Estimate est = ResourceEstimator.estimate(g, kind.equals(ProjectDescriptor.KIND) ? EstimateOptions.hls()
        : EstimateOptions.shiftAdd());
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("kind", kind);
    root.put("folder", dir.toString());
    out.println("estimate (" + (kind.equals(ProjectDescriptor.KIND) ? "HLS latency strategy model"
        : "shift-add RTL model") + "; a model, not synthesis):");
    out.print(est.table());
    root.set("estimate", estimateJson(mapper, est));
    if (kind.equals(RtlProject.KIND)) {
      RtlProject p = RtlProject.read(dir);
      out.printf(Locale.ROOT, "rtl: top %s, latency %d cycles at II=1, %s multipliers, %d adder levels per stage%n",
          p.top(), p.latency(), p.multipliers(), p.pipelineDepth());
      root.put("latency_cycles", p.latency());
    }
    ObjectNode total = root.putObject("total");
    if (synth) {
      Path work = Files.createTempDirectory("tessera-yosys-");
      try {
        YosysReport r = YosysReport.run(dir, target == SynthTarget.ice40 ? Yosys.Target.ICE40 : Yosys.Target.XILINX,
            !noPerLayer, work);
        out.printf(Locale.ROOT, "yosys (%s, %.1f s):%n", target, r.elapsed().toMillis() / 1000.0);
        out.print(r.table());
        ObjectNode syn = (ObjectNode) mapper.readTree(r.toJson());
        root.set("synth", syn);
        total.setAll((ObjectNode) syn.get("total"));
        total.put("source", "yosys");
      } finally {
        AtomicOutput.deleteRecursively(work);
      }
    } else {
      NodeEstimate t = est.total();
      total.put("lut", t.lut());
      total.put("ff", t.ff());
      total.put("dsp", t.dsp());
      total.put("bram", t.bram18() / 2.0);
      total.putNull("carry");
      total.put("source", "estimate");
    }
    out.flush();
    if (json != null) {
      try (AtomicOutput atomic = new AtomicOutput()) {
        Path tmp = atomic.file(json);
        Files.writeString(tmp, mapper.writeValueAsString(root) + "\n");
        atomic.commit();
      }
    }
    return Main.OK;
  }

  private static ObjectNode estimateJson(ObjectMapper mapper, Estimate est) {
    ObjectNode e = mapper.createObjectNode();
    e.put("target", est.target().toString().toLowerCase(Locale.ROOT));
    ArrayNode rows = e.putArray("layers");
    for (NodeEstimate r : est.rows()) {
      rows.add(row(mapper, r));
    }
    e.set("total", row(mapper, est.total()));
    return e;
  }

  private static ObjectNode row(ObjectMapper mapper, NodeEstimate r) {
    ObjectNode o = mapper.createObjectNode();
    o.put("node", r.node());
    o.put("op", r.op());
    o.put("lut", r.lut());
    o.put("ff", r.ff());
    o.put("dsp", r.dsp());
    o.put("bram18", r.bram18());
    o.put("latency", r.latency());
    o.put("lut_equivalents", r.lutEquivalents());
    return o;
  }
}
