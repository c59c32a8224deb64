package dev.tessera.sim.rtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.verilog.VerilogBackend;
import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The I-BERT integer-only ops in RTL (i-exp, the integer softmax, i-GELU; ILayerNorm in RtlLayerNormTest): tiny
 * graphs at two input precisions and the jet tagger with {@code SoftmaxMode.INTEGER}, simulated under input gaps and
 * output back-pressure, bit for bit against the fixed-point interpreter, with the documented latency.
 */
class RtlIntegerOpsTest {

  @TempDir
  Path tmp;

  static FixedType t(String s) {
    return FixedType.parse(s);
  }

  @Test
  void integerExpAndSoftmaxAtTwoInputPrecisions() throws Exception {
    // fewer input fraction bits than k = 16 (aligned by a left shift, clamped far below 0), straight on the input
    // (3,000 random draws of the 1,024 values of fixed<10,4>) with the natural output types, so that no bit of the
    // kernels is dropped: i-exp ufixed<3k+3,1>, softmax (rows of 5) ufixed<Fo+1,1>
    Graph e = new RtlGraphs("iexp_exact", t("fixed<10,4>"), 21, 10)
        .unary(new Op.IExp(16), t("ufixed<51,1>"))
        .build();
    RtlLayersTest.check(e, VerilogOptions.defaults(), tmp.resolve("e"), 300);
    Graph s = new RtlGraphs("isoftmax_exact", t("fixed<10,4>"), 25, 2, 5)
        .unary(new Op.ISoftmax(-1, 16, 16), t("ufixed<17,1>"))
        .build();
    RtlLayersTest.check(s, VerilogOptions.defaults(), tmp.resolve("s"), 300);
    // more input fraction bits than k (aligned by a floor shift), other k and Fo, a chain through a dense layer
    Graph b = new RtlGraphs("iexp_fine", t("fixed<16,3>"), 22, 2, 5)
        .unary(new Op.ISoftmax(2, 12, 10), t("ufixed<11,1>"))
        .reshape(t("ufixed<11,1>"), 10)
        .dense(5, t("fixed<8,3>"), t("fixed<12,2>"), t("fixed<26,5,RND,SAT>"))
        .unary(new Op.IExp(12), t("ufixed<39,1>"))
        .build();
    RtlLayersTest.check(b, VerilogOptions.defaults(), tmp.resolve("b"), 300);
    // narrowed outputs (Q_Ty with rounding and saturation) in a chain
    Graph a = new RtlGraphs("iexp_chain", t("fixed<10,4>"), 21, 10)
        .unary(new Op.IExp(16), t("ufixed<12,1,RND,SAT>"))
        .dense(10, t("fixed<8,2>"), t("fixed<10,4>"), t("fixed<10,5,RND,SAT>"))
        .reshape(t("fixed<10,5,RND,SAT>"), 2, 5)
        .unary(new Op.ISoftmax(-1, 16, 16), t("ufixed<12,1,RND,SAT>"))
        .build();
    RtlLayersTest.check(a, VerilogOptions.defaults(), tmp.resolve("a"), 300);
  }

  @Test
  void integerSoftmaxOverLongRowsSumsInPipelineStages() throws Exception {
    // rows of 20: the row sum has 5 adder levels, a register after 3 and after 5; latency Fo + 12 + 2 in the layer
    Graph s = new RtlGraphs("isoftmax_long", t("fixed<8,3>"), 26, 20)
        .unary(new Op.ISoftmax(-1, 10, 10), t("ufixed<11,1>"))
        .build();
    RtlLayersTest.check(s, VerilogOptions.defaults(), tmp.resolve("long"), 300);
    assertEquals(1 + 10 + 12 + 2 + 2, dev.tessera.backend.verilog.RtlProject.read(tmp.resolve("long")).latency());
  }

  @Test
  void integerGeluAtTwoInputPrecisions() throws Exception {
    // every value of fixed<10,3> (fewer fraction bits than k = 16), natural output fixed<W+k, I>
    Graph e = new RtlGraphs("igelu_exact", t("fixed<10,3>"), 23, 10)
        .unary(new Op.IGelu(16), t("fixed<26,3>"))
        .build();
    RtlLayersTest.check(e, VerilogOptions.defaults(), tmp.resolve("e"), 300);
    // a wide input with more fraction bits than k = 8, then k = 12 with its natural output
    Graph g = new RtlGraphs("igelu", t("fixed<10,3>"), 24, 10)
        .dense(6, t("fixed<8,2>"), t("fixed<10,4>"), t("fixed<20,4,RND,SAT>"))
        .unary(new Op.IGelu(8), t("fixed<16,4,RND_CONV,SAT>"))
        .unary(new Op.IGelu(12), t("fixed<28,4>"))
        .build();
    RtlLayersTest.check(g, VerilogOptions.defaults(), tmp.resolve("g"), 300);
  }

  @Test
  void jetTaggerWithIntegerSoftmax() throws Exception {
    RtlTestSupport.requireTool("verilator");
    Path model = Path.of("..", "examples", "physics-triggers", "jet-tagger", "jet_tagger.onnx");
    Assumptions.assumeTrue(Files.isRegularFile(model), "SKIPPED: " + model.toAbsolutePath() + " not found");
    PrecisionConfig pc = PrecisionConfig.uniform(t("fixed<16,6>"));
    pc = pc.withModel(pc.model().withSoftmaxMode(SoftmaxMode.INTEGER));
    Graph q = StandardPipelines.forHardware(pc).run(OnnxImporter.load(model), PassContext.create());
    boolean lowered = false;
    for (Node n : q.nodes()) {
      lowered |= n.op() instanceof Op.ISoftmax;
    }
    assertTrue(lowered, "the jet tagger's softmax is lowered to ISoftmax");
    Path out = tmp.resolve("jet");
    VerilogBackend.Result w = new VerilogBackend().write(q, VerilogOptions.defaults(), out);
    int vectors = Boolean.getBoolean("tessera.heavy") ? 10_000 : 300;
    RtlVerifier.Result r = RtlVerifier.verify(out, q, RtlVerifier.Options.defaults().withVectors(vectors));
    System.out.println("RtlIntegerOpsTest jet_tagger integer softmax: " + r.summary());
    assertTrue(r.lintClean(), r.lintMessages());
    assertEquals(0, r.mismatches(), String.join("\n", r.examples()));
    assertEquals(vectors, r.outputs());
    assertEquals(w.project().latency(), r.latencyMin());
    assertEquals(w.project().latency(), r.latencyMax());
    assertTrue(r.passed(), r.summary());
  }
}
