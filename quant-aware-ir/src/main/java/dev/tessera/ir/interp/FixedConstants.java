package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import dev.tessera.ir.Tensor;
import java.math.BigInteger;

/**
 * The fixed constants of docs/fixed-point.md section 5 and the exact helpers that derive op constants from them:
 * pooling reciprocals, op parameters, Clip bounds, BatchNorm scale and shift. The backends call these to print the same integers that
 * {@link FixedInterpreter} uses; they never recompute them.
 */
public final class FixedConstants {

  /** Default type of op parameters such as LeakyRelu's alpha: {@code fixed<18,4,RND_CONV,SAT>}. */
  public static final FixedType PARAM_TYPE = new FixedType(true, 18, 4, Rounding.RND_CONV, Overflow.SAT);

  /** Default type of lookup-table entries: {@code fixed<18,8,RND_CONV,SAT>}. */
  public static final FixedType TABLE_TYPE = new FixedType(true, 18, 8, Rounding.RND_CONV, Overflow.SAT);

  /** Default number of lookup-table entries. */
  public static final int TABLE_SIZE = 1024;

  /** Type of the average-pooling reciprocal {@code 1/n}: {@code ufixed<18,1,RND_CONV>} (17 fraction bits). */
  public static final FixedType RECIPROCAL_TYPE = new FixedType(false, 18, 1, Rounding.RND_CONV, Overflow.WRAP);

  private FixedConstants() {}

  /**
   * The per-channel scale and shift of an unfolded BatchNormalization as raw integers of the types of its scale and
   * bias inputs.
   */
  public record ScaleShift(FixedType scaleType, long[] scale, FixedType shiftType, long[] shift) {}

  /**
   * {@code s = gamma / sqrt(var + eps)} and {@code t = beta - mean s}, computed in double from the (quantized)
   * constants and quantized to the types of {@code gamma} and {@code beta} (docs/fixed-point.md, BatchNorm).
   *
   * @throws IllegalArgumentException when the four vectors differ in length
   */
  public static ScaleShift batchNorm(Tensor gamma, Tensor beta, Tensor mean, Tensor var, double epsilon) {
    int c = gamma.size();
    if (beta.size() != c || mean.size() != c || var.size() != c) {
      throw new IllegalArgumentException("scale, bias, mean and variance must have the same length, got " + c + ", "
          + beta.size() + ", " + mean.size() + ", " + var.size());
    }
    FixedType ts = (FixedType) gamma.type();
    FixedType tt = (FixedType) beta.type();
    long[] s = new long[c];
    long[] t = new long[c];
    for (int i = 0; i < c; i++) {
      double sd = gamma.value(i) / Math.sqrt(var.value(i) + epsilon);
      double td = beta.value(i) - mean.value(i) * sd;
      s[i] = ts.fromDouble(sd).longValueExact();
      t[i] = tt.fromDouble(td).longValueExact();
    }
    return new ScaleShift(ts, s, tt, t);
  }

  /**
   * The raw value of {@code Q_ufixed<18,1,RND_CONV>(1/n)}, the reciprocal an average pool multiplies its window sum
   * by: {@code 2^17 / n} rounded to the nearest integer, a tie to the even one (a tie happens only for
   * {@code n = 2^18}). Its fraction bits are {@code RECIPROCAL_TYPE.fractionBits()} = 17.
   */
  public static long poolReciprocal(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("pooling divisor " + n + " must be at least 1");
    }
    int f = RECIPROCAL_TYPE.fractionBits();
    BigInteger[] qr = BigInteger.ONE.shiftLeft(f).divideAndRemainder(BigInteger.valueOf(n));
    int cmp = qr[1].shiftLeft(1).compareTo(BigInteger.valueOf(n));
    BigInteger q = cmp > 0 || (cmp == 0 && qr[0].testBit(0)) ? qr[0].add(BigInteger.ONE) : qr[0];
    return RECIPROCAL_TYPE.quantize(q, f).longValueExact();
  }

  /** The raw value of an op parameter quantized to its type ({@code Q_T(v)}, exact from the double). */
  public static BigInteger param(FixedType type, double v) {
    return type.fromDouble(v);
  }

  /**
   * A Clip bound in the output type: {@code v} quantized to {@code ty} with {@code RND_CONV} and {@code SAT}; an
   * infinite bound is the end of the range on its side.
   */
  public static BigInteger clipBound(FixedType ty, double v) {
    if (Double.isNaN(v)) {
      throw new IllegalArgumentException("clip bound is NaN");
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? ty.maxRaw() : ty.minRaw();
    }
    return ty.withModes(Rounding.RND_CONV, Overflow.SAT).fromDouble(v);
  }
}
