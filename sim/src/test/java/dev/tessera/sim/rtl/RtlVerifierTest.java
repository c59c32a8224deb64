package dev.tessera.sim.rtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.verilog.VerilogBackend;
import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.op.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verifier must catch a wrong bit, a wrong latency and a folder built from another graph. */
class RtlVerifierTest {

  @TempDir
  Path tmp;

  static Graph small(long seed) {
    return new RtlGraphs("small", FixedType.parse("fixed<8,3>"), seed, 6)
        .dense(4, FixedType.parse("fixed<6,1>"), FixedType.parse("fixed<8,3>"), FixedType.parse("fixed<9,4>"))
        .unary(new Op.Relu(), FixedType.parse("fixed<9,4>"))
        .build();
  }

  @Test
  void aCorruptedConstantIsCaught() throws Exception {
    RtlTestSupport.requireTool("verilator");
    Graph g = small(3);
    Path dir = tmp.resolve("p");
    new VerilogBackend().write(g, VerilogOptions.defaults(), dir);
    assertTrue(RtlVerifier.verify(dir, g, RtlVerifier.Options.defaults().withVectors(100)).passed());
    // flip the first output's register input: out_data then carries y0 + 1
    Path core = dir.resolve("rtl/myproject_dense0.v");
    String v = Files.readString(core);
    String broken = v.replaceFirst("y0_reg <= ([^;]+);", "y0_reg <= $1 + 9'h1;");
    assertFalse(broken.equals(v), "the test must change the file");
    Files.writeString(core, broken);
    RtlVerifier.Result r = RtlVerifier.verify(dir, g, RtlVerifier.Options.defaults().withVectors(100));
    assertTrue(r.mismatches() > 0, r.summary());
    assertFalse(r.passed());
  }

  @Test
  void aWrongDocumentedLatencyFails() throws Exception {
    RtlTestSupport.requireTool("verilator");
    Graph g = small(4);
    Path dir = tmp.resolve("p");
    VerilogBackend.Result w = new VerilogBackend().write(g, VerilogOptions.defaults(), dir);
    Path json = dir.resolve("tessera-project.json");
    int lat = w.project().latency();
    Files.writeString(json, Files.readString(json).replace("\"latency\" : " + lat, "\"latency\" : " + (lat + 1)));
    RtlVerifier.Result r = RtlVerifier.verify(dir, g, RtlVerifier.Options.defaults().withVectors(50));
    assertEquals(lat + 1, r.documentedLatency());
    assertEquals(lat, r.latencyMin());
    assertFalse(r.passed());
  }

  @Test
  void anotherGraphIsRejected() throws Exception {
    Path dir = tmp.resolve("p");
    new VerilogBackend().write(small(5), VerilogOptions.defaults(), dir);
    assertTrue(RtlVerifier.isRtlProject(dir));
    TesseraException e = assertThrows(TesseraException.class,
        () -> RtlVerifier.verify(dir, small(6), RtlVerifier.Options.defaults()));
    assertTrue(e.getMessage().contains("another graph"), e.getMessage());
  }
}
