package dev.tessera.sim.rtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.verilog.RtlLibrary;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-written RTL library under Verilator: lint, then random gaps and back-pressure, no loss or duplicate. */
class StreamLibraryTest {

  @TempDir
  Path tmp;

  @Test
  void libraryModulesLintCleanAlone() throws Exception {
    RtlTestSupport.requireTool("verilator");
    List<Path> lib = RtlLibrary.copyTo(tmp.resolve("lib"));
    for (int i = 0; i < lib.size(); i++) {
      Verilator.Lint lint = Verilator.lint(lib.subList(0, i + 1), RtlLibrary.MODULES.get(i));
      assertTrue(lint.clean(), RtlLibrary.MODULES.get(i) + ":\n" + lint.messages());
    }
  }

  @Test
  void adapterKeepsEveryBeatInOrderUnderStalls() throws Exception {
    RtlTestSupport.requireTool("verilator");
    List<Path> files = new ArrayList<>(RtlLibrary.copyTo(tmp.resolve("lib")));
    files.add(RtlTestSupport.resource("tb_delay_pipe.v", tmp));
    files.add(RtlTestSupport.resource("tb_axis_top.v", tmp));
    assertTrue(Verilator.lint(files, "tb_axis_top").clean(), Verilator.lint(files, "tb_axis_top").messages());
    Path harness = tmp.resolve("harness.cpp");
    java.nio.file.Files.writeString(harness, AxisHarness.cpp("tb_axis_top", 16, 16));
    Verilator.Build b = Verilator.build(files, "tb_axis_top", harness, tmp.resolve("build"), 2);
    Random r = new Random(3);
    List<BigInteger> in = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      in.add(BigInteger.valueOf(r.nextInt(1 << 16)));
    }
    for (int[] gs : new int[][] {{0, 0}, {30, 40}, {0, 80}, {70, 10}}) {
      AxisSimulation.Result res = AxisSimulation.run(b.executable(), in, 16,
          new AxisSimulation.Stimulus(11 + gs[0], gs[0], gs[1], 100), tmp.resolve("run" + gs[0] + "_" + gs[1]));
      assertEquals(in.size(), res.outputs().size(), "outputs with gaps " + gs[0] + "% stalls " + gs[1] + "%");
      assertEquals(0, res.extra(), "duplicated beats");
      for (int i = 0; i < in.size(); i++) {
        long expect = (in.get(i).longValue() * 3 + 1) & 0xFFFF;
        assertEquals(expect, res.outputs().get(i).longValue(), "beat " + i);
      }
      // pipeline latency 5, plus FIFO write and output register
      assertEquals(7, res.latencyMin());
      assertEquals(7, res.latencyMax());
      assertEquals(1.0, res.throughputCalm(), 1e-9, "II=1 without back-pressure");
      if (gs[1] == 0 && gs[0] == 0) {
        assertEquals(1.0, res.throughputStalled(), 1e-9);
      }
    }
  }

  @Test
  void skidBufferPassesWideBeatsUnderStalls() throws Exception {
    RtlTestSupport.requireTool("verilator");
    List<Path> files = new ArrayList<>(RtlLibrary.copyTo(tmp.resolve("lib")).subList(0, 1));
    files.add(RtlTestSupport.resource("tb_skid_top.v", tmp));
    Path harness = tmp.resolve("harness.cpp");
    java.nio.file.Files.writeString(harness, AxisHarness.cpp("tb_skid_top", 72, 72));
    Verilator.Build b = Verilator.build(files, "tb_skid_top", harness, tmp.resolve("build"), 2);
    Random r = new Random(5);
    List<BigInteger> in = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      in.add(new BigInteger(72, r));
    }
    AxisSimulation.Result res = AxisSimulation.run(b.executable(), in, 72,
        new AxisSimulation.Stimulus(9, 25, 50, 50), tmp.resolve("run"));
    assertEquals(in, res.outputs());
    assertEquals(0, res.extra());
    assertEquals(1, res.latencyMin());
    assertEquals(1.0, res.throughputCalm(), 1e-9);
  }

  @Test
  void yosysCountsTheAdapter() throws Exception {
    RtlTestSupport.requireTool("yosys");
    List<Path> files = new ArrayList<>(RtlLibrary.copyTo(tmp.resolve("lib")));
    Yosys.Run x = Yosys.synthesize(files, "tessera_stream_adapter", Yosys.Target.XILINX, tmp.resolve("x"));
    System.out.println("tessera_stream_adapter xc7: " + Yosys.summary(x));
    assertTrue(x.resources().lut() > 0 && x.resources().ff() > 0, x.resources().toString());
    assertTrue(x.resources().logicDepth() >= 2, x.resources().toString());
    assertEquals(0, x.resources().dsp());
    Yosys.Run ice = Yosys.synthesize(files, "tessera_stream_adapter", Yosys.Target.ICE40, tmp.resolve("i"));
    System.out.println("tessera_stream_adapter ice40: " + Yosys.summary(ice) + " " + ice.placeNote());
    assertTrue(ice.resources().lut() > 0);
    if (dev.tessera.sim.Tools.find("nextpnr-ice40").isPresent()) {
      assertTrue(ice.fmaxMhz().isPresent(), ice.placeNote());
      assertTrue(ice.fmaxMhz().get() > 50, "fmax " + ice.fmaxMhz().get());
    }
  }
}
