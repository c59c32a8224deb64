package dev.tessera.ir.intops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tessera.ir.FixedType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Integer softmax: bit-exactness against the documented algorithm, accuracy, order, edge rows. */
class IntSoftmaxTest {

  private static long[] randomRow(Random rnd, int n, FixedType in, double spread) {
    long[] q = new long[n];
    long min = in.minRaw().longValueExact();
    long max = in.maxRaw().longValueExact();
    for (int i = 0; i < n; i++) {
      long v = Math.round(rnd.nextGaussian() * spread * Math.scalb(1.0, in.fractionBits()));
      q[i] = Math.max(min, Math.min(max, v));
    }
    return q;
  }

  @Test
  void bitExactAgainstTheDocumentedAlgorithm() {
    Random rnd = new Random(21);
    int[][] configs = {{16, 16}, {8, 8}, {12, 20}, {20, 24}, {16, 40}};
    FixedType[] types = {FixedType.signed(16, 6), FixedType.signed(8, 3), FixedType.signed(32, 4),
        FixedType.signed(12, 14)};
    for (int[] c : configs) {
      IntSoftmax sm = new IntSoftmax(c[0], c[1]);
      for (FixedType in : types) {
        for (int t = 0; t < 60; t++) {
          long[] q = randomRow(rnd, 1 + rnd.nextInt(70), in, 0.5 + 8 * rnd.nextDouble());
          long[] want = Reference.softmax(q, in.fractionBits(), c[0], c[1]);
          assertArrayEquals(want, sm.apply(q, in).raw(), "k=" + c[0] + " Fo=" + c[1] + " " + in);
        }
      }
    }
  }

  @Test
  void accuracyAgainstDoubleSoftmax() {
    Random rnd = new Random(22);
    IntSoftmax sm = IntSoftmax.standard();
    FixedType in = FixedType.signed(16, 6);
    double maxErr = 0;
    int rows = 0;
    for (int n : new int[] {2, 3, 10, 100, 1000}) {
      for (int t = 0; t < 400; t++) {
        long[] q = randomRow(rnd, n, in, 0.2 + 6 * rnd.nextDouble());
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
          x[i] = in.toDouble(q[i]);
        }
        double[] want = Reference.softmax(x);
        IntResult r = sm.apply(q, in);
        double[] got = r.toDoubles();
        for (int i = 0; i < n; i++) {
          maxErr = Math.max(maxErr, Math.abs(got[i] - want[i]));
        }
        rows++;
      }
    }
    System.out.printf("softmax k=16 Fo=16 fixed<16,6>: max abs error %.4g over %d rows%n", maxErr, rows);
    assertTrue(maxErr < 1.4e-3, "max abs error " + maxErr);
  }

  @Test
  void preservesOrderAndSumsToOne() {
    Random rnd = new Random(23);
    IntSoftmax sm = IntSoftmax.standard();
    FixedType in = FixedType.signed(16, 6);
    for (int t = 0; t < 2000; t++) {
      int n = 1 + rnd.nextInt(50);
      long[] q = randomRow(rnd, n, in, 3);
      long[] y = sm.apply(q, in).raw();
      long sum = 0;
      for (int i = 0; i < n; i++) {
        assertTrue(y[i] >= 0 && y[i] <= 1L << 16);
        sum += y[i];
        for (int j = 0; j < n; j++) {
          if (q[i] <= q[j] && y[i] > y[j]) {
            fail("order: x" + i + " <= x" + j + " but y " + y[i] + " > " + y[j]);
          }
        }
      }
      assertTrue(Math.abs(sum - (1L << 16)) <= n / 2 + 1, "sum " + sum + " for n=" + n);
    }
  }

  @Test
  void edgeRows() {
    IntSoftmax sm = IntSoftmax.standard();
    FixedType in = FixedType.signed(32, 16);
    assertArrayEquals(new long[] {1L << 16}, sm.apply(new long[] {-12345}, in).raw());
    for (int n : new int[] {2, 3, 7, 10, 1000}) {
      long[] q = new long[n];
      java.util.Arrays.fill(q, 777);
      for (long y : sm.apply(q, in).raw()) {
        assertTrue(Math.abs(y - (double) (1L << 16) / n) <= 1, "uniform row of " + n + ": " + y);
      }
    }
    // a difference of -30000 underflows to exactly 0; the maximum takes everything
    long[] y = sm.apply(new long[] {0, -30000L << 16, 5}, in).raw();
    assertEquals(0, y[1]);
    assertEquals(1L << 16, y[0] + y[2] + 0, "two-element part");
    assertEquals(sm.outputType(), FixedType.unsigned(17, 1));
  }

  @Test
  void rowsAreIndependentAndDeterministic() {
    Random rnd = new Random(24);
    FixedType in = FixedType.signed(16, 6);
    long[] a = randomRow(rnd, 10, in, 2);
    long[] b = randomRow(rnd, 10, in, 2);
    long[] both = new long[20];
    System.arraycopy(a, 0, both, 0, 10);
    System.arraycopy(b, 0, both, 10, 10);
    long[] y = IntSoftmax.standard().apply(both, in, 10).raw();
    long[] ya = IntSoftmax.standard().apply(a, in).raw();
    long[] yb = new IntSoftmax(16, 16).apply(b, in).raw();
    for (int i = 0; i < 10; i++) {
      assertEquals(ya[i], y[i]);
      assertEquals(yb[i], y[10 + i]);
    }
  }

  @Test
  void invalidArgumentsAreRejected() {
    FixedType in = FixedType.signed(8, 4);
    assertThrows(IllegalArgumentException.class, () -> new IntSoftmax(16, 0));
    assertThrows(IllegalArgumentException.class, () -> new IntSoftmax(2, 16));
    assertThrows(IllegalArgumentException.class, () -> IntSoftmax.standard().apply(new long[5], in, 2));
    assertThrows(IllegalArgumentException.class, () -> IntSoftmax.standard().apply(new long[] {200}, in));
    assertThrows(IllegalArgumentException.class,
        () -> IntSoftmax.standard().apply(new long[] {1}, FixedType.signed(64, 4)));
  }
}
