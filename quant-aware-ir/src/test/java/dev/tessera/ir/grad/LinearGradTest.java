package dev.tessera.ir.grad;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of Dense, MatMul, Conv, Softmax, BatchNorm and LayerNorm, weights included. */
class LinearGradTest {

  private static void check(TinyGraph t, List<String> constants, long seed) {
    double err = GradCheck.check(t.graph(), t.inputs(), constants, seed);
    assertTrue(err < GradCheck.TOLERANCE);
  }

  @Test
  void denseWithBias() {
    Random r = new Random(1);
    TinyGraph t = new TinyGraph().input("x", Rand.uniform(r, -1, 1, 3, 4))
        .constant("w", Rand.uniform(r, -1, 1, 4, 5)).constant("b", Rand.uniform(r, -1, 1, 5))
        .node("d", new Op.Dense(null), List.of("x", "w", "b"), "y", 2).output("y");
    check(t, List.of("w", "b"), 2);
  }

  @Test
  void denseOnRank3InputWithoutBias() {
    Random r = new Random(3);
    TinyGraph t = new TinyGraph().input("x", Rand.uniform(r, -1, 1, 2, 3, 4))
        .constant("w", Rand.uniform(r, -1, 1, 4, 2))
        .node("d", new Op.Dense(null), List.of("x", "w"), "y", 3).output("y");
    check(t, List.of("w"), 4);
  }

  @Test
  void matMulBroadcastsBatchAxes() {
    Random r = new Random(5);
    TinyGraph t = new TinyGraph().input("a", Rand.uniform(r, -1, 1, 2, 1, 3, 4))
        .input("b", Rand.uniform(r, -1, 1, 3, 4, 2))
        .node("m", new Op.MatMul(), List.of("a", "b"), "y", 4).output("y");
    check(t, List.of(), 6);
  }

  @Test
  void matMulWithVectors() {
    Random r = new Random(7);
    TinyGraph left = new TinyGraph().input("a", Rand.uniform(r, -1, 1, 4))
        .input("b", Rand.uniform(r, -1, 1, 2, 4, 3))
        .node("m", new Op.MatMul(), List.of("a", "b"), "y", 2).output("y");
    check(left, List.of(), 8);
    TinyGraph right = new TinyGraph().input("a", Rand.uniform(r, -1, 1, 2, 3, 4))
        .constant("b", Rand.uniform(r, -1, 1, 4))
        .node("m", new Op.MatMul(), List.of("a", "b"), "y", 2).output("y");
    check(right, List.of("b"), 9);
  }

  @Test
  void conv1dWithStridePadsAndDilation() {
    Random r = new Random(11);
    Op.Conv op = new Op.Conv(new long[] {3}, new long[] {2}, new long[] {1}, new long[] {2}, new long[] {2}, 1,
        null);
    TinyGraph t = new TinyGraph().input("x", Rand.uniform(r, -1, 1, 2, 3, 9))
        .constant("w", Rand.uniform(r, -1, 1, 4, 3, 3)).constant("b", Rand.uniform(r, -1, 1, 4))
        .node("c", op, List.of("x", "w", "b"), "y", 3).output("y");
    check(t, List.of("w", "b"), 12);
  }

  @Test
  void conv2dWithGroupsStridesAsymmetricPadsAndDilations() {
    Random r = new Random(13);
    Op.Conv op = new Op.Conv(new long[] {3, 2}, new long[] {2, 1}, new long[] {1, 0}, new long[] {0, 1},
        new long[] {1, 2}, 2, null);
    TinyGraph t = new TinyGraph().input("x", Rand.uniform(r, -1, 1, 2, 4, 6, 5))
        .constant("w", Rand.uniform(r, -1, 1, 6, 2, 3, 2)).constant("b", Rand.uniform(r, -1, 1, 6))
        .node("c", op, List.of("x", "w", "b"), "y", 4).output("y");
    check(t, List.of("w", "b"), 14);
  }

  @Test
  void softmaxOnInnerAndLastAxis() {
    Random r = new Random(15);
    TinyGraph inner = new TinyGraph().input("x", Rand.uniform(r, -2, 2, 2, 4, 3))
        .node("s", new Op.Softmax(1, SoftmaxMode.STABLE, null, null), List.of("x"), "y", 3).output("y");
    check(inner, List.of(), 16);
    TinyGraph last = new TinyGraph().input("x", Rand.uniform(r, -2, 2, 3, 5))
        .node("s", new Op.Softmax(1, SoftmaxMode.STABLE, null, null), List.of("x"), "y", 2).output("y");
    check(last, List.of(), 17);
  }

  @Test
  void batchNormWithAllParameters() {
    Random r = new Random(19);
    TinyGraph t = new TinyGraph().input("x", Rand.uniform(r, -2, 2, 2, 3, 4))
        .constant("g", Rand.uniform(r, 0.5, 1.5, 3)).constant("b", Rand.uniform(r, -1, 1, 3))
        .constant("m", Rand.uniform(r, -0.5, 0.5, 3)).constant("v", Rand.uniform(r, 0.5, 2, 3))
        .node("bn", new Op.BatchNorm(1e-3), List.of("x", "g", "b", "m", "v"), "y", 3).output("y");
    check(t, List.of("g", "b", "m", "v"), 20);
  }

  @Test
  void layerNormOverLastAxisAndOverTwoAxes() {
    Random r = new Random(21);
    TinyGraph last = new TinyGraph().input("x", Rand.uniform(r, -2, 2, 2, 3, 5))
        .constant("s", Rand.uniform(r, 0.5, 1.5, 5)).constant("b", Rand.uniform(r, -1, 1, 5))
        .node("ln", new Op.LayerNorm(-1, 1e-5), List.of("x", "s", "b"), "y", 3).output("y");
    check(last, List.of("s", "b"), 22);
    TinyGraph two = new TinyGraph().input("x", Rand.uniform(r, -2, 2, 2, 3, 5))
        .constant("s", Rand.uniform(r, 0.5, 1.5, 3, 5))
        .node("ln", new Op.LayerNorm(1, 1e-5), List.of("x", "s"), "y", 3).output("y");
    check(two, List.of("s"), 23);
  }

  @Test
  void constantsAreLeftOutUnlessAsked() {
    Random r = new Random(25);
    TinyGraph t = new TinyGraph().input("x", Rand.uniform(r, -1, 1, 3, 4))
        .constant("w", Rand.uniform(r, -1, 1, 4, 5))
        .node("d", new Op.Dense(null), List.of("x", "w"), "y", 2).output("y");
    var acts = new dev.tessera.ir.interp.FloatInterpreter(t.graph()).runAll(t.inputs());
    var seeds = java.util.Map.of("y", Rand.uniform(r, -1, 1, 3, 5));
    assertTrue(!Backprop.backward(t.graph(), acts, seeds).containsKey("w"));
    NdArray gw = Backprop.backward(t.graph(), acts, seeds, true).get("w");
    assertTrue(gw != null && gw.size() == 20);
  }
}
