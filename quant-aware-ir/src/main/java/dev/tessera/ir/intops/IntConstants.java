package dev.tessera.ir.intops;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Exact derivation of the integer constants of the kernels: every constant is {@code round(c * 2^s)} (nearest, ties
 * to even) of an exact decimal or of a square root of one, computed without doubles. docs/integer-ops.md lists the
 * results for the common fraction counts.
 */
final class IntConstants {

  /** ln 2 to 52 decimals (far more than any supported scale needs; ln 2 is irrational, so no tie occurs). */
  static final BigDecimal LN2 = new BigDecimal("0.6931471805599453094172321214581765680755001343602552");

  private IntConstants() {}

  /** {@code round(v * 2^bits)}, nearest with ties to even, of an exact decimal. */
  static long roundScaled(BigDecimal v, int bits) {
    return roundScaledBig(v, bits).longValueExact();
  }

  /** {@code round(v * 2^bits)}, nearest with ties to even, of an exact decimal, as a BigInteger. */
  static BigInteger roundScaledBig(BigDecimal v, int bits) {
    BigDecimal p = new BigDecimal(BigInteger.ONE.shiftLeft(Math.abs(bits)));
    BigDecimal s = bits >= 0 ? v.multiply(p) : v.divide(p);
    return s.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
  }

  /**
   * {@code round(sqrt(num / den))} for an irrational square root (no tie): {@code floor(sqrt(r) + 1/2)} equals
   * {@code floor((isqrt(floor(4 r)) + 1) / 2)}.
   */
  static long roundSqrt(BigInteger num, BigInteger den) {
    BigInteger four = num.shiftLeft(2).divide(den);
    return IntSqrt.floorSqrt(four).add(BigInteger.ONE).shiftRight(1).longValueExact();
  }
}
