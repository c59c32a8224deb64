package dev.tessera.ir.intops;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Integer-only layer normalization {@code (x - mean) / sqrt(var + eps)} over rows, with exact sums, the exact
 * integer square root {@link IntSqrt} and one normalized reciprocal per row. The affine part
 * ({@code gamma}, {@code beta}) is an ordinary exact Mul and Add after it.
 *
 * <p>Per row of n raw values q with F fraction bits: {@code Sq = sum q}, {@code D_i = n q_i - Sq} (exactly
 * {@code n (x_i - mean) 2^F}), {@code V = n sum q^2 - Sq^2} (exactly {@code n^2 2^2F var}),
 * {@code Ve = V 2^2e + n^2 Eps} with {@code Eps = round(eps 2^(2F+2e))}; {@code Ve} is normalized by an even shift h
 * to {@code 2 Tb - 1} or
 * {@code 2 Tb} bits ({@code Tb = Fo + zb + 3}, {@code 4^zb >= n}), {@code T = isqrt(Ve >> h)},
 * {@code R = floor(2^(2 Tb) / T)} and {@code y_i = round(D_i R 2^-(2 Tb + h/2 - e - Fo))}, nearest with ties away
 * from zero. The result type is {@code fixed<Fo+zb+2, zb+2>}; the error is below one output LSB
 * (docs/integer-ops.md).
 */
public final class IntLayerNorm {

  /** Default output fraction bits. */
  public static final int DEFAULT_OUTPUT_FRACTION_BITS = 16;
  /** Largest supported output fraction bits. */
  public static final int MAX_OUTPUT_FRACTION_BITS = 32;
  /** Eps is quantized with at least this many bits above its leading bit (relative error below 2^-21). */
  public static final int EPSILON_BITS = 20;

  private final int outFrac;
  private final double epsilon;

  /** Layer normalization with {@code outFrac} output fraction bits and variance offset {@code epsilon >= 0}. */
  public IntLayerNorm(int outFrac, double epsilon) {
    if (outFrac < 1 || outFrac > MAX_OUTPUT_FRACTION_BITS) {
      throw new IllegalArgumentException("layer-norm output fraction bits " + outFrac + " must be in [1, "
          + MAX_OUTPUT_FRACTION_BITS + "]");
    }
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("layer-norm epsilon " + epsilon + " must be finite and >= 0");
    }
    this.outFrac = outFrac;
    this.epsilon = epsilon;
  }

  /** Output fraction bits Fo. */
  public int outputFractionBits() {
    return outFrac;
  }

  /** The variance offset. */
  public double epsilon() {
    return epsilon;
  }

  /** {@code zb}: the least integer with {@code 4^zb >= n}; every normalized value is below {@code 2^zb}. */
  public static int magnitudeBits(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("layer-norm row length " + n + " must be >= 1");
    }
    int zb = 0;
    while ((1L << (2 * zb)) < n) {
      zb++;
    }
    return zb;
  }

  /** {@code fixed<Fo+zb+2, zb+2>} for rows of n values. */
  public FixedType outputType(int n) {
    int zb = magnitudeBits(n);
    return new FixedType(true, outFrac + zb + 2, zb + 2, Rounding.TRN, Overflow.WRAP);
  }

  /**
   * The extra scale e of the quantized epsilon for inputs with {@code inFrac} fraction bits:
   * {@code e = max(0, ceil((20 - E - 2F) / 2))} with {@code E = floor(log2 eps)}; 0 when eps is 0.
   */
  public int epsilonShift(int inFrac) {
    if (epsilon == 0) {
      return 0;
    }
    long need = EPSILON_BITS - (long) floorLog2(epsilon) - 2L * inFrac;
    return (int) Math.max(0, Math.floorDiv(need + 1, 2));
  }

  /** {@code Eps = round(eps 2^(2F + 2e))}, nearest with ties to even, of the exact double. */
  public BigInteger epsilonRaw(int inFrac) {
    if (epsilon == 0) {
      return BigInteger.ZERO;
    }
    int bits = 2 * inFrac + 2 * epsilonShift(inFrac);
    return IntConstants.roundScaledBig(new BigDecimal(epsilon), bits);
  }

  /** Layer normalization of consecutive rows of {@code rowLength} raw values of type {@code in}. */
  public IntResult apply(long[] raw, FixedType in, int rowLength) {
    Shifts.checkWidth(in, 62, "layer-norm");
    Shifts.checkRaw(raw, in, "layer-norm");
    int rows = Shifts.rows(raw, rowLength, "layer-norm");
    int n = rowLength;
    int zb = magnitudeBits(n);
    int tb = outFrac + zb + 3;
    int e = epsilonShift(in.fractionBits());
    BigInteger epsTerm = epsilonRaw(in.fractionBits()).multiply(BigInteger.valueOf(n).pow(2));
    BigInteger bn = BigInteger.valueOf(n);
    long[] out = new long[raw.length];
    for (int r = 0; r < rows; r++) {
      int base = r * n;
      BigInteger sum = BigInteger.ZERO;
      BigInteger sumSq = BigInteger.ZERO;
      for (int i = 0; i < n; i++) {
        BigInteger q = BigInteger.valueOf(raw[base + i]);
        sum = sum.add(q);
        sumSq = sumSq.add(q.multiply(q));
      }
      BigInteger ve = bn.multiply(sumSq).subtract(sum.multiply(sum)).shiftLeft(2 * e).add(epsTerm);
      if (ve.signum() == 0) {
        continue; // all values equal and eps = 0: every D_i is 0
      }
      int h = 2 * Math.floorDiv(ve.bitLength() - 2 * tb + 1, 2);
      BigInteger normalized = h >= 0 ? ve.shiftRight(h) : ve.shiftLeft(-h);
      BigInteger t = IntSqrt.floorSqrt(normalized);
      BigInteger recip = BigInteger.ONE.shiftLeft(2 * tb).divide(t);
      int shift = 2 * tb + h / 2 - e - outFrac;
      for (int i = 0; i < n; i++) {
        BigInteger d = bn.multiply(BigInteger.valueOf(raw[base + i])).subtract(sum);
        out[base + i] = Shifts.roundShift(d.multiply(recip), shift).longValueExact();
      }
    }
    return new IntResult(out, outputType(n));
  }

  /** {@code floor(log2 v)} of a positive finite double, subnormals included. */
  static int floorLog2(double v) {
    if (v < Double.MIN_NORMAL) {
      return Math.getExponent(Math.scalb(v, 64)) - 64;
    }
    return Math.getExponent(v);
  }

  @Override
  public String toString() {
    return "IntLayerNorm(Fo=" + outFrac + ", eps=" + epsilon + ")";
  }
}
