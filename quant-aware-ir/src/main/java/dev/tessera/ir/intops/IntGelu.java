package dev.tessera.ir.intops;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Integer-only GELU after I-BERT's i-GELU (Kim et al., 2021): {@code GELU(x) = x Phi(x)} with
 * {@code Phi(x) = (1 + erf(x / sqrt2)) / 2} and i-erf's polynomial
 * {@code erf(t) ~ sgn(t) [a (min(|t|, -b) + b)^2 + 1]}, {@code a = -0.2888}, {@code b = -1.769}.
 *
 * <p>Folding {@code 1/sqrt2} into the constants gives, for {@code u = min(|x|, c)} with {@code c = 1.769 sqrt2},
 * {@code h = 0.0722 (c - u)^2} and {@code Phi = 1 - h} for {@code x >= 0}, {@code Phi = h} for {@code x < 0}. In
 * integers with k fraction bits: {@code Bc = round(1.769 sqrt2 2^k)}, {@code Ha = round(0.0722 2^(k+2))},
 * {@code U = min(align(|q|), Bc)}, {@code H = floor((Ha (Bc - U)^2 + 2^(2k+1)) / 2^(2k+2))},
 * {@code Phi = q >= 0 ? 2^k - H : H}, {@code y = q Phi}. The result is exact in
 * {@code fixed<W+k, I>} for an input {@code fixed<W, I>}; {@code y(q) - y(-q) = q 2^k} exactly.
 */
public final class IntGelu {

  /** Default fraction bits of Phi. */
  public static final int DEFAULT_FRACTION_BITS = 16;
  /** Smallest supported k. */
  public static final int MIN_FRACTION_BITS = 4;
  /** Largest supported k. */
  public static final int MAX_FRACTION_BITS = 20;
  /** i-erf's {@code -b}, an exact decimal. */
  public static final BigDecimal ERF_CLIP = new BigDecimal("1.769");
  /** {@code -a / 4} of i-erf's a, an exact decimal. */
  public static final BigDecimal H_COEFFICIENT = new BigDecimal("0.0722");

  private static final IntGelu STANDARD = new IntGelu(DEFAULT_FRACTION_BITS);

  private final int k;
  private final long clip;
  private final long coefficient;

  /** i-GELU with Phi computed to {@code k} fraction bits. */
  public IntGelu(int k) {
    if (k < MIN_FRACTION_BITS || k > MAX_FRACTION_BITS) {
      throw new IllegalArgumentException("i-gelu fraction bits " + k + " must be in [" + MIN_FRACTION_BITS + ", "
          + MAX_FRACTION_BITS + "]");
    }
    this.k = k;
    // round(1.769 sqrt2 2^k) = round(sqrt(2 * 1.769^2 * 4^k))
    BigInteger twiceSquare = ERF_CLIP.multiply(ERF_CLIP).multiply(BigDecimal.valueOf(2)).unscaledValue();
    int scale = ERF_CLIP.multiply(ERF_CLIP).scale();
    this.clip = IntConstants.roundSqrt(twiceSquare.shiftLeft(2 * k), BigInteger.TEN.pow(scale));
    this.coefficient = IntConstants.roundScaled(H_COEFFICIENT, k + 2);
    if (Math.multiplyHigh(coefficient, clip * clip) != 0 || coefficient * clip * clip >= 1L << (3 * k + 1)) {
      throw new IllegalStateException("i-gelu constants for k = " + k + " exceed their documented bounds");
    }
  }

  /** i-GELU with {@link #DEFAULT_FRACTION_BITS}. */
  public static IntGelu standard() {
    return STANDARD;
  }

  /** Fraction bits k of Phi. */
  public int fractionBits() {
    return k;
  }

  /** {@code Bc = round(1.769 sqrt2 2^k)}, where the polynomial saturates. */
  public long clip() {
    return clip;
  }

  /** {@code Ha = round(0.0722 2^(k+2))}. */
  public long coefficient() {
    return coefficient;
  }

  /** {@code fixed<W+k, I>} for an input {@code fixed<W, I>} ({@code ufixed<W+k, I>} for {@code ufixed<W, I>}). */
  public FixedType outputType(FixedType in) {
    return new FixedType(in.signed(), in.width() + k, in.integerBits(), Rounding.TRN, Overflow.WRAP);
  }

  /** Phi of one raw value of {@code in}, with k fraction bits, in {@code [0, 2^k]}. */
  public long phi(long q, FixedType in) {
    long m = Math.abs(q);
    int f = in.fractionBits();
    long u;
    if (f >= k) {
      u = Math.min(Shifts.floorShift(m, f - k), clip);
    } else {
      int s = k - f;
      u = s >= 62 || m > (clip >> s) + 1 ? clip : Math.min(m << s, clip);
    }
    long d = clip - u;
    long h = (coefficient * d * d + (1L << (2 * k + 1))) >> (2 * k + 2);
    return q >= 0 ? (1L << k) - h : h;
  }

  /** GELU of one raw value of {@code in}, a raw value of {@link #outputType(FixedType)}. */
  public long apply(long q, FixedType in) {
    return q * phi(q, in);
  }

  /** GELU of raw values of type {@code in}. */
  public IntResult apply(long[] raw, FixedType in) {
    if (!outputType(in).fitsLong()) {
      throw new IllegalArgumentException("i-gelu output of " + in + " with k = " + k
          + " needs more than 64 bits; use a narrower input or a smaller k");
    }
    Shifts.checkRaw(raw, in, "i-gelu");
    FixedType outType = outputType(in);
    long[] out = new long[raw.length];
    for (int i = 0; i < raw.length; i++) {
      out[i] = apply(raw[i], in);
    }
    return new IntResult(out, outType);
  }

  @Override
  public String toString() {
    return "IntGelu(k=" + k + ", Bc=" + clip + ", Ha=" + coefficient + ")";
  }
}
