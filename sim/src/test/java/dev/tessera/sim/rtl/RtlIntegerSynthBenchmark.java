package dev.tessera.sim.rtl;

import dev.tessera.backend.verilog.RtlProject;
import dev.tessera.backend.verilog.VerilogBackend;
import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.op.Op;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark ({@code -Dtessera.bench=true}): Yosys synth_xilinx of each integer-only kernel (i-exp, integer softmax,
 * i-GELU, layer normalization) at {@code fixed<16,6>} with 8 elements (and rows of 32 for the row reductions),
 * next to a shift-add Dense layer for the logic depth of its 5-adder-level stages. Prints LUT, FF, CARRY4, DSP48E1,
 * logic depth (cells) and latency per layer module. {@code -Dtessera.bench.kernels=iexp,ln8} picks cases.
 */
class RtlIntegerSynthBenchmark {

  @TempDir
  Path tmp;

  private record Case(String name, Graph graph) {}

  static FixedType t(String s) {
    return FixedType.parse(s);
  }

  @Test
  void integerKernelsThroughYosys() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("tessera.bench"), "benchmark: run with -Dtessera.bench=true");
    RtlTestSupport.requireTool("yosys");
    FixedType in = t("fixed<16,6>");
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("dense", new RtlGraphs("dense", in, 41, 16)
        .dense(8, t("fixed<8,2>"), t("fixed<10,4>"), t("fixed<16,6,RND,SAT>")).build()));
    cases.add(new Case("iexp", new RtlGraphs("iexp", in, 42, 8)
        .unary(new Op.IExp(16), t("ufixed<17,1,RND,SAT>")).build()));
    cases.add(new Case("igelu", new RtlGraphs("igelu", in, 43, 8)
        .unary(new Op.IGelu(16), t("fixed<16,6,RND,SAT>")).build()));
    cases.add(new Case("isoftmax8", new RtlGraphs("isoftmax8", in, 44, 8)
        .unary(new Op.ISoftmax(-1, 16, 16), t("ufixed<17,1>")).build()));
    cases.add(new Case("isoftmax32", new RtlGraphs("isoftmax32", in, 45, 32)
        .unary(new Op.ISoftmax(-1, 16, 16), t("ufixed<17,1>")).build()));
    cases.add(new Case("ln8", new RtlGraphs("ln8", in, 46, 8)
        .unary(new Op.ILayerNorm(-1, 1e-5, 16), t("fixed<20,4>")).build()));
    cases.add(new Case("ln32", new RtlGraphs("ln32", in, 47, 32)
        .unary(new Op.ILayerNorm(-1, 1e-5, 16), t("fixed<21,5>")).build()));
    String pick = System.getProperty("tessera.bench.kernels", "");
    StringBuilder table = new StringBuilder("kernel | op | LUT | FF | CARRY4 | DSP48E1 | depth | latency | yosys s\n");
    for (Case c : cases) {
      if (!pick.isEmpty() && !List.of(pick.split(",")).contains(c.name())) {
        continue;
      }
      Path dir = tmp.resolve(c.name());
      VerilogBackend.Result w = new VerilogBackend().write(c.graph(), VerilogOptions.defaults(), dir);
      for (RtlProject.Layer l : w.project().layers()) {
        Path src = dir.resolve("rtl").resolve(l.module() + ".v");
        Yosys.Run y = Yosys.synthesize(List.of(src), l.module(), Yosys.Target.XILINX, tmp.resolve("ys_" + l.module()));
        Resources r = y.resources();
        String row = String.format(Locale.ROOT, "%s | %s | %d | %d | %d | %d | %d | %d | %.1f", c.name(), l.kind(),
            r.lut(), r.ff(), r.carry(), r.dsp(), r.logicDepth(), l.latency(), y.elapsed().toMillis() / 1000.0);
        System.out.println("RtlIntegerSynthBenchmark " + row);
        table.append(row).append('\n');
      }
    }
    System.out.println(table);
  }
}
