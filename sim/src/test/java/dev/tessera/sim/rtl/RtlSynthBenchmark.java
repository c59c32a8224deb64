package dev.tessera.sim.rtl;

import dev.tessera.backend.verilog.RtlProject;
import dev.tessera.backend.verilog.VerilogBackend;
import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.ir.Graph;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark ({@code -Dtessera.bench=true}): the jet tagger at fixed<8,3> and fixed<16,6>, shift-add against
 * {@code --multipliers generic}, through the same flow: generation, 10,000 vectors under Verilator with random
 * stalls, and Yosys synth_xilinx of the whole AXI-Stream top. Prints one row per case and the LUT-equivalent ratio
 * (LUT + 55 x DSP). Optional {@code -Dtessera.bench.vectors=N} and {@code -Dtessera.bench.precisions=a;b}.
 */
class RtlSynthBenchmark {

  @TempDir
  Path tmp;

  @Test
  void jetTaggerShiftAddAgainstGeneric() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("tessera.bench"), "benchmark: run with -Dtessera.bench=true");
    RtlTestSupport.requireTool("verilator");
    RtlTestSupport.requireTool("yosys");
    Path model = RtlModelsTest.sharedModels().resolve(RtlModelsTest.FML + "three_layer_keras.onnx");
    int vectors = Integer.getInteger("tessera.bench.vectors", 10_000);
    String[] precisions = System.getProperty("tessera.bench.precisions", "fixed<8,3>;fixed<16,6>").split(";");
    StringBuilder table = new StringBuilder("precision | multipliers | LUT | FF | CARRY4 | DSP | BRAM | depth | "
        + "LUT+55*DSP | adders | latency | gen s | verilator build s | sim s | yosys s | mismatches\n");
    for (String p : precisions) {
      Graph q = RtlModelsTest.quantized(model, p);
      long[] cost = new long[2];
      int i = 0;
      for (VerilogOptions.Multipliers m : VerilogOptions.Multipliers.values()) {
        Path dir = tmp.resolve(p.replaceAll("[^0-9a-z]", "_") + "_" + m);
        long t0 = System.nanoTime();
        VerilogBackend.Result w = new VerilogBackend().write(q, VerilogOptions.defaults().withMultipliers(m), dir);
        double gen = (System.nanoTime() - t0) / 1e9;
        RtlVerifier.Result r = RtlVerifier.verify(dir, q, RtlVerifier.Options.defaults().withVectors(vectors));
        YosysReport y = YosysReport.run(dir, Yosys.Target.XILINX, false, tmp.resolve("ys_" + i + "_" + p.length()));
        int adders = 0;
        for (RtlProject.Layer l : w.project().layers()) {
          adders += l.adders();
        }
        cost[i++] = y.total().lutEquivalents();
        String row = String.format(Locale.ROOT, "%s | %s | %d | %d | %d | %d | %s | %d | %d | %d | %d | %.1f | %.1f"
            + " | %.2f | %.1f | %d", p, m == VerilogOptions.Multipliers.GENERIC ? "generic" : "shift-add",
            y.total().lut(), y.total().ff(), y.total().carry(), y.total().dsp(), Double.toString(y.total().bram()),
            y.total().logicDepth(), y.total().lutEquivalents(), adders, w.project().latency(), gen,
            r.buildTime().toMillis() / 1000.0, r.simTime().toMillis() / 1000.0, y.elapsed().toMillis() / 1000.0,
            r.mismatches());
        System.out.println("RtlSynthBenchmark " + row + "\n  " + r.summary());
        table.append(row).append('\n');
      }
      table.append(String.format(Locale.ROOT, "%s: shift-add / generic LUT-equivalents = %.3f%n", p,
          (double) cost[0] / cost[1]));
    }
    System.out.println("RtlSynthBenchmark results\n" + table);
  }
}
