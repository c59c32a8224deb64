package dev.tessera.passes.quant.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.config.LayerConfig;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.quant.ApplyPrecision;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The overflow proof: exact on a single layer, sound on deeper graphs, honest about ops without a rule. */
class IntervalAnalysisTest {

  private static TensorType type(String t, long... sample) {
    return new TensorType(FixedType.parse(t), Shape.batched(sample));
  }

  /** y = x W + b, x in fixed<4,2> (raw -8..7, 2 fraction bits), W and b raw at 3 fraction bits. */
  private static Graph dense(String out) {
    Graph.Builder b = Graph.builder("dense");
    b.input("x", type("fixed<4,2>", 2));
    b.constant("w", Tensor.ofRaw(FixedType.parse("fixed<6,3>"), new long[] {2, 2}, new long[] {5, -3, -7, 2}));
    b.constant("b", Tensor.ofRaw(FixedType.parse("fixed<6,3>"), new long[] {2}, new long[] {4, -1}));
    b.node(new Node("d", new Op.Dense(null), List.of("x", "w", "b"), List.of("y")), type(out, 2));
    b.output("y");
    return b.build();
  }

  @Test
  void aDenseLayerGetsExactlyTheExtremesOfEveryInput() {
    Graph g = dense("fixed<20,15>"); // 5 fraction bits = 2 + 3: no rounding
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    long[][] w = {{5, -3}, {-7, 2}};
    long[] bias = {4 << 2, -1 << 2}; // bias at 3 fraction bits, aligned to 5
    for (long x0 = -8; x0 <= 7; x0++) {
      for (long x1 = -8; x1 <= 7; x1++) {
        for (int j = 0; j < 2; j++) {
          long v = x0 * w[0][j] + x1 * w[1][j] + bias[j];
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    IntervalAnalysis.TensorBounds b = IntervalAnalysis.analyze(g).get("d");
    assertEquals(BigInteger.valueOf(lo), b.lo());
    assertEquals(BigInteger.valueOf(hi), b.hi());
    assertTrue(b.fits());
    // first neuron: 7 * 5 + (-8) * (-7) + 16 = 107; -8 * 5 + 7 * (-7) + 16 = -73: 8 signed bits, 5 fractional
    assertEquals(107, hi);
    assertEquals(-73, lo);
    assertEquals(3, b.neededIntegerBits(true));
  }

  @Test
  void aNarrowResultIsReportedAsOverflowing() {
    IntervalAnalysis.TensorBounds b = IntervalAnalysis.analyze(dense("fixed<7,2>")).get("d");
    assertTrue(b.proven());
    assertFalse(b.fits(), "the Dense reaches " + b.maxValue() + ", beyond fixed<7,2>");
    assertEquals(3, b.neededIntegerBits(true));
  }

  /** Dense, Relu, BatchNorm, Dense, Softmax quantized by ApplyPrecision, then random inputs. */
  @Test
  void everyComputedValueLiesInsideItsBounds() {
    Random r = new Random(5);
    Graph.Builder b = Graph.builder("net");
    b.input("x", new TensorType(dev.tessera.ir.DType.FLOAT, Shape.batched(6)));
    b.constant("w1", Tensor.ofFloats(new long[] {6, 8}, gaussian(r, 48)));
    b.constant("b1", Tensor.ofFloats(new long[] {8}, gaussian(r, 8)));
    b.constant("g", Tensor.ofFloats(new long[] {8}, gaussian(r, 8)));
    b.constant("be", Tensor.ofFloats(new long[] {8}, gaussian(r, 8)));
    b.constant("m", Tensor.ofFloats(new long[] {8}, gaussian(r, 8)));
    b.constant("v", Tensor.ofFloats(new long[] {8}, 1, 2, 3, 1, 2, 3, 1, 2));
    b.constant("w2", Tensor.ofFloats(new long[] {8, 4}, gaussian(r, 32)));
    TensorType f8 = new TensorType(dev.tessera.ir.DType.FLOAT, Shape.batched(8));
    TensorType f4 = new TensorType(dev.tessera.ir.DType.FLOAT, Shape.batched(4));
    b.node(new Node("d1", new Op.Dense(null), List.of("x", "w1", "b1"), List.of("a")), f8);
    b.node(new Node("r", new Op.Relu(), List.of("a"), List.of("ra")), f8);
    b.node(new Node("bn", new Op.BatchNorm(1e-5), List.of("ra", "g", "be", "m", "v"), List.of("n")), f8);
    b.node(new Node("d2", new Op.Dense(null), List.of("n", "w2"), List.of("l")), f4);
    b.node(new Node("s", new Op.Softmax(1, SoftmaxMode.STABLE, null, null), List.of("l"), List.of("p")), f4);
    b.output("p");
    PrecisionConfig c = PrecisionConfig.uniform(FixedType.parse("fixed<40,20,RND,WRAP>"))
        .withInput("x", FixedType.parse("fixed<8,3>"))
        .withLayer("d1", LayerConfig.EMPTY.withWeight(FixedType.parse("fixed<8,2,RND,SAT>")));
    Graph q = new ApplyPrecision(c).run(b.build(), PassContext.create());
    Map<String, IntervalAnalysis.TensorBounds> bounds = IntervalAnalysis.analyze(q);
    FixedInterpreter fi = new FixedInterpreter(q);
    int n = 2000;
    BigInteger[] raw = new BigInteger[n * 6];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = BigInteger.valueOf(r.nextInt(256) - 128);
    }
    Map<String, FixedArray> all = fi.runAll(Map.of("x", new FixedArray(FixedType.parse("fixed<8,3>"),
        new long[] {n, 6}, raw)));
    for (Node node : q.nodes()) {
      IntervalAnalysis.TensorBounds tb = bounds.get(node.name());
      assertTrue(tb.fits(), node.name() + " fits its wide type");
      for (BigInteger v : all.get(node.output()).raw()) {
        assertTrue(v.compareTo(tb.lo()) >= 0 && v.compareTo(tb.hi()) <= 0,
            () -> node.name() + ": " + v + " outside [" + tb.lo() + ", " + tb.hi() + "]");
      }
    }
    // the softmax bound uses the tables: no probability above about 1
    assertTrue(bounds.get("s").maxValue() < 1.01, "softmax bound " + bounds.get("s").maxValue());
  }

  @Test
  void anOpWithoutARuleIsNotProven() {
    Graph.Builder b = Graph.builder("erf");
    b.input("x", type("fixed<8,3>", 2));
    b.node(new Node("e", new Op.Erf(), List.of("x"), List.of("y")), type("fixed<8,3>", 2));
    b.output("y");
    IntervalAnalysis.TensorBounds tb = IntervalAnalysis.analyze(b.build()).get("e");
    assertFalse(tb.proven());
    assertFalse(tb.fits());
  }

  private static double[] gaussian(Random r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian();
    }
    return v;
  }
}
