package dev.tessera.ir.intops;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import java.math.BigDecimal;

/**
 * Integer-only {@code e^x} for {@code x <= 0} after I-BERT's i-exp (Kim et al., 2021): {@code x = -z ln2 + p} with
 * an integer {@code z >= 0} and {@code p} in {@code (-ln2, 0]}, a second-order polynomial
 * {@code a (p + b)^2 + c} for {@code e^p}, and a right shift by {@code z}.
 *
 * <p>With {@code k} working fraction bits and {@code L = round(ln2 * 2^k)}: {@code z = floor(-d / L)},
 * {@code p = d + z L}, {@code P = (p + 2L)^2 + 2L^2}, {@code E = floor(P / 2^z)}; then {@code e^x ~ a E 2^-2k}.
 * The polynomial has {@code b = 2 ln2} and {@code c = 2 a ln2^2}, so that {@code P(0) = 2 P(-L)} exactly: the
 * pieces join without a step, which makes the result monotone in x. {@code a = 0.34663} minimizes the relative
 * error (2.65e-3; I-BERT's constants 0.3585, 1.353, 0.344 give 3.1e-3 and a downward step at every piece
 * boundary). docs/integer-ops.md has the derivation and the constants.
 */
public final class IntExp {

  /** Default working fraction bits. */
  public static final int DEFAULT_FRACTION_BITS = 16;
  /** Smallest supported working fraction bits. */
  public static final int MIN_FRACTION_BITS = 4;
  /** Largest supported working fraction bits (keeps every product in a long). */
  public static final int MAX_FRACTION_BITS = 20;
  /** The polynomial's scale a, an exact decimal. */
  public static final BigDecimal A = new BigDecimal("0.34663");

  private static final IntExp STANDARD = new IntExp(DEFAULT_FRACTION_BITS);

  private final int k;
  private final long ln2;
  private final long a;
  private final long zeroBound;

  /** i-exp working with {@code k} fraction bits. */
  public IntExp(int k) {
    if (k < MIN_FRACTION_BITS || k > MAX_FRACTION_BITS) {
      throw new IllegalArgumentException("i-exp fraction bits " + k + " must be in [" + MIN_FRACTION_BITS + ", "
          + MAX_FRACTION_BITS + "]");
    }
    this.k = k;
    this.ln2 = IntConstants.roundScaled(IntConstants.LN2, k);
    this.a = IntConstants.roundScaled(A, k + 2);
    this.zeroBound = (2L * k + 2) * ln2;
    if (unscaledMax() >= 1L << (2 * k + 2) || Math.multiplyHigh(a, unscaledMax()) != 0
        || Long.compareUnsigned(a * unscaledMax(), 1L << (scaleBits() + 1)) >= 0) {
      throw new IllegalStateException("i-exp constants for k = " + k + " exceed their documented bounds");
    }
  }

  /** i-exp with {@link #DEFAULT_FRACTION_BITS}. */
  public static IntExp standard() {
    return STANDARD;
  }

  /** Working fraction bits k. */
  public int fractionBits() {
    return k;
  }

  /** {@code L = round(ln2 * 2^k)}. */
  public long ln2() {
    return ln2;
  }

  /** {@code A = round(a * 2^(k+2))}. */
  public long a() {
    return a;
  }

  /** Largest unscaled value {@code P(0) = 6 L^2}. */
  public long unscaledMax() {
    return 6 * ln2 * ln2;
  }

  /** Fraction bits of {@link #apply} results: {@code 3k + 2}. */
  public int scaleBits() {
    return 3 * k + 2;
  }

  /**
   * Type of {@link #apply} results, {@code ufixed<3k+3, 1>}. Results are below 1.003 for every supported k (below
   * 1 for most, e.g. 0.99923 at k = 16), so {@code Q_T} to a type with 0 integer bits needs SAT.
   */
  public FixedType outputType() {
    return new FixedType(false, scaleBits() + 1, 1, Rounding.TRN, Overflow.WRAP);
  }

  /**
   * The unscaled exponential {@code E} of {@code d <= 0} given with k fraction bits: {@code e^(d 2^-k)} is about
   * {@code a E 2^-2k}. {@code 0 <= E <= 6 L^2 < 2^(2k+2)}; E is 0 for {@code d <= -(2k+2) L}.
   */
  public long unscaled(long d) {
    if (d > 0) {
      throw new IllegalArgumentException("i-exp input " + d + " (" + k + " fraction bits) must be <= 0");
    }
    if (d <= -zeroBound) {
      return 0;
    }
    long z = -d / ln2;
    long p = d + z * ln2;
    long t = p + 2 * ln2;
    long poly = t * t + 2 * ln2 * ln2;
    return poly >> z;
  }

  /** The raw value {@code q <= 0} of type {@code in} aligned to k fraction bits (floor), saturated far below 0. */
  public long align(long q, FixedType in) {
    int f = in.fractionBits();
    if (f >= k) {
      return Shifts.floorShift(q, f - k);
    }
    int s = k - f;
    if (s >= 62 || q < -((zeroBound >> s) + 1)) {
      return -zeroBound;
    }
    return q << s;
  }

  /** {@code e^x} of one raw value {@code q <= 0} of type {@code in}, as a raw value of {@link #outputType()}. */
  public long apply(long q, FixedType in) {
    if (q > 0) {
      throw new IllegalArgumentException("i-exp input raw value " + q + " of " + in + " must be <= 0");
    }
    return a * unscaled(align(q, in));
  }

  /** {@code e^x} of raw values {@code <= 0} of type {@code in}. */
  public IntResult apply(long[] raw, FixedType in) {
    Shifts.checkWidth(in, 63, "i-exp");
    Shifts.checkRaw(raw, in, "i-exp");
    long[] out = new long[raw.length];
    for (int i = 0; i < raw.length; i++) {
      out[i] = apply(raw[i], in);
    }
    return new IntResult(out, outputType());
  }

  @Override
  public String toString() {
    return "IntExp(k=" + k + ", L=" + ln2 + ", A=" + a + ")";
  }
}
