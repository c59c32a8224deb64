package dev.tessera.ir.interp;

import static dev.tessera.ir.interp.FixedTestGraphs.raw;
import static dev.tessera.ir.interp.FixedTestGraphs.s;
import static dev.tessera.ir.interp.FixedTestGraphs.t;
import static dev.tessera.ir.interp.FixedTestGraphs.unary;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.DType;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The interpreter's API: float and raw inputs, every intermediate, batches, errors, and path equivalence. */
class FixedInterpreterTest {

  @Test
  void runQuantizesFloatInputsWithTheInputType() {
    Graph g = unary(new Op.Identity(), "fixed<8,4>", s(1, 3), "fixed<8,4>", s(1, 3));
    FixedArray y = new FixedInterpreter(g).run(Map.of("x0", new NdArray(s(1, 3), new double[] {0.3, -0.3, 100})))
        .get("y");
    assertArrayEquals(new BigInteger[] {BigInteger.valueOf(4), BigInteger.valueOf(-5), BigInteger.valueOf(64)},
        y.raw()); // TRN floors; 1600 wraps to 64 in 8 bits
    assertEquals(0.25, y.toNdArray().data()[0]);
  }

  @Test
  void runAllReturnsEveryTensor() {
    Graph.Builder b = Graph.builder("two");
    b.input("x", new TensorType(t("fixed<8,4>"), Shape.of(1, 2)));
    b.node(new Node("r", new Op.Relu(), List.of("x"), List.of("h")), new TensorType(t("fixed<8,4>"), Shape.of(1, 2)));
    b.node(new Node("i", new Op.Identity(), List.of("h"), List.of("y")),
        new TensorType(t("fixed<4,2,TRN,SAT>"), Shape.of(1, 2)));
    b.output("y");
    FixedInterpreter fi = new FixedInterpreter(b.build());
    Map<String, FixedArray> in = fi.quantizeInputs(Map.of("x", new NdArray(s(1, 2), new double[] {-1, 3})));
    Map<String, FixedArray> all = fi.runAll(in);
    assertEquals(List.of("x", "h", "y"), List.copyOf(all.keySet()));
    assertEquals(BigInteger.valueOf(48), all.get("h").raw()[1]);
    assertEquals(BigInteger.valueOf(7), all.get("y").raw()[1]);
    assertEquals(List.of("y"), List.copyOf(fi.runRaw(in).keySet()));
  }

  @Test
  void aSymbolicBatchTakesAnyNumberOfSamples() {
    Graph.Builder b = Graph.builder("batch");
    b.input("x", new TensorType(t("fixed<8,4>"), Shape.batched(2, 2)));
    b.constant("w", raw("fixed<8,4>", s(4, 1), 16, 16, 16, 16));
    b.node(new Node("flat", new Op.Reshape(), List.of("x"), List.of("f")),
        new TensorType(t("fixed<8,4>"), Shape.batched(4)));
    b.node(new Node("d", new Op.Dense(null), List.of("f", "w"), List.of("y")),
        new TensorType(t("fixed<8,4>"), Shape.batched(1)));
    b.output("y");
    FixedInterpreter fi = new FixedInterpreter(b.build());
    FixedArray y = fi.run(Map.of("x", new NdArray(s(3, 2, 2), new double[] {1, 1, 1, 1, 0, 0, 0, 0.5, -1, 0, 0,
        0}))).get("y");
    assertArrayEquals(s(3, 1), y.shape());
    assertArrayEquals(new BigInteger[] {BigInteger.valueOf(64), BigInteger.valueOf(8), BigInteger.valueOf(-16)},
        y.raw());
  }

  @Test
  void inputErrorsNameTheInput() {
    Graph g = unary(new Op.Identity(), "fixed<8,4>", s(1, 3), "fixed<8,4>", s(1, 3));
    FixedInterpreter fi = new FixedInterpreter(g);
    TesseraException missing = assertThrows(TesseraException.class, () -> fi.run(Map.of()));
    assertEquals("missing input 'x0'; the graph has inputs [x0]", missing.getMessage());
    TesseraException shape = assertThrows(TesseraException.class,
        () -> fi.run(Map.of("x0", new NdArray(s(1, 2), new double[2]))));
    assertEquals("input 'x0' has shape [1,2] but the graph expects [1,3]", shape.getMessage());
    FixedArray wrong = new FixedArray(t("fixed<8,3>"), s(1, 3), new BigInteger[] {BigInteger.ONE, BigInteger.ONE,
        BigInteger.ONE});
    TesseraException type = assertThrows(TesseraException.class, () -> fi.runRaw(Map.of("x0", wrong)));
    assertEquals("input 'x0' has type fixed<8,3> but the graph expects fixed<8,4>", type.getMessage());
    TesseraException nan = assertThrows(TesseraException.class,
        () -> fi.run(Map.of("x0", new NdArray(s(1, 3), new double[] {0, Double.NaN, 0}))));
    assertTrue(nan.getMessage().startsWith("input 'x0' element 1 is NaN"), nan.getMessage());
  }

  @Test
  void floatTensorsAreRejectedWithAHint() {
    Graph.Builder b = Graph.builder("float");
    b.input("x", new TensorType(DType.FLOAT, Shape.of(1, 2)));
    b.node(new Node("r", new Op.Relu(), List.of("x"), List.of("y")), new TensorType(DType.FLOAT, Shape.of(1, 2)));
    b.output("y");
    TesseraException e = assertThrows(TesseraException.class, () -> new FixedInterpreter(b.build()));
    assertTrue(e.getMessage().contains("2 tensors have none (first: 'x' is float[1,2]); run the precision pass"),
        e.getMessage());
  }

  @Test
  void opsWithoutFixedPointSemanticsAreRejectedByName() {
    for (Op op : List.of(new Op.Erf(), new Op.Sqrt(), new Op.ReduceMean(new int[] {1}, true),
        new Op.Cast(DType.FLOAT), new Op.Pad(s(0, 1), s(0, 1), Op.PadMode.REFLECT, 0))) {
      Graph g = unary(op, "fixed<8,4>", s(1, 2), "fixed<8,4>", s(1, 2));
      UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> new FixedInterpreter(g));
      assertTrue(e.getMessage().startsWith("node 'n' (" + op.kind() + "): no fixed-point semantics; "),
          e.getMessage());
    }
    Graph div = FixedTestGraphs.graph(new Op.Binary(Op.BinaryKind.DIV), List.of(
        new TensorType(t("fixed<8,4>"), Shape.of(2)), new TensorType(t("fixed<8,4>"), Shape.of(2))), List.of(),
        new TensorType(t("fixed<8,4>"), Shape.of(2)));
    assertThrows(UnsupportedOpException.class, () -> new FixedInterpreter(div));
  }

  @Test
  void aNonConstantWeightIsANodeError() {
    Graph g = FixedTestGraphs.graph(new Op.Dense(null), List.of(new TensorType(t("fixed<8,4>"), Shape.of(1, 2)),
        new TensorType(t("fixed<8,4>"), Shape.of(2, 2))), List.of(), new TensorType(t("fixed<8,4>"), Shape.of(1, 2)));
    TesseraException e = assertThrows(TesseraException.class, () -> new FixedInterpreter(g));
    assertEquals("node 'n' (Dense): the weight (input 1) must be a constant, 'x1' is not", e.getMessage());
  }

  /**
   * A small CNN with narrow, rounding and saturating types, a user accumulator and every op family: the long
   * paths and the BigInteger paths agree on random inputs.
   */
  @Test
  void longAndBigIntegerPathsAgreeOnARandomNetwork() {
    Random rnd = new Random(11);
    for (String accum : new String[] {null, "fixed<12,5,RND,SAT>", "fixed<10,4>"}) {
      Graph g = randomCnn(rnd, accum == null ? null : t(accum));
      FixedInterpreter fast = new FixedInterpreter(g);
      FixedInterpreter slow = new FixedInterpreter(g, true);
      double[] x = new double[8 * 2 * 6 * 6];
      for (int i = 0; i < x.length; i++) {
        x[i] = rnd.nextGaussian() * 3;
      }
      Map<String, NdArray> in = Map.of("x", new NdArray(s(8, 2, 6, 6), x));
      Map<String, FixedArray> a = fast.runAll(fast.quantizeInputs(in));
      Map<String, FixedArray> b = slow.runAll(slow.quantizeInputs(in));
      for (String k : a.keySet()) {
        assertArrayEquals(b.get(k).raw(), a.get(k).raw(), "tensor " + k + " with accumulator " + accum);
      }
    }
  }

  private static Graph randomCnn(Random rnd, FixedType accum) {
    Graph.Builder b = Graph.builder("cnn");
    b.input("x", new TensorType(t("fixed<10,3>"), Shape.batched(2, 6, 6)));
    b.constant("w1", randomRaw(rnd, "fixed<6,1,RND_CONV,SAT>", s(4, 2, 3, 3)));
    b.constant("b1", randomRaw(rnd, "fixed<8,3>", s(4)));
    b.node(new Node("conv", new Op.Conv(s(3, 3), s(1, 1), s(1, 1), s(1, 1), s(1, 1), 1, accum), List.of("x", "w1",
        "b1"), List.of("c")), new TensorType(t("fixed<12,5,RND_CONV,SAT>"), Shape.batched(4, 6, 6)));
    b.node(new Node("relu", new Op.Relu(), List.of("c"), List.of("r")),
        new TensorType(t("ufixed<8,3>"), Shape.batched(4, 6, 6)));
    b.node(new Node("pool", new Op.MaxPool(s(2, 2), s(2, 2), s(0, 0), s(0, 0), s(1, 1)), List.of("r"),
        List.of("p")), new TensorType(t("ufixed<8,3>"), Shape.batched(4, 3, 3)));
    b.node(new Node("avg", new Op.AveragePool(s(2, 2), s(1, 1), s(1, 1), s(0, 0), false), List.of("p"),
        List.of("a")), new TensorType(t("fixed<9,3,RND,WRAP>"), Shape.batched(4, 3, 3)));
    b.node(new Node("flat", new Op.Reshape(), List.of("a"), List.of("f")),
        new TensorType(t("fixed<9,3,RND,WRAP>"), Shape.batched(36)));
    b.constant("w2", randomRaw(rnd, "fixed<8,2>", s(36, 5)));
    b.constant("b2", randomRaw(rnd, "fixed<8,2>", s(5)));
    b.node(new Node("dense", new Op.Dense(accum), List.of("f", "w2", "b2"), List.of("d")),
        new TensorType(t("fixed<16,6>"), Shape.batched(5)));
    b.constant("k", randomRaw(rnd, "fixed<8,3>", s(5)));
    b.node(new Node("mul", new Op.Binary(Op.BinaryKind.MUL), List.of("d", "k"), List.of("m")),
        new TensorType(t("fixed<14,5,RND_INF,SAT_SYM>"), Shape.batched(5)));
    b.node(new Node("leaky", new Op.LeakyRelu(0.3, null), List.of("m"), List.of("l")),
        new TensorType(t("fixed<12,4,RND_ZERO,SAT>"), Shape.batched(5)));
    b.node(new Node("hs", new Op.HardSigmoid(0.2, 0.5, null), List.of("l"), List.of("h")),
        new TensorType(t("ufixed<10,1>"), Shape.batched(5)));
    b.node(new Node("elu", new Op.Selu(1.67, 1.05, null, null), List.of("m"), List.of("e")),
        new TensorType(t("fixed<16,6>"), Shape.batched(5)));
    b.node(new Node("sum", new Op.Binary(Op.BinaryKind.SUB), List.of("e", "h"), List.of("z")),
        new TensorType(t("fixed<16,6>"), Shape.batched(5)));
    b.node(new Node("soft", new Op.Softmax(1, SoftmaxMode.STABLE, null, null), List.of("z"), List.of("y")),
        new TensorType(t("ufixed<16,1,RND,SAT>"), Shape.batched(5)));
    b.output("y");
    return b.build();
  }

  private static Tensor randomRaw(Random rnd, String type, long[] shape) {
    FixedType ft = t(type);
    long[] r = new long[Math.toIntExact(Tensor.count(shape))];
    for (int i = 0; i < r.length; i++) {
      r[i] = ft.fromDouble(rnd.nextGaussian()).longValueExact();
    }
    return Tensor.ofRaw(ft, shape, r);
  }
}
