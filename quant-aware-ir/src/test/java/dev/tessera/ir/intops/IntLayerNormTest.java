package dev.tessera.ir.intops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.FixedType;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Integer layer normalization: accuracy within one output LSB, exact invariances, edge rows. */
class IntLayerNormTest {

  private static long[] row(Random rnd, int n, FixedType in, double mean, double sd) {
    long[] q = new long[n];
    long min = in.minRaw().longValueExact();
    long max = in.maxRaw().longValueExact();
    for (int i = 0; i < n; i++) {
      double x = mean + sd * (rnd.nextBoolean() ? rnd.nextGaussian() : 2 * rnd.nextDouble() - 1);
      q[i] = Math.max(min, Math.min(max, Math.round(Math.scalb(x, in.fractionBits()))));
    }
    return q;
  }

  private static double[] reference(long[] q, FixedType in, double eps) {
    int n = q.length;
    double mean = 0;
    for (long v : q) {
      mean += in.toDouble(v);
    }
    mean /= n;
    double var = 0;
    for (long v : q) {
      var += (in.toDouble(v) - mean) * (in.toDouble(v) - mean);
    }
    var /= n;
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      z[i] = var + eps == 0 ? 0 : (in.toDouble(q[i]) - mean) / Math.sqrt(var + eps);
    }
    return z;
  }

  @Test
  void withinOneOutputLsbOfTheExactNormalization() {
    Random rnd = new Random(41);
    FixedType[] types = {FixedType.signed(16, 6), FixedType.signed(8, 4), FixedType.signed(24, 2),
        FixedType.signed(12, 14)};
    double worstLsb = 0;
    for (int fo : new int[] {8, 16, 24}) {
      for (double eps : new double[] {0, 1e-5, 1e-12, 0.5}) {
        IntLayerNorm ln = new IntLayerNorm(fo, eps);
        for (FixedType in : types) {
          for (int n : new int[] {2, 3, 8, 64, 768}) {
            for (int t = 0; t < 6; t++) {
              double sd = Math.scalb(1.0, in.integerBits() - 3) * rnd.nextDouble();
              long[] q = row(rnd, n, in, sd * rnd.nextGaussian(), sd);
              double[] want = reference(q, in, eps);
              IntResult r = ln.apply(q, in, n);
              assertEquals(ln.outputType(n), r.type());
              for (int i = 0; i < n; i++) {
                double lsbErr = Math.abs(r.raw()[i] - Math.scalb(want[i], fo));
                worstLsb = Math.max(worstLsb, lsbErr);
                assertTrue(lsbErr < 1.0, "Fo=" + fo + " eps=" + eps + " " + in + " n=" + n + ": off by " + lsbErr
                    + " LSB");
              }
            }
          }
        }
      }
    }
    System.out.printf("layer-norm: worst error %.4f output LSB%n", worstLsb);
  }

  @Test
  void exactInvariances() {
    Random rnd = new Random(42);
    FixedType in = FixedType.signed(16, 6);
    IntLayerNorm ln = new IntLayerNorm(16, 1e-5);
    for (int t = 0; t < 300; t++) {
      int n = 2 + rnd.nextInt(100);
      long[] q = row(rnd, n, in, 0, 4);
      long[] y = ln.apply(q, in, n).raw();
      long[] neg = Arrays.stream(q).map(v -> -v).toArray();
      assertArrayEquals(Arrays.stream(y).map(v -> -v).toArray(), ln.apply(neg, in, n).raw(), "odd symmetry");
      long shift = rnd.nextInt(1000) - 500;
      long[] moved = Arrays.stream(q).map(v -> v + shift).toArray();
      assertArrayEquals(y, ln.apply(moved, FixedType.signed(18, 8), n).raw(), "shift invariance");
      long sum = Arrays.stream(y).sum();
      assertTrue(Math.abs(sum) <= n, "outputs sum to " + sum);
    }
  }

  @Test
  void constantRowsAndSingleValuesGiveZero() {
    FixedType in = FixedType.signed(16, 6);
    for (double eps : new double[] {0, 1e-5}) {
      IntLayerNorm ln = new IntLayerNorm(16, eps);
      assertArrayEquals(new long[5], ln.apply(new long[] {7, 7, 7, 7, 7}, in, 5).raw());
      assertArrayEquals(new long[3], ln.apply(new long[] {-3, 100, 0}, in, 1).raw());
    }
  }

  @Test
  void epsilonDominatesATinyVariance() {
    // x = {0, 2^-10}: var = 2^-22, eps = 1 -> z = +-2^-11 / sqrt(1 + 2^-22)
    FixedType in = FixedType.signed(16, 6);
    long[] y = new IntLayerNorm(24, 1.0).apply(new long[] {0, 1}, in, 2).raw();
    assertEquals(-(1L << 13), y[0]);
    assertEquals(1L << 13, y[1]);
    // a variance well above eps: x = {-1, 1} -> z = -+1 within one LSB
    long[] u = new IntLayerNorm(24, 1e-5).apply(new long[] {-1024, 1024}, in, 2).raw();
    assertTrue(Math.abs(u[1] - Math.scalb(1 / Math.sqrt(1 + 1e-5), 24)) < 1, "z = " + u[1]);
  }

  @Test
  void epsilonQuantization() {
    IntLayerNorm ln = new IntLayerNorm(16, 1e-5);
    // F = 10: E = -17, e = ceil((20 + 17 - 20) / 2) = 9, Eps = round(1e-5 2^38)
    assertEquals(9, ln.epsilonShift(10));
    assertEquals(new java.math.BigDecimal(1e-5).multiply(new java.math.BigDecimal(BigInteger.TWO.pow(38)))
        .setScale(0, java.math.RoundingMode.HALF_EVEN).toBigIntegerExact(), ln.epsilonRaw(10));
    assertTrue(ln.epsilonRaw(10).bitLength() >= 21);
    assertEquals(0, new IntLayerNorm(16, 0.5).epsilonShift(12));
    assertEquals(BigInteger.ZERO, new IntLayerNorm(16, 0).epsilonRaw(3));
  }

  @Test
  void typesAndErrors() {
    assertEquals(0, IntLayerNorm.magnitudeBits(1));
    assertEquals(1, IntLayerNorm.magnitudeBits(4));
    assertEquals(2, IntLayerNorm.magnitudeBits(5));
    assertEquals(5, IntLayerNorm.magnitudeBits(768));
    assertEquals(FixedType.signed(23, 7), new IntLayerNorm(16, 0).outputType(768));
    assertThrows(IllegalArgumentException.class, () -> new IntLayerNorm(0, 0));
    assertThrows(IllegalArgumentException.class, () -> new IntLayerNorm(16, -1));
    assertThrows(IllegalArgumentException.class, () -> new IntLayerNorm(16, Double.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> new IntLayerNorm(16, 0).apply(new long[6], FixedType.signed(8, 4), 4));
  }
}
