package dev.tessera.ir.grad;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of the ops that move values. */
class MoveGradTest {

  private static void check(TinyGraph t, long seed) {
    double err = GradCheck.check(t.graph(), t.inputs(), List.of(), seed);
    assertTrue(err < GradCheck.TOLERANCE);
  }

  /** x, then op, then tanh (so that the seed reaching the op is not uniform). */
  private static TinyGraph through(Op op, long seed, int outRank, long... shape) {
    return new TinyGraph().input("x", Rand.uniform(new Random(seed), -2, 2, shape))
        .node("m", op, List.of("x"), "z", outRank)
        .node("t", new Op.Tanh(null), List.of("z"), "y", outRank).output("y");
  }

  @Test
  void reshape() {
    TinyGraph t = new TinyGraph().input("x", Rand.uniform(new Random(1), -2, 2, 2, 3, 4))
        .node("m", new Op.Reshape(), List.of("x"), "z", Shape.batched(12))
        .node("t", new Op.Tanh(null), List.of("z"), "y", 2).output("y");
    check(t, 2);
  }

  @Test
  void transpose() {
    check(through(new Op.Transpose(new int[] {2, 0, 1}), 3, 3, 2, 3, 4), 4);
  }

  @Test
  void concatOfThreeInputs() {
    Random r = new Random(5);
    TinyGraph t = new TinyGraph().input("a", Rand.uniform(r, -1, 1, 2, 1, 3))
        .input("b", Rand.uniform(r, -1, 1, 2, 3, 3)).input("c", Rand.uniform(r, -1, 1, 2, 2, 3))
        .node("m", new Op.Concat(1), List.of("a", "b", "c"), "z", 3)
        .node("t", new Op.Sigmoid(null), List.of("z"), "y", 3).output("y");
    check(t, 6);
  }

  @Test
  void sliceWithPositiveAndNegativeSteps() {
    Op.Slice op = new Op.Slice(new long[] {1, 4}, new long[] {5, 0}, new int[] {1, 2}, new long[] {2, -1});
    check(through(op, 7, 3, 2, 6, 5), 8);
  }

  @Test
  void padInEveryMode() {
    for (Op.PadMode mode : Op.PadMode.values()) {
      Op.Pad op = new Op.Pad(new long[] {0, 1, 2}, new long[] {0, 2, 1}, mode, 0.5);
      check(through(op, 9, 3, 2, 3, 4), 10);
    }
  }

  @Test
  void gatherWithRepeatedIndices() {
    Op.Gather op = new Op.Gather(1, new long[] {2, 0, 2, 1}, new long[] {2, 2});
    check(through(op, 11, 4, 2, 3, 4), 12);
  }
}
