package dev.tessera.ir.grad;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.DType;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of the one-input elementwise ops and the broadcasting binary ops. */
class ElementwiseGradTest {

  private static final long[] SHAPE = {3, 4, 5};
  private static final double[] NO_KINKS = {};

  private static void unary(Op op, NdArray x) {
    TinyGraph t = new TinyGraph().input("x", x).node("n", op, List.of("x"), "y", x.rank()).output("y");
    double err = GradCheck.check(t.graph(), t.inputs(), List.of(), 7);
    assertTrue(err < GradCheck.TOLERANCE);
  }

  private static NdArray around(long seed, double lo, double hi, double... kinks) {
    return Rand.awayFrom(new Random(seed), lo, hi, 1e-3, kinks, SHAPE);
  }

  @Test
  void relu() {
    unary(new Op.Relu(), around(1, -2, 2, 0));
  }

  @Test
  void leakyRelu() {
    unary(new Op.LeakyRelu(0.3, null), around(2, -2, 2, 0));
  }

  @Test
  void clip() {
    unary(new Op.Clip(-0.5, 0.75), around(3, -2, 2, -0.5, 0.75));
  }

  @Test
  void sigmoid() {
    unary(new Op.Sigmoid(null), around(4, -4, 4));
  }

  @Test
  void tanh() {
    unary(new Op.Tanh(null), around(5, -3, 3));
  }

  @Test
  void exp() {
    unary(new Op.Exp(null), around(6, -2, 2));
  }

  @Test
  void selu() {
    unary(new Op.Selu(1.6732632423543772, 1.0507009873554805, null, null), around(7, -3, 3, 0));
  }

  @Test
  void elu() {
    unary(new Op.Elu(0.7, null, null), around(8, -3, 3, 0));
  }

  @Test
  void hardSigmoid() {
    // alpha x + beta leaves [0, 1] at x = -2.5 and x = 2.5
    unary(new Op.HardSigmoid(0.2, 0.5, null), around(9, -4, 4, -2.5, 2.5));
  }

  @Test
  void erf() {
    unary(new Op.Erf(), around(10, -2, 2));
  }

  @Test
  void sqrt() {
    unary(new Op.Sqrt(), around(11, 0.2, 3));
  }

  @Test
  void identityAndCastToDouble() {
    unary(new Op.Identity(), around(12, -1, 1));
    unary(new Op.Cast(DType.DOUBLE), around(13, -1, 1));
  }

  private static void binary(Op.BinaryKind kind, NdArray a, NdArray b) {
    TinyGraph t = new TinyGraph().input("a", a).input("b", b)
        .node("n", new Op.Binary(kind), List.of("a", "b"), "y", Math.max(a.rank(), b.rank())).output("y");
    double err = GradCheck.check(t.graph(), t.inputs(), List.of(), 17);
    assertTrue(err < GradCheck.TOLERANCE);
  }

  @Test
  void addSubMulDivBroadcastBothWays() {
    Random r = new Random(21);
    for (Op.BinaryKind k : List.of(Op.BinaryKind.ADD, Op.BinaryKind.SUB, Op.BinaryKind.MUL, Op.BinaryKind.DIV)) {
      // b broadcast over the leading axis and the last axis; then a broadcast against b
      binary(k, Rand.uniform(r, -2, 2, 2, 3, 4), Rand.awayFrom(r, -2, 2, 0.5, new double[] {0}, 3, 1));
      binary(k, Rand.uniform(r, -2, 2, 1, 4), Rand.awayFrom(r, -2, 2, 0.5, new double[] {0}, 3, 1));
    }
  }

  @Test
  void powWithConstantExponent() {
    Random r = new Random(23);
    TinyGraph t = new TinyGraph().input("a", Rand.uniform(r, 0.3, 2, 2, 3))
        .constant("e", new NdArray(new long[] {3}, new double[] {2, 0.5, -1.5}))
        .node("n", new Op.Binary(Op.BinaryKind.POW), List.of("a", "e"), "y", 2).output("y");
    double err = GradCheck.check(t.graph(), t.inputs(), List.of("e"), 29);
    assertTrue(err < GradCheck.TOLERANCE);
  }

  @Test
  void sameTensorTwiceAccumulates() {
    NdArray x = around(31, -2, 2);
    TinyGraph t = new TinyGraph().input("x", x)
        .node("sq", new Op.Binary(Op.BinaryKind.MUL), List.of("x", "x"), "s", 3)
        .node("t", new Op.Tanh(null), List.of("x"), "u", 3)
        .node("sum", new Op.Binary(Op.BinaryKind.ADD), List.of("s", "u"), "y", 3).output("y");
    double err = GradCheck.check(t.graph(), t.inputs(), List.of(), 37);
    assertTrue(err < GradCheck.TOLERANCE);
  }
}
