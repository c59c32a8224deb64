package dev.tessera.ir.intops;

import java.math.BigInteger;

/**
 * Exact integer square root {@code floor(sqrt(n))} by Newton's iteration on integers.
 *
 * <p>Start at {@code x0 = 2^ceil(b/2)} for an n of b bits, so {@code sqrt(n) <= x0 <= 2 sqrt(n)}; then
 * {@code y = floor((x + floor(n/x)) / 2)} while {@code y < x}. Every iterate stays at or above {@code floor(sqrt(n))}
 * (arithmetic-geometric mean), and the first {@code y >= x} happens exactly at {@code x = floor(sqrt(n))}.
 * {@link #maxIterations(int)} bounds the number of divisions; docs/integer-ops.md gives the proof.
 */
public final class IntSqrt {

  private IntSqrt() {}

  /** {@code floor(sqrt(n))} for {@code n >= 0}. */
  public static long floorSqrt(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("square root of negative value " + n);
    }
    if (n == 0) {
      return 0;
    }
    int b = 64 - Long.numberOfLeadingZeros(n);
    long x = 1L << ((b + 1) / 2);
    while (true) {
      long y = (x + n / x) >>> 1;
      if (y >= x) {
        return x;
      }
      x = y;
    }
  }

  /** {@code floor(sqrt(n))} for {@code n >= 0}. */
  public static BigInteger floorSqrt(BigInteger n) {
    return run(n)[0];
  }

  /**
   * Upper bound on the divisions {@link #floorSqrt} performs for an n of {@code bitLength} bits: {@code t + 2}
   * where t is the least integer with {@code m(t) >= bitLength / 2}, {@code m(0) = 0}, {@code m(1) = 2},
   * {@code m(t) = 2 m(t-1) + 1} (the relative error after t real Newton steps is at most {@code 2^-m(t)}).
   */
  public static int maxIterations(int bitLength) {
    if (bitLength < 0) {
      throw new IllegalArgumentException("bit length " + bitLength + " must be >= 0");
    }
    if (bitLength == 0) {
      return 0;
    }
    int t = 0;
    long m = 0;
    while (2 * m < bitLength) {
      t++;
      m = t == 1 ? 2 : 2 * m + 1;
    }
    return t + 2;
  }

  /** Number of divisions {@link #floorSqrt(BigInteger)} performs for n (for the bound tests). */
  static int iterations(BigInteger n) {
    return run(n)[1].intValueExact();
  }

  private static BigInteger[] run(BigInteger n) {
    if (n.signum() < 0) {
      throw new IllegalArgumentException("square root of negative value " + n);
    }
    if (n.signum() == 0) {
      return new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO};
    }
    BigInteger x = BigInteger.ONE.shiftLeft((n.bitLength() + 1) / 2);
    int count = 0;
    while (true) {
      BigInteger y = x.add(n.divide(x)).shiftRight(1);
      count++;
      if (y.compareTo(x) >= 0) {
        return new BigInteger[] {x, BigInteger.valueOf(count)};
      }
      x = y;
    }
  }
}
