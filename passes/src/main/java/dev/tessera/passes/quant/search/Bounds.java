package dev.tessera.passes.quant.search;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Overflow;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Exact bounds of the values of a tensor, as raw integers at {@code frac} fraction bits (a value is
 * {@code raw * 2^-frac}): either one interval for every element ({@code lo.length == 1}) or one per channel (axis
 * 1 of the tensor). Used by {@link IntervalAnalysis}; immutable.
 */
record Bounds(BigInteger[] lo, BigInteger[] hi, int frac) {

  Bounds {
    if (lo.length != hi.length || lo.length == 0) {
      throw new IllegalArgumentException("bounds need as many lower as upper ends, at least one");
    }
  }

  static Bounds uniform(BigInteger lo, BigInteger hi, int frac) {
    return new Bounds(new BigInteger[] {lo}, new BigInteger[] {hi}, frac);
  }

  /** Every value of the type. */
  static Bounds ofType(FixedType t) {
    return uniform(t.minRaw(), t.maxRaw(), t.fractionBits());
  }

  /** The exact values of a constant as one interval. */
  static Bounds ofValues(long[] raw, int frac) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (long r : raw) {
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }
    if (raw.length == 0) {
      lo = 0;
      hi = 0;
    }
    return uniform(BigInteger.valueOf(lo), BigInteger.valueOf(hi), frac);
  }

  int channels() {
    return lo.length;
  }

  boolean perChannel() {
    return lo.length > 1;
  }

  BigInteger lo(int c) {
    return lo.length == 1 ? lo[0] : lo[c];
  }

  BigInteger hi(int c) {
    return hi.length == 1 ? hi[0] : hi[c];
  }

  BigInteger min() {
    return Arrays.stream(lo).reduce(BigInteger::min).orElseThrow();
  }

  BigInteger max() {
    return Arrays.stream(hi).reduce(BigInteger::max).orElseThrow();
  }

  /** One interval covering every channel. */
  Bounds union() {
    return lo.length == 1 ? this : uniform(min(), max(), frac);
  }

  /** The same bounds with more fraction bits (exact). */
  Bounds align(int f) {
    if (f < frac) {
      throw new IllegalArgumentException("cannot align " + frac + " fraction bits down to " + f);
    }
    if (f == frac) {
      return this;
    }
    int s = f - frac;
    BigInteger[] l = new BigInteger[lo.length];
    BigInteger[] h = new BigInteger[hi.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = lo[i].shiftLeft(s);
      h[i] = hi[i].shiftLeft(s);
    }
    return new Bounds(l, h, f);
  }

  /** Widens every interval to contain 0 (padding, skipped terms). */
  Bounds withZero() {
    BigInteger[] l = new BigInteger[lo.length];
    BigInteger[] h = new BigInteger[hi.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = lo[i].min(BigInteger.ZERO);
      h[i] = hi[i].max(BigInteger.ZERO);
    }
    return new Bounds(l, h, frac);
  }

  /** Per-channel bounds expanded to {@code n} channels (uniform bounds are repeated). */
  Bounds expand(int n) {
    if (lo.length == n) {
      return this;
    }
    if (lo.length != 1) {
      return union().expand(n);
    }
    BigInteger[] l = new BigInteger[n];
    BigInteger[] h = new BigInteger[n];
    Arrays.fill(l, lo[0]);
    Arrays.fill(h, hi[0]);
    return new Bounds(l, h, frac);
  }

  /**
   * The bounds after rounding to {@code t}'s fraction bits with {@code t}'s rounding mode, before its overflow
   * step (rounding is monotone, so the ends map to the ends).
   */
  Bounds round(FixedType t) {
    FixedType unbounded = new FixedType(true, FixedType.MAX_WIDTH, FixedType.MAX_WIDTH - t.fractionBits(),
        t.rounding(), Overflow.WRAP);
    BigInteger[] l = new BigInteger[lo.length];
    BigInteger[] h = new BigInteger[hi.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = unbounded.quantize(lo[i], frac);
      h[i] = unbounded.quantize(hi[i], frac);
    }
    return new Bounds(l, h, t.fractionBits());
  }

  /** True when every end lies in the raw range of {@code t} (bounds at {@code t}'s fraction bits). */
  boolean fits(FixedType t) {
    return min().compareTo(t.minRaw()) >= 0 && max().compareTo(t.maxRaw()) <= 0;
  }

  /** The bounds clamped into the raw range of {@code t}. */
  Bounds clamp(FixedType t) {
    BigInteger[] l = new BigInteger[lo.length];
    BigInteger[] h = new BigInteger[hi.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = lo[i].max(t.minRaw()).min(t.maxRaw());
      h[i] = hi[i].max(t.minRaw()).min(t.maxRaw());
    }
    return new Bounds(l, h, frac);
  }

  /** The smallest lower end as a double value. */
  double minValue() {
    return Math.scalb(min().doubleValue(), -frac);
  }

  /** The largest upper end as a double value. */
  double maxValue() {
    return Math.scalb(max().doubleValue(), -frac);
  }
}
