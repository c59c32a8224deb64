package dev.tessera.ir.grad;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of the pooling and reduction ops. */
class PoolGradTest {

  private static void check(TinyGraph t, long seed) {
    double err = GradCheck.check(t.graph(), t.inputs(), List.of(), seed);
    assertTrue(err < GradCheck.TOLERANCE);
  }

  private static TinyGraph single(Op op, long seed, int outRank, long... shape) {
    return new TinyGraph().input("x", Rand.uniform(new Random(seed), -2, 2, shape))
        .node("p", op, List.of("x"), "y", outRank).output("y");
  }

  @Test
  void maxPool2dWithPadsStridesAndDilations() {
    Op.MaxPool op = new Op.MaxPool(new long[] {3, 2}, new long[] {2, 2}, new long[] {1, 0}, new long[] {1, 1},
        new long[] {1, 2});
    check(single(op, 1, 4, 2, 2, 6, 7), 2);
  }

  @Test
  void maxPool1dOverlapping() {
    Op.MaxPool op = new Op.MaxPool(new long[] {3}, new long[] {1}, new long[] {1}, new long[] {1}, null);
    check(single(op, 3, 3, 2, 3, 8), 4);
  }

  @Test
  void averagePoolWithAndWithoutPadCounting() {
    for (boolean include : new boolean[] {true, false}) {
      Op.AveragePool op = new Op.AveragePool(new long[] {3, 3}, new long[] {2, 1}, new long[] {1, 1},
          new long[] {1, 0}, include);
      check(single(op, 5, 4, 2, 2, 5, 4), 6);
    }
  }

  @Test
  void globalPools() {
    check(single(new Op.GlobalAveragePool(), 7, 4, 2, 3, 4, 5), 8);
    check(single(new Op.GlobalMaxPool(), 9, 4, 2, 3, 4, 5), 10);
    check(single(new Op.GlobalAveragePool(), 11, 3, 2, 3, 6), 12);
  }

  @Test
  void reduceMeanWithAndWithoutKeptAxes() {
    check(single(new Op.ReduceMean(new int[] {1, 2}, false), 13, 2, 2, 3, 4, 2), 14);
    check(single(new Op.ReduceMean(new int[] {0}, true), 15, 3, 3, 2, 4), 16);
    check(single(new Op.ReduceMean(new int[0], false), 17, 0, 3, 4), 18);
  }
}
