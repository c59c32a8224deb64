package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import java.math.BigInteger;

/**
 * The multiply-accumulate rule of Dense and Conv (docs/fixed-point.md section 5): {@code acc = Q_Tacc(b)}, then
 * {@code acc = Q_Tacc(acc + Q_Tacc(x * w))} per term in order, and {@code y = Q_Ty(acc)}. It also decides, from the
 * actual weights and the input type, whether every {@code Q_Tacc} is exact, in which case a plain sum gives the
 * same result in any order.
 */
final class FixedMac {
  final FixedType acc;
  final int fx;
  final int fw;
  final int fb;
  /** Fraction bits of the exact sum, {@code max(Fx + Fw, Fb)}. */
  final int fs;
  final boolean longSteps;

  FixedMac(FixedType acc, FixedType x, FixedType w, FixedType b) {
    this.fx = x.fractionBits();
    this.fw = w.fractionBits();
    this.fb = b == null ? fx + fw : b.fractionBits();
    this.fs = Math.max(fx + fw, fb);
    this.acc = acc;
    BigInteger prod = FixedValue.maxAbs(x).multiply(FixedValue.maxAbs(w));
    this.longSteps = acc != null && acc.width() <= 61 && FixedValue.fitsLong(prod) && acc.fitsLong();
  }

  /**
   * Bounds {@code [lo, hi]} of every partial sum of one output in units of {@code 2^-fs}, given its bias raw (or
   * null) and weight raws; every term's range contains 0 because every input range does.
   */
  BigInteger[] bounds(Long bias, long[] w, int from, int count, int stride, FixedType x) {
    BigInteger xmin = x.minRaw();
    BigInteger xmax = x.maxRaw();
    int sw = fs - fx - fw;
    BigInteger lo = bias == null ? BigInteger.ZERO : BigInteger.valueOf(bias).shiftLeft(fs - fb);
    BigInteger hi = lo;
    for (int k = 0; k < count; k++) {
      BigInteger wk = BigInteger.valueOf(w[from + k * stride]).shiftLeft(sw);
      BigInteger a = wk.multiply(xmin);
      BigInteger c = wk.multiply(xmax);
      lo = lo.add(a.min(c).min(BigInteger.ZERO));
      hi = hi.add(a.max(c).max(BigInteger.ZERO));
    }
    return new BigInteger[] {lo, hi};
  }

  /** Whether a partial sum interval (units {@code 2^-fs}) passes every {@code Q_Tacc} unchanged. */
  boolean exactFor(BigInteger lo, BigInteger hi) {
    if (acc == null) {
      return true;
    }
    int fa = acc.fractionBits();
    if (fa < fx + fw || fa < fb) {
      return false;
    }
    return lo.shiftLeft(fa - fs).compareTo(acc.minRaw()) >= 0 && hi.shiftLeft(fa - fs).compareTo(acc.maxRaw()) <= 0;
  }

  /** A type wide enough to hold the given bound exactly (for a null accumulator). */
  static FixedType exactType(BigInteger bound, int fs) {
    int w = Math.max(2, bound.bitLength() + 2);
    return FixedType.signed(w, w - fs);
  }

  long startLong(long bias) {
    return acc.quantize(bias, fb);
  }

  long stepLong(long a, long x, long w) {
    return acc.quantize(a + acc.quantize(x * w, fx + fw), acc.fractionBits());
  }

  BigInteger startBig(BigInteger bias) {
    return acc.quantize(bias, fb);
  }

  BigInteger stepBig(BigInteger a, BigInteger x, BigInteger w) {
    return acc.quantize(a.add(acc.quantize(x.multiply(w), fx + fw)), acc.fractionBits());
  }
}
