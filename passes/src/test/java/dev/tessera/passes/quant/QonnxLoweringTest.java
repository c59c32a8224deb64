package dev.tessera.passes.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.DType;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphVerifier;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.quant.search.CalibrationSet;
import dev.tessera.passes.quant.search.PrecisionSearch;
import dev.tessera.passes.quant.search.SearchOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * BipolarQuant, Trunc (every rounding mode, v1 and v2) and per-channel QDQ: the lowered graph has no quantizer
 * without an exact type, its float values equal the spec formulas written out here (qonnx's reference
 * implementations and the ONNX QuantizeLinear/DequantizeLinear definitions; ONNX Runtime's python package is not
 * installed on the development machine, and Runtime runs no QONNX op), and the fixed-point interpreter on the exact
 * types equals them bit for bit.
 */
class QonnxLoweringTest {

  private static final int C = 4;

  private static TensorType f(long... s) {
    return new TensorType(DType.FLOAT, Shape.batched(s));
  }

  private static Tensor scalar(double v) {
    return Tensor.ofFloats(new long[0], v);
  }

  /** The exact fixed-point graph (exact mode) and its outputs on x. */
  private static double[] fixed(Graph lowered, NdArray x) {
    Graph q = PrecisionSearch.run(lowered, CalibrationSet.of(Map.of("x", x)), SearchOptions.defaults()
        .withExact(true).withProbes(0).withMaxWidth(24), s -> { }).quantized();
    FixedInterpreter fi = new FixedInterpreter(q);
    return fi.runAll(fi.quantizeInputs(Map.of("x", x))).get("y").toNdArray().data();
  }

  private static double[] floats(Graph g, NdArray x) {
    assertTrue(GraphVerifier.violations(g).isEmpty(), () -> GraphVerifier.violations(g).toString());
    return new FloatInterpreter(g).run(Map.of("x", x)).get("y").data();
  }

  private static List<String> kinds(Graph g) {
    return g.nodes().stream().map(n -> n.op().kind()).toList();
  }

  private static boolean quantizersAreExact(Graph g) {
    return g.nodes().stream().noneMatch(n -> n.op() instanceof Op.BipolarQuant || n.op() instanceof Op.Trunc
        || n.op() instanceof Op.QuantizeLinear || n.op() instanceof Op.DequantizeLinear);
  }

  // ------------------------------------------------------------------------------------------------ BipolarQuant

  @Test
  void bipolarQuantIsExactForEveryRealIncludingZeroAndTinyNegatives() {
    Graph.Builder b = Graph.builder("bipolar");
    b.input("x", f(C));
    b.constant("s", Tensor.ofFloats(new long[] {C}, 0.25, 1, 3, 2));
    b.node(new Node("bq", new Op.BipolarQuant(), List.of("x", "s"), List.of("y")), f(C));
    b.output("y");
    Graph in = b.build();
    Graph out = new LowerQuantizers().run(in, PassContext.create());
    assertEquals(List.of("Quant", "Quant", "Mul", "Add"), kinds(out));
    assertTrue(quantizersAreExact(out));
    double[] special = {0.0, -0.0, -Double.MIN_VALUE, Double.MIN_VALUE, -1e-300, 1e300, -1e300, -0.5, 0.5, -1, 1,
        -2, 2, -2.5, 7.75, -1e-17};
    double[] v = new double[special.length * C];
    for (int i = 0; i < v.length; i++) {
      v[i] = special[i / C];
    }
    NdArray x = new NdArray(new long[] {special.length, C}, v);
    double[] s = {0.25, 1, 3, 2};
    double[] want = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      want[i] = (v[i] >= 0 ? 1 : -1) * s[i % C]; // qonnx binary_quant
    }
    assertArrayEquals(want, floats(in, x), 0.0, "the float interpreter is the QONNX formula");
    assertArrayEquals(want, floats(out, x), 0.0, "lowered, in float");
    // in fixed point on a grid: every value representable, so exact
    NdArray grid = gridSamples(400, C, 8, 12, 7);
    double[] g = grid.data();
    double[] wantGrid = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      wantGrid[i] = (g[i] >= 0 ? 1 : -1) * s[i % C];
    }
    assertArrayEquals(wantGrid, fixed(out, grid), 0.0, "lowered, in fixed point");
  }

  /** Random values on the 2^-frac grid in (-range, range), a quarter of them exactly 0. */
  private static NdArray gridSamples(int n, int c, double range, int frac, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n * c];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(4) == 0 ? 0 : Math.scalb(Math.rint(Math.scalb((r.nextDouble() * 2 - 1) * range, frac)), -frac);
    }
    return new NdArray(new long[] {n, c}, v);
  }

  // ------------------------------------------------------------------------------------------------ BN + sign

  @Test
  void aBatchNormBetweenABinaryDenseAndASignBecomesAnIntegerThreshold() {
    int in = 6;
    int out = 5;
    Random r = new Random(3);
    Graph.Builder b = Graph.builder("bn_sign");
    b.input("x", f(in));
    b.constant("one", scalar(1));
    b.node(new Node("sign_in", new Op.BipolarQuant(), List.of("x", "one"), List.of("a")), f(in));
    double[] w = new double[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextBoolean() ? 1 : -1;
    }
    b.constant("w", Tensor.ofFloats(new long[] {in, out}, w));
    b.constant("bias", Tensor.ofFloats(new long[] {out}, 0, 1, -2, 0, 3));
    b.node(new Node("dense", new Op.Dense(null), List.of("a", "w", "bias"), List.of("d")), f(out));
    // gamma < 0 in channel 1 (a falling threshold), a mean far outside the reach in channel 3 (a constant sign),
    // a threshold exactly on an integer in channel 0 (BN(2) = 0)
    b.constant("gamma", Tensor.ofFloats(new long[] {out}, 0.5, -1.25, 0.75, 2, 0.1));
    b.constant("beta", Tensor.ofFloats(new long[] {out}, 0, 0.3, -0.2, 0.1, 0.05));
    b.constant("mean", Tensor.ofFloats(new long[] {out}, 2, -1, 0.7, 40, -3.3));
    b.constant("var", Tensor.ofFloats(new long[] {out}, 1, 0.5, 2, 1, 0.2));
    b.node(new Node("bn", new Op.BatchNorm(0), List.of("d", "gamma", "beta", "mean", "var"), List.of("e")), f(out));
    b.node(new Node("sign_out", new Op.BipolarQuant(), List.of("e", "one"), List.of("y")), f(out));
    b.output("y");
    Graph g = b.build();
    Graph folded = new FoldSignThreshold().run(g, PassContext.create());
    assertEquals(List.of("BipolarQuant", "Dense", "BipolarQuant"), kinds(folded));
    for (double v : folded.constant(folded.node("dense").input(2)).values()) {
      assertEquals(Math.rint(v), v, "integer thresholds");
    }
    NdArray x = gridSamples(3000, in, 1, 4, 9);
    double[] want = floats(g, x);
    assertArrayEquals(want, floats(folded, x), 0.0);
    Graph lowered = new LowerQuantizers().run(folded, PassContext.create());
    assertArrayEquals(want, fixed(lowered, x), 0.0);
    long positives = java.util.Arrays.stream(want).filter(v -> v > 0).count();
    assertTrue(positives > 0 && positives < want.length);
  }

  // ------------------------------------------------------------------------------------------------ Trunc

  /** One Trunc configuration: v1 when outScale is NaN. */
  record TruncCase(String mode, double s, double z, int inBits, int outBits, double outScale, boolean signed,
      boolean narrow) {
    boolean v1() {
      return Double.isNaN(outScale);
    }

    /** qonnx's trunc (v1 or v2), step by step. */
    double spec(double x) {
      double y = Math.rint(x / s + z);
      if (v1()) {
        y = y / Math.pow(2, inBits - outBits);
        y = round(y);
        return (y - z) * s;
      }
      double ts = Math.pow(2, Math.rint(Math.log(outScale / s) / Math.log(2)));
      y = y / ts;
      double lo = !signed ? 0 : narrow ? -Math.pow(2, outBits - 1) + 1 : -Math.pow(2, outBits - 1);
      double hi = !signed ? (narrow ? Math.pow(2, outBits) - 2 : Math.pow(2, outBits) - 1)
          : Math.pow(2, outBits - 1) - 1;
      y = Math.max(lo, Math.min(hi, y));
      y = round(y);
      return (y - z / ts) * outScale;
    }

    private double round(double y) {
      return switch (mode) {
        case "ROUND" -> Math.rint(y);
        case "CEIL" -> Math.ceil(y);
        case "FLOOR" -> Math.floor(y);
        case "ROUND_TO_ZERO" -> y < 0 ? Math.ceil(y) : Math.floor(y);
        case "HALF_UP" -> Math.signum(y) * Math.floor(Math.abs(y) + 0.5);
        case "HALF_DOWN" -> Math.signum(y) * Math.ceil(Math.abs(y) - 0.5);
        default -> throw new IllegalArgumentException(mode);
      };
    }
  }

  static List<Arguments> truncCases() {
    List<Arguments> out = new ArrayList<>();
    for (String m : List.of("ROUND", "CEIL", "FLOOR", "ROUND_TO_ZERO", "HALF_UP", "HALF_DOWN")) {
      out.add(Arguments.of(new TruncCase(m, 0.125, 0, 8, 4, Double.NaN, true, false)));
      out.add(Arguments.of(new TruncCase(m, 0.5, 3, 10, 6, Double.NaN, true, false)));
      out.add(Arguments.of(new TruncCase(m, 0.25, 0, 8, 5, 2.0, true, false)));
      out.add(Arguments.of(new TruncCase(m, 0.25, 0, 8, 4, 1.0, false, false)));
      out.add(Arguments.of(new TruncCase(m, 0.0625, 2, 9, 4, 0.5, true, true)));
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("truncCases")
  void truncIsTheQonnxFormulaInFloatAndFixedPoint(TruncCase t) {
    Graph.Builder b = Graph.builder("trunc");
    b.input("x", f(C));
    b.constant("s", scalar(t.s()));
    b.constant("z", scalar(t.z()));
    b.constant("ib", scalar(t.inBits()));
    b.constant("ob", scalar(t.outBits()));
    List<String> ins = new ArrayList<>(List.of("x", "s", "z", "ib"));
    if (!t.v1()) {
      b.constant("os", scalar(t.outScale()));
      b.constant("oz", scalar(0));
      ins.addAll(List.of("os", "oz"));
    }
    ins.add("ob");
    b.node(new Node("trunc", new Op.Trunc(t.mode(), t.signed(), t.narrow()), ins, List.of("y")), f(C));
    b.output("y");
    Graph in = b.build();
    PassContext ctx = PassContext.create();
    Graph out = new LowerQuantizers().run(in, ctx);
    assertTrue(quantizersAreExact(out), () -> kinds(out) + " " + ctx.warnings());
    // every input integer of the input bit width (signed range), then values between the grid points
    int lo = -(1 << (t.inBits() - 1));
    int hi = (1 << (t.inBits() - 1)) - 1;
    List<Double> xs = new ArrayList<>();
    for (int k = lo; k <= hi; k++) {
      xs.add((k - t.z()) * t.s());
      xs.add((k - t.z() + 0.25) * t.s());
    }
    while (xs.size() % C != 0) {
      xs.add(0.0);
    }
    double[] v = xs.stream().mapToDouble(Double::doubleValue).toArray();
    NdArray x = new NdArray(new long[] {v.length / C, C}, v);
    double[] want = new double[v.length];
    DoubleUnaryOperator spec = t::spec;
    for (int i = 0; i < v.length; i++) {
      want[i] = spec.applyAsDouble(v[i]);
    }
    assertArrayEquals(want, floats(in, x), 0.0, "the float interpreter is the QONNX formula");
    assertArrayEquals(want, floats(out, x), 0.0, "lowered, in float");
    assertArrayEquals(want, fixed(out, x), 0.0, "lowered, in fixed point");
  }

  // ------------------------------------------------------------------------------------------------ per-channel QDQ

  /** x [N, 3, 2] -> QuantizeLinear(s, z, axis 1) -> DequantizeLinear(s, z, axis 1) -> y. */
  private static Graph perChannel(double[] s, double[] z, DType to) {
    Graph.Builder b = Graph.builder("qdq_axis");
    b.input("x", f(3, 2));
    b.constant("s", Tensor.ofFloats(new long[] {3}, s));
    b.constant("z", Tensor.ofValues(to, new long[] {3}, z));
    b.node(new Node("q", new Op.QuantizeLinear(1, to, true), List.of("x", "s", "z"), List.of("qi")),
        new TensorType(to, Shape.batched(3, 2)));
    b.node(new Node("dq", new Op.DequantizeLinear(1), List.of("qi", "s", "z"), List.of("y")), f(3, 2));
    b.output("y");
    return b.build();
  }

  /** ONNX QuantizeLinear then DequantizeLinear of one value. */
  private static double qdq(double x, double s, double z, double lo, double hi) {
    double q = Math.min(hi, Math.max(lo, Math.rint(x / s) + z));
    return (q - z) * s;
  }

  private static double[] qdqSpec(NdArray x, double[] s, double[] z, double lo, double hi) {
    double[] v = x.data();
    double[] y = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      int c = (i / 2) % 3;
      y[i] = qdq(v[i], s[c], z[c], lo, hi);
    }
    return y;
  }

  @ParameterizedTest
  @ValueSource(strings = {"INT8", "UINT8"})
  void perChannelPowerOfTwoScalesAreExactInFloatAndFixedPoint(String type) {
    DType to = DType.valueOf(type);
    double[] s = {0.25, 0.03125, 2};
    double[] z = to == DType.INT8 ? new double[3] : new double[] {0, 0, 0};
    Graph in = perChannel(s, z, to);
    Graph out = new LowerQuantizers().run(in, PassContext.create());
    assertTrue(quantizersAreExact(out), kinds(out)::toString);
    assertEquals(List.of("Mul", "Quant", "Mul"), kinds(out));
    NdArray x = gridSamples(500, 6, 300, 8, 4);
    x = new NdArray(new long[] {500, 3, 2}, x.data());
    double lo = to == DType.INT8 ? -128 : 0;
    double hi = to == DType.INT8 ? 127 : 255;
    double[] want = qdqSpec(x, s, z, lo, hi);
    assertArrayEquals(want, floats(in, x), 0.0, "the float interpreter is the ONNX formula");
    assertArrayEquals(want, floats(out, x), 0.0, "lowered, in float");
    assertArrayEquals(want, fixed(out, x), 0.0, "lowered, in fixed point");
  }

  @Test
  void perChannelScalesAndZeroPointsBecomeConstantMultipliesPerChannel() {
    double[] s = {0.1, 0.03125, 0.3};
    double[] z = {3, 0, 200};
    Graph in = perChannel(s, z, DType.UINT8);
    Graph out = new LowerQuantizers().run(in, PassContext.create());
    assertEquals(List.of("Mul", "Add", "Quant", "Sub", "Mul"), kinds(out));
    Tensor inv = out.constant(out.nodes().get(0).input(1));
    assertArrayEquals(new long[] {3, 1}, inv.shape(), "one constant per channel, broadcast along axis 1");
    NdArray x = new NdArray(new long[] {500, 3, 2}, gridSamples(500, 6, 40, 10, 5).data());
    double[] want = qdqSpec(x, s, z, 0, 255);
    double[] got = floats(out, x);
    // x * (1/s) against x / s: equal except where the double rounding of the reciprocal crosses a rounding tie
    int same = 0;
    for (int i = 0; i < want.length; i++) {
      same += want[i] == got[i] ? 1 : 0;
      assertEquals(want[i], got[i], s[(i / 2) % 3] * 1.000001, "at most one step apart");
    }
    assertTrue(same >= want.length * 0.99, same + " of " + want.length);
    // the integer Quant is exact; the multiplies are quantized constants (dyadic requantization)
    double[] fx = fixed(out, x);
    int agree = 0;
    for (int i = 0; i < want.length; i++) {
      agree += Math.abs(fx[i] - got[i]) <= 1e-3 * Math.max(1, Math.abs(got[i])) ? 1 : 0;
    }
    assertTrue(agree >= want.length * 0.99, agree + " of " + want.length + " fixed-point values near the float ones");
  }
}
