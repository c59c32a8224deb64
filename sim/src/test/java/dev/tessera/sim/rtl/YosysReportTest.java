package dev.tessera.sim.rtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.verilog.VerilogBackend;
import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.ir.Graph;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Yosys on a small generated design: per-layer and total resources, the JSON shape, shift-add against generic. */
class YosysReportTest {

  @TempDir
  Path tmp;

  @Test
  void reportsLayersAndTotal() throws Exception {
    RtlTestSupport.requireTool("yosys");
    Graph g = RtlVerifierTest.small(8);
    Path dir = tmp.resolve("p");
    new VerilogBackend().write(g, VerilogOptions.defaults(), dir);
    YosysReport r = YosysReport.run(dir, Yosys.Target.XILINX, true, tmp.resolve("ys"));
    System.out.println("YosysReportTest shift-add\n" + r.table());
    assertEquals(2, r.layers().size());
    Resources dense = r.layers().get("myproject_dense0");
    assertTrue(dense.lut() > 0 && dense.ff() > 0 && dense.carry() > 0, dense.toString());
    assertEquals(0, dense.dsp());
    assertTrue(r.total().lut() >= dense.lut(), "the total includes the dense layer");
    String json = r.toJson();
    for (String key : new String[] {"\"total\": {\"lut\": ", "\"ff\": ", "\"dsp\": ", "\"bram\": ", "\"carry\": ",
        "\"myproject_dense0\": {"}) {
      assertTrue(json.contains(key), key + " in " + json);
    }
    Path gen = tmp.resolve("g");
    new VerilogBackend().write(g, VerilogOptions.defaults().withMultipliers(VerilogOptions.Multipliers.GENERIC),
        gen);
    YosysReport rg = YosysReport.run(gen, Yosys.Target.XILINX, false, tmp.resolve("ysg"));
    System.out.println("YosysReportTest generic\n" + rg.table());
    assertTrue(rg.layers().isEmpty());
    assertTrue(rg.total().lutEquivalents() > 0);
  }

  @Test
  void ice40GivesAnFmaxWhenTheDesignFits() throws Exception {
    RtlTestSupport.requireTool("yosys");
    Graph g = RtlVerifierTest.small(9);
    Path dir = tmp.resolve("p");
    new VerilogBackend().write(g, VerilogOptions.defaults(), dir);
    YosysReport r = YosysReport.run(dir, Yosys.Target.ICE40, false, tmp.resolve("ys"));
    System.out.println("YosysReportTest ice40\n" + r.table() + r.note());
    assertTrue(r.total().lut() > 0);
    if (dev.tessera.sim.Tools.find("nextpnr-ice40").isPresent()) {
      assertTrue(r.fmaxMhz().isPresent(), r.note());
      assertTrue(r.toJson().contains("\"fmax_mhz\""));
    }
  }
}
