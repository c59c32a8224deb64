package dev.tessera.passes.quant.search;

import java.math.BigInteger;

/** Exact facts about doubles on power-of-two grids, for tensors that are already quantized. */
final class Grid {

  private Grid() {}

  /** The fraction bits that {@code v} needs to be exact ({@code v = m * 2^-f}, m an integer); 0 is on every grid. */
  static int fractionBits(double v) {
    if (v == 0 || !Double.isFinite(v)) {
      return Integer.MIN_VALUE;
    }
    int exp = Math.getExponent(v);
    if (exp < Double.MIN_EXPONENT) {
      exp = Double.MIN_EXPONENT;
    }
    long mant = (long) Math.scalb(v, 52 - exp);
    int tz = Long.numberOfTrailingZeros(mant);
    return 52 - exp - tz;
  }

  /** The fraction bits every value needs to be exact (Integer.MIN_VALUE when all are 0). */
  static int fractionBits(double[] values) {
    int f = Integer.MIN_VALUE;
    for (double v : values) {
      f = Math.max(f, fractionBits(v));
    }
    return f;
  }

  /** Signed or unsigned bits of the raw integers {@code round(v * 2^f)} (nearest, ties to even). */
  static int integerBits(double[] values, int f, boolean signed) {
    BigInteger lo = BigInteger.ZERO;
    BigInteger hi = BigInteger.ZERO;
    dev.tessera.ir.FixedType unbounded = new dev.tessera.ir.FixedType(true, dev.tessera.ir.FixedType.MAX_WIDTH,
        dev.tessera.ir.FixedType.MAX_WIDTH - f, dev.tessera.ir.Rounding.RND_CONV, dev.tessera.ir.Overflow.WRAP);
    for (double v : values) {
      BigInteger r = unbounded.fromDouble(v);
      lo = lo.min(r);
      hi = hi.max(r);
    }
    int w;
    if (signed) {
      w = Math.max(hi.bitLength(), lo.negate().subtract(BigInteger.ONE).max(BigInteger.ZERO).bitLength()) + 1;
    } else {
      w = Math.max(1, hi.bitLength());
    }
    return w - f;
  }
}
