package dev.tessera.passes.quant;

import static dev.tessera.passes.FloatGraphs.f;
import static dev.tessera.passes.FloatGraphs.floats;
import static dev.tessera.passes.FloatGraphs.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphVerifier;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.FixedConstants;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.interp.Tables;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.ir.op.TableSpec;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.config.ConfigException;
import dev.tessera.passes.config.LayerConfig;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.config.Strategy;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ApplyPrecisionTest {

  private static final FixedType F16 = FixedType.parse("fixed<16,6>");

  /** x [N,3] -> Dense (W, b exact in 10 fraction bits) -> Relu -> Softmax. */
  private static Graph mlp() {
    return Graph.builder("mlp").input("x", f(Shape.batched(3)))
        .constant("W", floats(new long[] {3, 2}, 1, -0.5, 0.25, 2, -1, 0))
        .constant("b", floats(new long[] {2}, 0.5, -1))
        .node(node("fc", new Op.Dense(null), List.of("x", "W", "b"), "h"), f(Shape.batched(2)))
        .node(node("relu", new Op.Relu(), List.of("h"), "r"), f(Shape.batched(2)))
        .node(node("soft", new Op.Softmax(1, SoftmaxMode.STABLE, null, null), List.of("r"), "y"), f(Shape.batched(2)))
        .output("y").build();
  }

  private static NdArray grid(int n, int features, long seed) {
    Random rnd = new Random(seed);
    double[] v = new double[n * features];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.scalb(Math.floor(Math.scalb(rnd.nextDouble() * 8 - 4, 10)), -10);
    }
    return new NdArray(new long[] {n, features}, v);
  }

  @Test
  void everyTensorGetsAFixedTypeAndConstantsBecomeRawIntegers() {
    PassContext ctx = PassContext.create();
    Graph q = new ApplyPrecision(PrecisionConfig.uniform(F16)).run(mlp(), ctx);
    GraphVerifier.verify(q);
    for (var e : q.types().entrySet()) {
      assertTrue(e.getValue().elementType() instanceof FixedType, e.getKey() + " is " + e.getValue());
    }
    Node fc = q.node("fc");
    assertArrayEquals(new long[] {1024, -512, 256, 2048, -1024, 0}, q.constant(fc.input(1)).raw());
    assertArrayEquals(new long[] {512, -1024}, q.constant(fc.input(2)).raw());
    // bound (20 fraction bits): max(2304 * 2^15 + 512 * 2^10, 2560 * 2^15 + 1024 * 2^10) = 84934656 < 2^27
    assertEquals(FixedType.parse("fixed<28,8>"), ((Op.Dense) fc.op()).accum());
    Op.Softmax s = (Op.Softmax) q.node("soft").op();
    assertEquals(new TableSpec(1024, -64.0, 6, FixedConstants.TABLE_TYPE), s.expTable());
    assertEquals(new TableSpec(1024, 0.0, 1, FixedConstants.TABLE_TYPE), s.invTable());
    assertEquals("1", q.metadata().get("hls.reuse_factor.fc"));
    assertEquals("Latency", q.metadata().get("hls.strategy.fc"));
    assertEquals(List.of(), ctx.warnings());
  }

  @Test
  void theFixedGraphFollowsTheFloatGraphWithinQuantizationError() {
    Graph g = mlp();
    Graph q = new ApplyPrecision(PrecisionConfig.uniform(F16)).run(g, PassContext.create());
    NdArray x = grid(500, 3, 1);
    NdArray want = new FloatInterpreter(g).run(Map.of("x", x)).get("y");
    NdArray got = new FixedInterpreter(q).run(Map.of("x", x)).get("y").toNdArray();
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.data()[i], got.data()[i], 0.02, "element " + i);
    }
  }

  @Test
  void layerSettingsOverrideTheModel() {
    LayerConfig fc = LayerConfig.EMPTY.withWeight(FixedType.parse("fixed<8,3>"))
        .withBias(FixedType.parse("fixed<10,4>")).withResult(FixedType.parse("fixed<12,5>"))
        .withAccum(FixedType.parse("fixed<20,8>"))
        .overriddenBy(new LayerConfig(null, null, null, null, null, null, null, null, 4, Strategy.RESOURCE));
    PrecisionConfig cfg = PrecisionConfig.uniform(F16).withLayer("fc", fc)
        .withLayer("relu", LayerConfig.EMPTY.withResult(FixedType.parse("ufixed<8,4>")))
        .withLayer("soft", LayerConfig.EMPTY.withSoftmaxMode(SoftmaxMode.ARGMAX))
        .withInput("x", FixedType.parse("fixed<10,4>"));
    Graph q = new ApplyPrecision(cfg).run(mlp(), PassContext.create());
    Node n = q.node("fc");
    assertEquals(FixedType.parse("fixed<10,4>"), q.type("x").elementType());
    assertEquals(FixedType.parse("fixed<8,3>"), q.constant(n.input(1)).type());
    assertEquals(FixedType.parse("fixed<10,4>"), q.constant(n.input(2)).type());
    assertEquals(FixedType.parse("fixed<20,8>"), ((Op.Dense) n.op()).accum());
    assertEquals(FixedType.parse("fixed<12,5>"), q.type("h").elementType());
    assertEquals(FixedType.parse("ufixed<8,4>"), q.type("r").elementType());
    Op.Softmax s = (Op.Softmax) q.node("soft").op();
    assertEquals(SoftmaxMode.ARGMAX, s.mode());
    assertNull(s.expTable());
    assertEquals("4", q.metadata().get("hls.reuse_factor.fc"));
    assertEquals("Resource", q.metadata().get("hls.strategy.fc"));
    new FixedInterpreter(q).run(Map.of("x", grid(4, 3, 2)));
  }

  @Test
  void unknownLayerAndInputNamesListTheValidOnes() {
    PrecisionConfig cfg = PrecisionConfig.uniform(F16).withLayer("fc9", LayerConfig.EMPTY);
    ConfigException e = assertThrows(ConfigException.class,
        () -> new ApplyPrecision(cfg).run(mlp(), PassContext.create()));
    assertEquals("LayerName: unknown layer 'fc9'; valid layers: fc, relu, soft", e.getMessage());
    PrecisionConfig in = PrecisionConfig.uniform(F16).withInput("input_1", F16);
    ConfigException e2 = assertThrows(ConfigException.class,
        () -> new ApplyPrecision(in).run(mlp(), PassContext.create()));
    assertEquals("InputPrecision: unknown input 'input_1'; valid inputs: x", e2.getMessage());
  }

  @Test
  void anUnfoldedBatchNormBecomesAnExactScaleAndShift() {
    Graph g = Graph.builder("bn").input("x", f(Shape.batched(2)))
        .constant("g", floats(new long[] {2}, 1.0, 2.0)).constant("b", floats(new long[] {2}, 0.5, -1))
        .constant("m", floats(new long[] {2}, 1.0, 0.0)).constant("v", floats(new long[] {2}, 3.0, 0.25))
        .node(node("bn", new Op.BatchNorm(1.0), List.of("x", "g", "b", "m", "v"), "y"), f(Shape.batched(2)))
        .output("y").build();
    Graph q = new ApplyPrecision(PrecisionConfig.uniform(F16)).run(g, PassContext.create());
    Node bn = q.node("bn");
    assertEquals(0.0, ((Op.BatchNorm) bn.op()).epsilon());
    // s = [1/2, 2/sqrt(1.25)], t = [0, -1]
    assertArrayEquals(new long[] {512, 1831}, q.constant(bn.input(1)).raw()); // 1831.8 floors to 1831
    assertArrayEquals(new long[] {0, -1024}, q.constant(bn.input(2)).raw());
    assertArrayEquals(new double[] {0, 0}, q.constant(bn.input(3)).values());
    assertArrayEquals(new double[] {1, 1}, q.constant(bn.input(4)).values());
    NdArray x = new NdArray(new long[] {1, 2}, new double[] {2.0, 0.5});
    FixedArray y = new FixedInterpreter(q).run(Map.of("x", x)).get("y");
    assertEquals(1.0, y.toNdArray().data()[0]); // 2 * 0.5 + 0
    long s1 = q.constant(bn.input(1)).raw()[1];
    assertEquals(Math.floorDiv(512 * s1, 1024) - 1024, y.raw()[1].longValueExact()); // 0.5 * s - 1
    // the float interpreter reads the rewritten node as the same BatchNorm with quantized s and t
    assertEquals(0.5 * s1 / 1024.0 - 1, new FloatInterpreter(q).run(Map.of("x", x)).get("y").data()[1], 1e-12);
  }

  @Test
  void aPowerOfTwoQuantBecomesAnIdentityWithItsExactType() {
    Graph g = Graph.builder("q").input("x", f(Shape.batched(4)))
        .constant("s", floats(new long[] {}, 0.0625)).constant("z", floats(new long[] {}, 0))
        .constant("bits", floats(new long[] {}, 6))
        .node(node("quant", new Op.Quant(true, false, "ROUND"), List.of("x", "s", "z", "bits"), "xq"),
            f(Shape.batched(4)))
        .node(node("relu", new Op.Relu(), List.of("xq"), "y"), f(Shape.batched(4)))
        .output("y").build();
    Graph q = new ApplyPrecision(PrecisionConfig.uniform(F16)).run(g, PassContext.create());
    assertTrue(q.node("quant").op() instanceof Op.Identity);
    assertEquals(List.of("x"), q.node("quant").inputs());
    assertEquals(FixedType.parse("fixed<6,2,RND_CONV,SAT>"), q.type("xq").elementType());
    NdArray x = grid(300, 4, 3);
    assertArrayEquals(new FloatInterpreter(g).run(Map.of("x", x)).get("y").data(),
        new FixedInterpreter(q).run(Map.of("x", x)).get("y").toNdArray().data());
  }

  @Test
  void aQuantWithoutAnExactTypeStaysAndWarns() {
    Graph g = Graph.builder("q").input("x", f(Shape.batched(4)))
        .constant("s", floats(new long[] {}, 0.1)).constant("z", floats(new long[] {}, 0))
        .constant("bits", floats(new long[] {}, 6))
        .node(node("quant", new Op.Quant(true, false, "ROUND"), List.of("x", "s", "z", "bits"), "y"),
            f(Shape.batched(4)))
        .output("y").build();
    PassContext ctx = PassContext.create();
    Graph q = new ApplyPrecision(PrecisionConfig.uniform(F16)).run(g, ctx);
    assertTrue(q.node("quant").op() instanceof Op.Quant);
    assertEquals(List.of("node 'quant' (Quant): no exact fixed-point type for this quantizer (the scale 0.1 is not "
        + "a power of two); it stays a Quant, which the fixed-point interpreter and the backends reject"),
        ctx.warnings());
  }

  @Test
  void weightsOutsideTheirTypeAreReported() {
    Graph g = Graph.builder("w").input("x", f(Shape.batched(2)))
        .constant("W", floats(new long[] {2, 1}, 40.5, -0.5))
        .node(node("fc", new Op.Dense(null), List.of("x", "W"), "y"), f(Shape.batched(1)))
        .output("y").build();
    PassContext ctx = PassContext.create();
    new ApplyPrecision(PrecisionConfig.uniform(F16)).run(g, ctx);
    assertEquals(List.of("node 'fc' (Dense): 1 of 2 weight values lie outside the range [-32.0, 31.9990234375] of "
        + "fixed<16,6> and wrap around (largest magnitude 40.5); widen Precision.weight"), ctx.warnings());
  }

  @Test
  void opsThatMoveValuesKeepTheirInputTypeAndTablesGetTheirSpecs() {
    Graph g = Graph.builder("m").input("x", f(Shape.batched(2, 2)))
        .node(node("flat", new Op.Reshape(), List.of("x"), "a"), f(Shape.batched(4)))
        .node(node("sig", new Op.Sigmoid(null), List.of("a"), "b"), f(Shape.batched(4)))
        .node(node("leaky", new Op.LeakyRelu(0.1, null), List.of("b"), "y"), f(Shape.batched(4)))
        .output("y").build();
    PrecisionConfig cfg = PrecisionConfig.uniform(F16).withInput("x", FixedType.parse("fixed<10,4>"))
        .withLayer("sig", LayerConfig.EMPTY.withTable(FixedType.parse("ufixed<10,0,RND,SAT>"), 256))
        .withLayer("flat", LayerConfig.EMPTY.withAccum(F16));
    PassContext ctx = PassContext.create();
    Graph q = new ApplyPrecision(cfg).run(g, ctx);
    assertEquals(FixedType.parse("fixed<10,4>"), q.type("a").elementType());
    assertEquals(F16, q.type("b").elementType());
    assertEquals(Tables.sigmoidSpec(256, FixedType.parse("ufixed<10,0,RND,SAT>")),
        ((Op.Sigmoid) q.node("sig").op()).table());
    assertEquals(FixedConstants.PARAM_TYPE, ((Op.LeakyRelu) q.node("leaky").op()).param());
    assertEquals(List.of("LayerName.flat: Precision.accum has no effect on a Reshape node"), ctx.warnings());
  }
}
