package dev.tessera.passes.quant.calib;

/**
 * The integer-bit count of a fixed-point type that covers a range.
 *
 * <p>Signed: the smallest I with {@code -2^(I-1) <= lo} and {@code hi < 2^(I-1)}. The upper bound is strict because
 * {@code 2^(I-1)} itself is not representable: a range whose {@code hi} is exactly a power of two {@code 2^e} needs
 * {@code I = e + 2}, one bit more than its neighbours just below. With {@code saturating = true} the upper condition
 * is {@code hi <= 2^(I-1)}: a type with SAT then holds {@code hi} as its largest value, one LSB below. Unsigned: the
 * smallest I with {@code hi < 2^I} ({@code <=} when saturating); a negative lo is an error. A range of zeros fits
 * every I; the answer is then 1 (signed) or 0 (unsigned), a type whose magnitude is below 1. The width does not
 * enter: I counts the bits above the binary point, the remaining {@code W - I} are fraction bits.
 */
public final class IntegerBits {

  private IntegerBits() {}

  /** The strict count (no saturation). */
  public static int forRange(Range r, boolean signed) {
    return forRange(r, signed, false);
  }

  /** The count, allowing {@code hi} to sit exactly on the excluded power of two when {@code saturating}. */
  public static int forRange(Range r, boolean signed, boolean saturating) {
    double lo = r.lo();
    double hi = r.hi();
    if (!signed) {
      if (lo < 0) {
        throw new IllegalArgumentException("range " + r + " has negative values; an unsigned type cannot hold them");
      }
      if (hi == 0) {
        return 0;
      }
      return saturating ? ceilLog2(hi) : floorLog2(hi) + 1;
    }
    int bits = Integer.MIN_VALUE;
    if (lo < 0) {
      bits = ceilLog2(-lo) + 1;
    }
    if (hi > 0) {
      bits = Math.max(bits, saturating ? ceilLog2(hi) + 1 : floorLog2(hi) + 2);
    }
    return bits == Integer.MIN_VALUE ? 1 : bits;
  }

  /** {@code floor(log2 v)} of a positive finite double, exactly (subnormals included). */
  public static int floorLog2(double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException("log2 needs a positive finite value, got " + v);
    }
    if (v < Double.MIN_NORMAL) {
      return Math.getExponent(Math.scalb(v, 64)) - 64;
    }
    return Math.getExponent(v);
  }

  /** {@code ceil(log2 v)} of a positive finite double, exactly. */
  public static int ceilLog2(double v) {
    int f = floorLog2(v);
    return Math.scalb(1.0, f) == v ? f : f + 1;
  }
}
