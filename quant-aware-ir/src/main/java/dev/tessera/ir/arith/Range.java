package dev.tessera.ir.arith;

import java.math.BigInteger;

/**
 * A closed interval of integers {@code [min, max]}, the exact bounds of a wire's value. {@link #width()} is the
 * smallest two's-complement width that holds every value of the interval.
 */
public record Range(BigInteger min, BigInteger max) {

  public Range {
    if (min == null || max == null) {
      throw new IllegalArgumentException("range bounds must be given");
    }
    if (min.compareTo(max) > 0) {
      throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
    }
  }

  public static Range of(long min, long max) {
    return new Range(BigInteger.valueOf(min), BigInteger.valueOf(max));
  }

  /** The single value {@code v}. */
  public static Range point(BigInteger v) {
    return new Range(v, v);
  }

  /** Smallest signed (two's complement) width holding every value; at least 1. */
  public int width() {
    return Math.max(signedBits(min), signedBits(max));
  }

  /** True when the range is {@code [0, 0]}. */
  public boolean isZero() {
    return min.signum() == 0 && max.signum() == 0;
  }

  public boolean contains(BigInteger v) {
    return min.compareTo(v) <= 0 && max.compareTo(v) >= 0;
  }

  /** Signed width of one value: bitLength() plus the sign bit. */
  static int signedBits(BigInteger v) {
    return v.bitLength() + 1;
  }

  @Override
  public String toString() {
    return "[" + min + ", " + max + "]";
  }
}
