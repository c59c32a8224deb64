package dev.tessera.passes.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import dev.tessera.passes.config.PrecisionConfig;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** QDQ pairs, narrow ranges, general scales and divisions by constants, before and after, in float and fixed. */
class LowerQuantizersTest {

  private static final TensorType F4 = new TensorType(DType.FLOAT, Shape.batched(4));

  private static NdArray samples(int n, double scale, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n * 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.scalb(Math.rint(Math.scalb((r.nextDouble() * 2 - 1) * scale, 16)), -16); // exact in F = 16
    }
    return new NdArray(new long[] {n, 4}, v);
  }

  private static void sameFloat(Graph a, Graph b, NdArray x, double tol) {
    assertTrue(GraphVerifier.violations(b).isEmpty(), () -> GraphVerifier.violations(b).toString());
    double[] ya = new FloatInterpreter(a).run(Map.of("x", x)).get(a.outputs().get(0)).data();
    double[] yb = new FloatInterpreter(b).run(Map.of("x", x)).get(b.outputs().get(0)).data();
    assertArrayEquals(ya, yb, tol);
  }

  /** x -> QuantizeLinear(s, z) -> DequantizeLinear(s, z) -> Relu -> y. */
  private static Graph qdq(double s, double z, DType to) {
    Graph.Builder b = Graph.builder("qdq");
    b.input("x", F4);
    b.constant("s", Tensor.ofFloats(new long[0], s));
    b.constant("z", Tensor.ofValues(to, new long[0], new double[] {z}));
    b.node(new Node("q", new Op.QuantizeLinear(1, to, true), List.of("x", "s", "z"), List.of("qi")),
        new TensorType(to, Shape.batched(4)));
    b.node(new Node("dq", new Op.DequantizeLinear(1), List.of("qi", "s", "z"), List.of("d")), F4);
    b.node(new Node("r", new Op.Relu(), List.of("d"), List.of("y")), F4);
    b.output("y");
    return b.build();
  }

  @Test
  void aQdqPairBecomesOneQuantWithTheSameValuesAndAnExactType() {
    Graph in = qdq(0.125, 0, DType.INT8);
    Graph out = new LowerQuantizers().run(in, PassContext.create());
    assertEquals(List.of("Quant", "Relu"), out.nodes().stream().map(n -> n.op().kind()).toList());
    assertEquals("q", out.nodes().get(0).name());
    NdArray x = samples(500, 20, 1);
    sameFloat(in, out, x, 0.0);
    Graph q = new ApplyPrecision(PrecisionConfig.uniform(FixedType.parse("fixed<24,8>"))).run(out,
        PassContext.create());
    assertEquals(FixedType.parse("fixed<8,5,RND_CONV,SAT>"), q.type(q.nodes().get(0).output()).fixed());
    double[] fixed = new FixedInterpreter(q).run(Map.of("x", x)).get("y").toNdArray().data();
    assertArrayEquals(new FloatInterpreter(in).run(Map.of("x", x)).get("y").data(), fixed, 0.0);
  }

  @Test
  void anyOtherScaleOrZeroPointBecomesConstantMultipliesAroundAnIntegerQuant() {
    Graph in = qdq(0.1, 3, DType.UINT8);
    Graph out = new LowerQuantizers().run(in, PassContext.create());
    assertEquals(List.of("Mul", "Add", "Quant", "Sub", "Mul", "Relu"),
        out.nodes().stream().map(n -> n.op().kind()).toList());
    sameFloat(in, out, samples(500, 30, 2), 1e-12);
  }

  @Test
  void aNarrowQuantBecomesAFullQuantAndAClip() {
    Graph.Builder b = Graph.builder("narrow");
    b.input("x", F4);
    b.constant("s", Tensor.ofFloats(new long[0], 0.5));
    b.constant("z", Tensor.ofFloats(new long[0], 0));
    b.constant("w", Tensor.ofFloats(new long[0], 3));
    b.node(new Node("n", new Op.Quant(true, true, "ROUND"), List.of("x", "s", "z", "w"), List.of("y")), F4);
    b.output("y");
    Graph in = b.build();
    Graph out = new LowerQuantizers().run(in, PassContext.create());
    assertEquals(List.of("Quant", "Clip"), out.nodes().stream().map(n -> n.op().kind()).toList());
    Op.Clip c = (Op.Clip) out.node("n").op();
    assertEquals(-1.5, c.min());
    assertEquals(1.5, c.max());
    NdArray x = samples(500, 4, 3);
    sameFloat(in, out, x, 0.0);
    Graph q = new ApplyPrecision(PrecisionConfig.uniform(FixedType.parse("fixed<3,2,RND_CONV,SAT>"))
        .withInput("x", FixedType.parse("fixed<20,4>"))).run(out, PassContext.create());
    double[] fixed = new FixedInterpreter(q).run(Map.of("x", x)).get("y").toNdArray().data();
    assertArrayEquals(new FloatInterpreter(in).run(Map.of("x", x)).get("y").data(), fixed, 0.0);
  }

  @Test
  void aDivisionByAConstantBecomesAMultiplication() {
    Graph.Builder b = Graph.builder("div");
    b.input("x", F4);
    b.constant("c", Tensor.ofFloats(new long[0], 4.0));
    b.node(new Node("d", new Op.Binary(Op.BinaryKind.DIV), List.of("x", "c"), List.of("y")), F4);
    b.output("y");
    Graph in = b.build();
    Graph out = new LowerQuantizers().run(in, PassContext.create());
    assertEquals(Op.BinaryKind.MUL, ((Op.Binary) out.node("d").op()).fn());
    sameFloat(in, out, samples(100, 9, 4), 0.0);
  }

  @Test
  void aGraphWithoutQuantizersIsReturnedAsItIs() {
    Graph.Builder b = Graph.builder("plain");
    b.input("x", F4);
    b.node(new Node("r", new Op.Relu(), List.of("x"), List.of("y")), F4);
    b.output("y");
    Graph in = b.build();
    assertSame(in, new LowerQuantizers().run(in, PassContext.create()));
  }
}
