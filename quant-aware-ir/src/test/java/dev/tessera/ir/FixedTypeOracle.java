package dev.tessera.ir;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * An independent, slow statement of docs/fixed-point.md section 2 on exact decimals, written without looking at the
 * shifts of {@link FixedType}: scale the exact value by {@code 2^F}, round it with {@link BigDecimal}, then apply the
 * overflow rule by arithmetic on the raw range.
 */
final class FixedTypeOracle {

  private FixedTypeOracle() {}

  /** The raw integer of {@code Q_T(raw * 2^-frac)}. */
  static BigInteger quantize(FixedType t, BigInteger raw, int frac) {
    return quantize(t, scaled(raw, frac));
  }

  /** The raw integer of {@code Q_T(v)} for an exact decimal {@code v}. */
  static BigInteger quantize(FixedType t, BigDecimal v) {
    int f = t.fractionBits();
    BigDecimal scaled = f >= 0 ? v.multiply(new BigDecimal(BigInteger.TWO.pow(f)))
        : v.divide(new BigDecimal(BigInteger.TWO.pow(-f)));
    BigInteger q = round(scaled, t.rounding());
    return overflow(t, q);
  }

  static BigDecimal scaled(BigInteger raw, int frac) {
    BigDecimal r = new BigDecimal(raw);
    return frac >= 0 ? r.divide(new BigDecimal(BigInteger.TWO.pow(frac)))
        : r.multiply(new BigDecimal(BigInteger.TWO.pow(-frac)));
  }

  private static BigInteger round(BigDecimal s, Rounding mode) {
    BigDecimal half = new BigDecimal("0.5");
    return switch (mode) {
      case TRN -> s.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
      case TRN_ZERO -> s.setScale(0, RoundingMode.DOWN).toBigIntegerExact();
      case RND -> s.add(half).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
      case RND_ZERO -> s.setScale(0, RoundingMode.HALF_DOWN).toBigIntegerExact();
      case RND_MIN_INF -> s.subtract(half).setScale(0, RoundingMode.CEILING).toBigIntegerExact();
      case RND_INF -> s.setScale(0, RoundingMode.HALF_UP).toBigIntegerExact();
      case RND_CONV -> s.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
    };
  }

  private static BigInteger overflow(FixedType t, BigInteger q) {
    BigInteger span = BigInteger.TWO.pow(t.width());
    BigInteger min = t.signed() ? BigInteger.TWO.pow(t.width() - 1).negate() : BigInteger.ZERO;
    BigInteger max = min.add(span).subtract(BigInteger.ONE);
    if (q.compareTo(min) >= 0 && q.compareTo(max) <= 0) {
      return q;
    }
    return switch (t.overflow()) {
      case WRAP -> q.subtract(min).mod(span).add(min);
      case SAT -> q.signum() < 0 ? min : max;
      case SAT_ZERO -> BigInteger.ZERO;
      case SAT_SYM -> q.signum() < 0 ? (t.signed() ? max.negate() : BigInteger.ZERO) : max;
    };
  }
}
