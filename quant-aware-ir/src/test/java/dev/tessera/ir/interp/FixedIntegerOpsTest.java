package dev.tessera.ir.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.intops.IntExp;
import dev.tessera.ir.intops.IntGelu;
import dev.tessera.ir.intops.IntLayerNorm;
import dev.tessera.ir.intops.IntResult;
import dev.tessera.ir.intops.IntSoftmax;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The I-BERT ops in both interpreters: fixed point is the kernel then Q_Ty; float is the function approximated. */
class FixedIntegerOpsTest {

  private static final FixedType IN = FixedType.parse("fixed<16,6>");

  private static Graph graph(Op op, FixedType tx, FixedType ty, long... sample) {
    return FixedTestGraphs.graph(op, List.of(new TensorType(tx, Shape.batched(sample))), List.of(),
        new TensorType(ty, Shape.batched(sample)));
  }

  private static long[] randomRaw(FixedType t, int n, long seed) {
    Random r = new Random(seed);
    long lo = t.minRaw().longValueExact();
    long span = t.maxRaw().longValueExact() - lo + 1;
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + Math.floorMod(r.nextLong(), span);
    }
    return v;
  }

  private static long[] run(Graph g, FixedType tx, long[] raw, long... shape) {
    BigInteger[] b = new BigInteger[raw.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = BigInteger.valueOf(raw[i]);
    }
    FixedArray out = new FixedInterpreter(g).runRaw(Map.of("x0", new FixedArray(tx, shape, b))).get("y");
    long[] r = new long[out.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = out.raw()[i].longValueExact();
    }
    return r;
  }

  @Test
  void softmaxIsTheKernelRequantizedToTheResultType() {
    long[] raw = randomRaw(IN, 40 * 5, 1);
    IntSoftmax k = new IntSoftmax(16, 16);
    FixedType natural = k.outputType();
    Graph exact = graph(new Op.ISoftmax(1, 16, 16), IN, natural, 5);
    assertArrayEquals(k.apply(raw, IN, 5).raw(), run(exact, IN, raw, 40, 5));
    FixedType narrow = FixedType.parse("ufixed<8,1,RND_CONV,SAT>");
    Graph g = graph(new Op.ISoftmax(1, 16, 16), IN, narrow, 5);
    assertArrayEquals(k.apply(raw, IN, 5).requantize(narrow).raw(), run(g, IN, raw, 40, 5));
    // the float graph computes the softmax itself; the kernel is within its documented error
    NdArray x = FixedArray.quantize(IN, new NdArray(new long[] {40, 5}, values(IN, raw))).toNdArray();
    double[] f = new FloatInterpreter(exact).run(Map.of("x0", x)).get("y").data();
    IntResult r = k.apply(raw, IN, 5);
    for (int row = 0; row < 40; row++) {
      double sum = 0;
      for (int i = 0; i < 5; i++) {
        sum += f[row * 5 + i];
        assertEquals(f[row * 5 + i], r.toDoubles()[row * 5 + i], 1.4e-3);
      }
      assertEquals(1.0, sum, 1e-12);
    }
  }

  private static double[] values(FixedType t, long[] raw) {
    double[] d = new double[raw.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.toDouble(raw[i]);
    }
    return d;
  }

  @Test
  void softmaxMustRunAlongTheLastAxis() {
    Graph g = FixedTestGraphs.graph(new Op.ISoftmax(1, 16, 16), List.of(new TensorType(IN, Shape.of(2, 3, 4))),
        List.of(), new TensorType(new IntSoftmax(16, 16).outputType(), Shape.of(2, 3, 4)));
    TesseraException e = assertThrows(TesseraException.class, () -> run(g, IN, new long[24], 2, 3, 4));
    assertTrue(e.getMessage().contains("runs along the last axis (2), not axis 1"), e.getMessage());
  }

  @Test
  void expClampsPositiveInputsToZero() {
    IntExp k = new IntExp(12);
    Graph g = graph(new Op.IExp(12), IN, k.outputType(), 4);
    long[] raw = {-1000, -1, 0, 12345};
    long[] out = run(g, IN, raw, 1, 4);
    assertEquals(k.apply(-1000, IN), out[0]);
    assertEquals(k.apply(-1, IN), out[1]);
    assertEquals(k.apply(0, IN), out[2]);
    assertEquals(k.apply(0, IN), out[3]); // e^min(x, 0)
    double[] f = new FloatInterpreter(g).run(Map.of("x0", new NdArray(new long[] {1, 4}, new double[] {2.0, 0, 0, 0})))
        .get("y").data();
    assertEquals(Math.exp(2.0), f[0], 1e-12); // float semantics: e^x itself
  }

  @Test
  void geluIsTheKernelThenTheResultQuantization() {
    FixedType tx = FixedType.parse("fixed<12,4>");
    long[] raw = randomRaw(tx, 300, 7);
    IntGelu k = new IntGelu(10);
    FixedType ty = FixedType.parse("fixed<14,4,RND,SAT>");
    Graph g = graph(new Op.IGelu(10), tx, ty, 300);
    assertArrayEquals(k.apply(raw, tx).requantize(ty).raw(), run(g, tx, raw, 1, 300));
    double[] f = new FloatInterpreter(g).run(Map.of("x0", new NdArray(new long[] {1, 300}, values(tx, raw))))
        .get("y").data();
    double[] q = k.apply(raw, tx).toDoubles();
    for (int i = 0; i < f.length; i++) {
      assertEquals(f[i], q[i], 0.02); // I-BERT's erf polynomial: L-inf error 0.018 on [-4, 4]
    }
  }

  @Test
  void layerNormNormalizesRowsOverTheTrailingAxes() {
    FixedType tx = FixedType.parse("fixed<14,5>");
    long[] raw = randomRaw(tx, 6 * 2 * 4, 3);
    IntLayerNorm k = new IntLayerNorm(12, 1e-5);
    FixedType ty = k.outputType(8);
    Graph g = FixedTestGraphs.graph(new Op.ILayerNorm(1, 1e-5, 12), List.of(new TensorType(tx,
        Shape.batched(2, 4))), List.of(), new TensorType(ty, Shape.batched(2, 4)));
    assertArrayEquals(k.apply(raw, tx, 8).raw(), run(g, tx, raw, 6, 2, 4));
    double[] f = new FloatInterpreter(g).run(Map.of("x0", new NdArray(new long[] {6, 2, 4}, values(tx, raw))))
        .get("y").data();
    double[] q = k.apply(raw, tx, 8).toDoubles();
    for (int i = 0; i < f.length; i++) {
      assertEquals(f[i], q[i], Math.scalb(1.0, -12));
    }
  }

  @Test
  void aSoftmaxNodeInIntegerModeIsRejected() {
    Graph g = graph(new Op.Softmax(1, SoftmaxMode.INTEGER, null, null), IN, IN, 5);
    TesseraException e = assertThrows(TesseraException.class, () -> new FixedInterpreter(g));
    assertTrue(e.getMessage().contains("softmax mode integer is lowered to ISoftmax"), e.getMessage());
  }

  @Test
  void attributesAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new Op.IExp(3));
    assertThrows(IllegalArgumentException.class, () -> new Op.IGelu(21));
    assertThrows(IllegalArgumentException.class, () -> new Op.ISoftmax(1, 16, 0));
    assertThrows(IllegalArgumentException.class, () -> new Op.ILayerNorm(1, -1, 16));
  }
}
