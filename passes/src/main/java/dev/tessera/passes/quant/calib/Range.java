package dev.tessera.passes.quant.calib;

/** A closed interval {@code [lo, hi]} of finite values that a tensor (or a channel of it) should represent. */
public record Range(double lo, double hi) {

  public Range {
    if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
      throw new IllegalArgumentException("range bounds must be finite, got [" + lo + ", " + hi + "]");
    }
    if (lo > hi) {
      throw new IllegalArgumentException("range lower bound " + lo + " exceeds upper bound " + hi);
    }
    // normalize -0.0 so that equal ranges compare equal
    lo = lo == 0 ? 0.0 : lo;
    hi = hi == 0 ? 0.0 : hi;
  }

  /** {@code max(|lo|, |hi|)}. */
  public double maxAbs() {
    return Math.max(Math.abs(lo), Math.abs(hi));
  }

  /** {@code hi - lo}. */
  public double width() {
    return hi - lo;
  }

  /** True when {@code lo <= v <= hi}. */
  public boolean contains(double v) {
    return v >= lo && v <= hi;
  }

  /** True when the range has a negative lower bound, i.e. needs a signed type. */
  public boolean hasNegative() {
    return lo < 0;
  }

  /** This range intersected with {@code [-t, t]} ({@code t >= 0}). */
  public Range clipSymmetric(double t) {
    return new Range(Math.max(lo, -t), Math.min(hi, t));
  }

  @Override
  public String toString() {
    return "[" + lo + ", " + hi + "]";
  }
}
