package dev.tessera.ir.intops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link IntSqrt} against {@link BigInteger#sqrt()} on edge and random values, with the iteration bound. */
class IntSqrtTest {

  private static List<BigInteger> edgeValues() {
    List<BigInteger> v = new ArrayList<>();
    for (long n = 0; n <= 1000; n++) {
      v.add(BigInteger.valueOf(n));
    }
    for (int k = 0; k <= 210; k++) {
      BigInteger p = BigInteger.ONE.shiftLeft(k);
      v.add(p);
      v.add(p.subtract(BigInteger.ONE));
      v.add(p.add(BigInteger.ONE));
    }
    Random rnd = new Random(7);
    for (int bits = 1; bits <= 100; bits++) {
      BigInteger r = new BigInteger(bits, rnd).add(BigInteger.ONE);
      BigInteger sq = r.multiply(r);
      v.add(sq);
      v.add(sq.subtract(BigInteger.ONE));
      v.add(sq.add(BigInteger.ONE));
      BigInteger nextSq = r.add(BigInteger.ONE).multiply(r.add(BigInteger.ONE));
      v.add(nextSq.subtract(BigInteger.ONE)); // largest value whose root is r
    }
    return v;
  }

  @Test
  void bigIntegerRootIsExactOnEdgeValues() {
    for (BigInteger n : edgeValues()) {
      assertEquals(n.sqrt(), IntSqrt.floorSqrt(n), "isqrt(" + n + ")");
    }
  }

  @Test
  void bigIntegerRootIsExactOnRandomValuesUpTo200Bits() {
    Random rnd = new Random(11);
    for (int i = 0; i < 20000; i++) {
      BigInteger n = new BigInteger(1 + rnd.nextInt(200), rnd);
      BigInteger r = IntSqrt.floorSqrt(n);
      assertEquals(n.sqrt(), r, "isqrt(" + n + ")");
      assertTrue(r.multiply(r).compareTo(n) <= 0 && r.add(BigInteger.ONE).pow(2).compareTo(n) > 0);
    }
  }

  @Test
  void longRootMatchesTheBigIntegerRoot() {
    Random rnd = new Random(13);
    long[] edges = {0, 1, 2, 3, 4, 15, 16, 17, Long.MAX_VALUE, Long.MAX_VALUE - 1, 3037000499L * 3037000499L,
        3037000499L * 3037000499L - 1, 1L << 62, (1L << 62) - 1, (1L << 62) + 1};
    for (long n : edges) {
      assertEquals(BigInteger.valueOf(n).sqrt().longValueExact(), IntSqrt.floorSqrt(n), "isqrt(" + n + ")");
    }
    for (int i = 0; i < 200000; i++) {
      long n = rnd.nextLong() >>> (1 + rnd.nextInt(63));
      assertEquals(BigInteger.valueOf(n).sqrt().longValueExact(), IntSqrt.floorSqrt(n), "isqrt(" + n + ")");
    }
  }

  @Test
  void divisionsStayWithinTheDocumentedBound() {
    List<BigInteger> values = edgeValues();
    Random rnd = new Random(17);
    for (int i = 0; i < 5000; i++) {
      values.add(new BigInteger(1 + rnd.nextInt(256), rnd));
    }
    int[] worst = new int[260];
    for (BigInteger n : values) {
      int b = n.bitLength();
      int it = IntSqrt.iterations(n);
      assertTrue(it <= IntSqrt.maxIterations(b), "isqrt(" + n + ") took " + it + " divisions, bound "
          + IntSqrt.maxIterations(b));
      worst[b] = Math.max(worst[b], it);
    }
    // the bound is a few divisions above what happens, not loose by a factor
    assertEquals(9, IntSqrt.maxIterations(200));
    assertEquals(7, IntSqrt.maxIterations(64));
    assertTrue(worst[200] >= 6, "200-bit values took at most " + worst[200] + " divisions");
  }

  @Test
  void negativeInputIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> IntSqrt.floorSqrt(-1L));
    assertThrows(IllegalArgumentException.class, () -> IntSqrt.floorSqrt(BigInteger.valueOf(-5)));
    assertThrows(IllegalArgumentException.class, () -> IntSqrt.maxIterations(-1));
  }
}
