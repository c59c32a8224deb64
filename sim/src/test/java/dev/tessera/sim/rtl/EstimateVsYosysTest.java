package dev.tessera.sim.rtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.verilog.VerilogBackend;
import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.estimate.Estimate;
import dev.tessera.passes.estimate.EstimateOptions;
import dev.tessera.passes.estimate.NodeEstimate;
import dev.tessera.passes.estimate.ResourceEstimator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shift-add resource estimate against Yosys synth_xilinx on a small two-layer design (a few seconds of
 * synthesis): every Dense layer's LUTs and FFs, fast and exact adder counts, within the ±25 % that docs/estimation.md
 * promises, and the estimated latency equals the sum of the generated layers' latencies.
 */
class EstimateVsYosysTest {

  @TempDir
  Path tmp;

  private static Graph design() {
    FixedType act = FixedType.parse("fixed<8,3,RND_CONV,SAT>");
    return new RtlGraphs("est", act, 11, 12)
        .dense(8, FixedType.parse("fixed<7,1>"), FixedType.parse("fixed<8,2>"), act)
        .unary(new Op.Relu(), act)
        .dense(4, FixedType.parse("fixed<7,1>"), FixedType.parse("fixed<8,2>"), act)
        .build();
  }

  @Test
  void denseLayersWithinAQuarterOfYosys() throws Exception {
    RtlTestSupport.requireTool("yosys");
    Graph g = design();
    Path dir = tmp.resolve("p");
    VerilogBackend.Result w = new VerilogBackend().write(g, VerilogOptions.defaults(), dir);
    YosysReport r = YosysReport.run(dir, Yosys.Target.XILINX, true, tmp.resolve("ys"));
    System.out.println("EstimateVsYosysTest\n" + r.table());
    Estimate fast = ResourceEstimator.estimate(g, EstimateOptions.shiftAdd());
    Estimate exact = ResourceEstimator.estimate(g, EstimateOptions.shiftAdd().withExactCmvm(true));
    System.out.println(fast.table() + "\n" + exact.table());
    for (String layer : new String[] {"dense0", "dense2"}) {
      Resources y = r.layers().get("myproject_" + layer);
      assertTrue(y != null, "yosys reports layer " + layer + ": " + r.layers().keySet());
      for (Estimate e : new Estimate[] {fast, exact}) {
        NodeEstimate n = e.row(layer);
        within(layer + " LUT", n.lut(), y.lut());
        within(layer + " FF", n.ff(), y.ff());
      }
    }
    int layers = 0;
    for (dev.tessera.backend.verilog.RtlProject.Layer l : w.project().layers()) {
      layers += l.latency();
    }
    assertEquals(layers, exact.total().latency(), "estimated latency = the generated layers' latencies");
    assertEquals(layers, fast.total().latency(), "estimated latency = the generated layers' latencies");
  }

  private static void within(String what, long estimate, long yosys) {
    double err = (double) (estimate - yosys) / yosys;
    System.out.printf("%s: estimate %d, yosys %d (%+.1f %%)%n", what, estimate, yosys, 100 * err);
    assertTrue(Math.abs(err) <= 0.25, what + ": estimate " + estimate + " is not within 25 % of yosys " + yosys);
  }
}
