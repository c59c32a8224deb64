package dev.tessera.sim.rtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.verilog.VerilogBackend;
import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.FixedConstants;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every layer kind of the Verilog backend on small hand-built graphs: generated, linted, simulated under random
 * gaps and back-pressure, and compared bit for bit with the fixed-point interpreter. Each graph chains several
 * layers and rounding/overflow modes so that one Verilator build covers many cases.
 */
class RtlLayersTest {

  @TempDir
  Path tmp;

  static FixedType t(String s) {
    return FixedType.parse(s);
  }

  static RtlVerifier.Result check(Graph g, VerilogOptions o, Path dir, int vectors) throws Exception {
    RtlTestSupport.requireTool("verilator");
    VerilogBackend.Result w = new VerilogBackend().write(g, o, dir);
    RtlVerifier.Result r = RtlVerifier.verify(dir, g, RtlVerifier.Options.defaults().withVectors(vectors));
    System.out.println("RtlLayersTest " + g.name() + " (" + o.multipliers() + "): " + r.summary());
    assertTrue(r.lintClean(), r.lintMessages());
    assertEquals(0, r.mismatches(), String.join("\n", r.examples()));
    assertEquals(vectors, r.outputs());
    assertEquals(w.project().latency(), r.latencyMin(), "measured latency equals the documented one");
    assertEquals(w.project().latency(), r.latencyMax());
    assertEquals(1.0, r.throughput(), 1e-9, "one sample per clock without back-pressure");
    assertTrue(r.passed(), r.summary());
    return r;
  }

  @Test
  void denseWithEveryRoundingAndOverflowModeThenActivations() throws Exception {
    Graph g = new RtlGraphs("dense_modes", t("fixed<10,4>"), 11, 12)
        .dense(9, t("fixed<8,2>"), t("fixed<12,5>"), t("fixed<12,5,RND_CONV,SAT>"))
        .unary(new Op.LeakyRelu(0.15, FixedConstants.PARAM_TYPE), t("fixed<11,5,RND,SAT_SYM>"))
        .dense(7, t("fixed<9,3>"), t("fixed<9,3>"), t("fixed<8,3,TRN_ZERO,WRAP>"))
        .unary(new Op.Clip(-1.5, 2.25), t("fixed<8,3>"))
        .dense(6, t("fixed<8,1>"), t("fixed<8,3>"), t("ufixed<7,2,RND_ZERO,SAT_ZERO>"))
        .dense(5, t("fixed<8,2>"), t("fixed<8,2>"), t("fixed<9,4,RND_INF,SAT>"))
        .unary(new Op.Relu(), t("ufixed<8,3,RND_MIN_INF,SAT>"))
        .dense(4, t("fixed<7,1>"), t("fixed<7,1>"), t("fixed<10,3,RND_CONV,WRAP>"))
        .unary(new Op.Sigmoid(null), t("fixed<10,1,RND,SAT>"))
        .build();
    check(g, VerilogOptions.defaults().withPipelineDepth(2), tmp.resolve("a"), 400);
  }

  @Test
  void convolutionsTablesAndSoftmax() throws Exception {
    Graph g = new RtlGraphs("conv_tables", t("fixed<8,3>"), 12, 2, 5, 5)
        .conv(3, new long[] {3, 3}, t("fixed<6,1>"), t("fixed<8,3>"), t("fixed<10,5,RND,SAT>"))
        .unary(new Op.Relu(), t("fixed<9,4>"))
        .reshape(t("fixed<9,4>"), 75)
        .dense(8, t("fixed<6,1>"), t("fixed<8,3>"), t("fixed<10,4,RND_CONV,SAT>"))
        .unary(new Op.Tanh(null), t("fixed<9,2,RND,SAT>"))
        .dense(6, t("fixed<8,2>"), t("fixed<8,2>"), t("fixed<10,5>"))
        .unary(new Op.Softmax(1, SoftmaxMode.STABLE, null, null), t("ufixed<10,1,RND,SAT>"))
        .build();
    check(g, VerilogOptions.defaults(), tmp.resolve("b"), 400);
  }

  @Test
  void conv1dTransposeExpLatencySoftmaxGenericMultipliers() throws Exception {
    Graph g = new RtlGraphs("conv1d_generic", t("fixed<8,3>"), 13, 6, 3)
        .transpose(t("fixed<8,3>"))
        .conv(2, new long[] {3}, t("fixed<7,1>"), t("fixed<8,2>"), t("fixed<9,3,RND,SAT>"))
        .reshape(t("fixed<9,3>"), 12)
        .dense(5, t("fixed<7,1>"), t("fixed<8,2>"), t("fixed<8,2,TRN,SAT>"))
        .unary(new Op.Exp(null), t("ufixed<12,6,RND,SAT>"))
        .dense(4, t("fixed<6,0>"), t("fixed<8,2>"), t("fixed<9,4>"))
        .unary(new Op.Softmax(1, SoftmaxMode.LATENCY, null, null), t("ufixed<9,1,RND,SAT>"))
        .build();
    check(g, VerilogOptions.defaults().withMultipliers(VerilogOptions.Multipliers.GENERIC), tmp.resolve("c"), 300);
  }

  @Test
  void argmaxSoftmaxAndArgmaxOutput() throws Exception {
    Graph g = new RtlGraphs("argmax", t("fixed<8,3>"), 14, 10)
        .dense(7, t("fixed<4,1>"), t("fixed<6,2>"), t("fixed<5,2,RND,SAT>"))
        .unary(new Op.Softmax(1, SoftmaxMode.ARGMAX, null, null), t("ufixed<2,1>"))
        .dense(5, t("fixed<5,2>"), t("fixed<5,2>"), t("fixed<4,3>"))
        .build();
    RtlVerifier.Result r = check(g, VerilogOptions.defaults().withArgmax(true).withTop("argmax_top"),
        tmp.resolve("d"), 400);
    assertEquals(400, r.vectors());
  }
}
