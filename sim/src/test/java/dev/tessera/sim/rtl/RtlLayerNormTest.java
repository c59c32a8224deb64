package dev.tessera.sim.rtl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import dev.tessera.backend.verilog.RtlProject;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The integer-only layer normalization (ILayerNorm) in RTL, simulated under input gaps and output back-pressure, bit
 * for bit against the fixed-point interpreter with the documented latency: row lengths 1, 3, 5, 6, 8, 9 and 15
 * (power of two or not, one and two sample axes), signed and unsigned inputs with fewer and more fraction bits, eps 0
 * and positive, the natural output type and a narrowed one. Narrow inputs ({@code fixed<3,2>}: rows of 3 equal values
 * about once in 64 rows) give rows of variance 0 and at the type's extremes; a Clip in front puts many values at its
 * bounds. A hand-built chain adds scale and bias (Mul, Add, Sub with constants on either side); with
 * {@code -Dtessera.heavy=true} the ezkl LayerNormalization model goes through the standard pipeline (ILayerNorm, then
 * Mul by the scale and Add of the bias).
 */
class RtlLayerNormTest {

  @TempDir
  Path tmp;

  static FixedType t(String s) {
    return FixedType.parse(s);
  }

  @Test
  void wideSignedInputRowOfEight() throws Exception {
    // F = 6 < Fo, eps = 1e-5 (e = 13): Ve has about 52 bits, Tb = 21, natural output fixed<20,4>
    Graph g = new RtlGraphs("iln_wide", t("fixed<10,4>"), 31, 8)
        .unary(new Op.ILayerNorm(-1, 1e-5, 16), t("fixed<20,4>"))
        .build();
    RtlLayersTest.check(g, VerilogOptions.defaults(), tmp.resolve("w"), 300);
  }

  @Test
  void narrowInputsWithConstantRowsAndExtremes() throws Exception {
    // fixed<3,2>: raw -4..3, 3 rows of 3 (not a power of two), eps = 0 so that constant rows (1 in 64) give Ve = 0;
    // then the 9 results as one row (two tree stages, more fraction bits than Fo = 8), eps = 0.5, narrowed output
    Graph g = new RtlGraphs("iln_narrow", t("fixed<3,2>"), 32, 3, 3)
        .unary(new Op.ILayerNorm(-1, 0.0, 12), t("fixed<15,3>"))
        .reshape(t("fixed<15,3>"), 9)
        .unary(new Op.ILayerNorm(-1, 0.5, 8), t("fixed<9,3,RND,SAT>"))
        .build();
    int vectors = 400;
    RtlLayersTest.check(g, VerilogOptions.defaults(), tmp.resolve("n"), vectors);
    // the vectors the verifier streamed hold constant rows (variance 0) and rows at the type's minimum and maximum
    RtlVerifier.Options o = RtlVerifier.Options.defaults();
    int constant = 0;
    int extreme = 0;
    for (BigInteger[] v : RtlVerifier.randomInputs(RtlProject.read(tmp.resolve("n")).input(), vectors, o.seed())) {
      for (int r = 0; r < 3; r++) {
        if (v[3 * r].equals(v[3 * r + 1]) && v[3 * r].equals(v[3 * r + 2])) {
          constant++;
          extreme += v[3 * r].intValueExact() == -4 || v[3 * r].intValueExact() == 3 ? 1 : 0;
        }
      }
    }
    assertTrue(constant >= 10 && extreme >= 2, constant + " constant rows, " + extreme + " at -4 or 3");
  }

  @Test
  void clippedInputsOverTwoAxesAndUnsignedRows() throws Exception {
    // a Clip in front: about 44 % of the values at each bound +-1 (the extremes of the layer's input range), one row
    // over the last two sample axes (3 x 5), then RND_CONV/SAT narrowing
    Graph c = new RtlGraphs("iln_clip", t("fixed<12,4>"), 33, 3, 5)
        .unary(new Op.Clip(-1.0, 1.0), t("fixed<12,4>"))
        .unary(new Op.ILayerNorm(-2, 0.0, 10), t("fixed<10,4,RND_CONV,SAT>"))
        .build();
    RtlLayersTest.check(c, VerilogOptions.defaults(), tmp.resolve("c"), 300);
    // unsigned input, rows of 5 with eps = 1e-3, then rows of 1 (always 0)
    Graph u = new RtlGraphs("iln_unsigned", t("ufixed<6,2>"), 34, 5)
        .unary(new Op.ILayerNorm(-1, 1e-3, 16), t("fixed<20,4>"))
        .reshape(t("fixed<20,4>"), 5, 1)
        .unary(new Op.ILayerNorm(-1, 0.25, 4), t("fixed<6,2>"))
        .build();
    RtlVerifier.Result r = RtlLayersTest.check(u, VerilogOptions.defaults(), tmp.resolve("u"), 200);
    assertTrue(r.passed());
  }

  @Test
  void ezklLayerNormModelWithScaleAndBias() throws Exception {
    // LayerNormalization over rows of 10 (10 rows), lowered to ILayerNorm, Mul (gamma) and Add (beta); ten row
    // pipelines of 125 stages take one to two minutes of Verilator build, so it runs with -Dtessera.heavy=true
    Assumptions.assumeTrue(Boolean.getBoolean("tessera.heavy"), "SKIPPED: ezkl layernorm model needs"
        + " -Dtessera.heavy=true");
    Path model = RtlModelsTest.sharedModels().resolve("zkonduit_ezkl/examples/onnx/layernorm/network.onnx");
    Graph q = RtlModelsTest.quantized(model, "fixed<10,4>");
    List<String> kinds = new ArrayList<>();
    for (Node n : q.nodes()) {
      kinds.add(n.op().kind());
    }
    assertTrue(kinds.contains("ILayerNorm") && kinds.contains("Mul") && kinds.contains("Add"), kinds.toString());
    RtlLayersTest.check(q, VerilogOptions.defaults(), tmp.resolve("ezkl"), 200);
  }

  @Test
  void scaleAndBiasWithConstantsOnEitherSide() throws Exception {
    // ILayerNorm over rows of 6, then gamma * y (constant first, broadcast over 2 rows), y + beta, 0.75 - y,
    // and y - c with a per-element constant; outputs narrowed with rounding and saturation
    Graph.Builder b = Graph.builder("iln_affine");
    b.input("x", new TensorType(t("fixed<8,3>"), Shape.batched(2, 6)));
    b.node(new Node("ln", new Op.ILayerNorm(-1, 1e-4, 12), List.of("x"), List.of("ln_y")),
        new TensorType(t("fixed<16,4>"), Shape.batched(2, 6)));
    b.constant("gamma", Tensor.ofRaw(t("fixed<8,2>"), new long[] {6}, new long[] {64, -37, 0, 127, -128, 5}));
    b.node(new Node("scale", new Op.Binary(Op.BinaryKind.MUL), List.of("gamma", "ln_y"), List.of("s_y")),
        new TensorType(t("fixed<14,5,RND,SAT>"), Shape.batched(2, 6)));
    b.constant("beta", Tensor.ofRaw(t("fixed<10,3>"), new long[] {1, 6}, new long[] {-512, 100, 0, 3, 511, -7}));
    b.node(new Node("shift", new Op.Binary(Op.BinaryKind.ADD), List.of("s_y", "beta"), List.of("a_y")),
        new TensorType(t("fixed<12,4,RND_CONV,SAT>"), Shape.batched(2, 6)));
    b.constant("c", Tensor.ofRaw(t("ufixed<4,0>"), new long[] {1}, new long[] {12}));
    b.node(new Node("flip", new Op.Binary(Op.BinaryKind.SUB), List.of("c", "a_y"), List.of("f_y")),
        new TensorType(t("fixed<12,4>"), Shape.batched(2, 6)));
    b.constant("d", Tensor.ofRaw(t("fixed<16,2>"), new long[] {2, 6}, new long[] {1, -2, 3, -4, 5, -6, 7, -8, 9,
        -10, 11, -12}));
    b.node(new Node("sub", new Op.Binary(Op.BinaryKind.SUB), List.of("f_y", "d"), List.of("d_y")),
        new TensorType(t("fixed<10,4,TRN_ZERO,SAT_SYM>"), Shape.batched(2, 6)));
    b.output("d_y");
    RtlLayersTest.check(b.build(), VerilogOptions.defaults(), tmp.resolve("affine"), 300);
  }
}
