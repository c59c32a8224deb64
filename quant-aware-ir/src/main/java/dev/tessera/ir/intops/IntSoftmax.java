package dev.tessera.ir.intops;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import java.math.BigInteger;

/**
 * Integer-only softmax over rows, after I-BERT: subtract the row maximum, take the unscaled i-exp
 * {@link IntExp#unscaled} of every difference (the polynomial's factor a cancels in the ratio), sum, and divide by
 * one normalized reciprocal per row.
 *
 * <p>Per row: {@code d_i = align(q_i - max q)}, {@code E_i = unscaled(d_i)}, {@code S = sum E_i},
 * {@code s = bitLength(S)}, {@code R = floor(2^(s + Fo + 2) / S)}, and
 * {@code y_i = floor((E_i R + 2^(s+1)) / 2^(s+2))} (nearest, ties up). The output type is {@code ufixed<Fo+1, 1>};
 * {@code 0 <= y_i <= 2^Fo}. docs/integer-ops.md gives the error bound.
 */
public final class IntSoftmax {

  /** Default output fraction bits. */
  public static final int DEFAULT_OUTPUT_FRACTION_BITS = 16;
  /** Largest supported output fraction bits. */
  public static final int MAX_OUTPUT_FRACTION_BITS = 40;

  private static final IntSoftmax STANDARD =
      new IntSoftmax(IntExp.DEFAULT_FRACTION_BITS, DEFAULT_OUTPUT_FRACTION_BITS);

  private final IntExp exp;
  private final int outFrac;

  /** Softmax with {@code k} working fraction bits for i-exp and {@code outFrac} output fraction bits. */
  public IntSoftmax(int k, int outFrac) {
    if (outFrac < 1 || outFrac > MAX_OUTPUT_FRACTION_BITS) {
      throw new IllegalArgumentException("softmax output fraction bits " + outFrac + " must be in [1, "
          + MAX_OUTPUT_FRACTION_BITS + "]");
    }
    this.exp = new IntExp(k);
    this.outFrac = outFrac;
  }

  /** k = 16, 16 output fraction bits. */
  public static IntSoftmax standard() {
    return STANDARD;
  }

  /** The i-exp used for the numerators. */
  public IntExp exp() {
    return exp;
  }

  /** Output fraction bits Fo. */
  public int outputFractionBits() {
    return outFrac;
  }

  /** {@code ufixed<Fo+1, 1>}. */
  public FixedType outputType() {
    return new FixedType(false, outFrac + 1, 1, Rounding.TRN, Overflow.WRAP);
  }

  /** Softmax of consecutive rows of {@code rowLength} raw values of type {@code in}. */
  public IntResult apply(long[] raw, FixedType in, int rowLength) {
    Shifts.checkWidth(in, 62, "softmax");
    Shifts.checkRaw(raw, in, "softmax");
    int rows = Shifts.rows(raw, rowLength, "softmax");
    long[] out = new long[raw.length];
    long[] e = new long[rowLength];
    for (int r = 0; r < rows; r++) {
      int base = r * rowLength;
      long max = Long.MIN_VALUE;
      for (int i = 0; i < rowLength; i++) {
        max = Math.max(max, raw[base + i]);
      }
      long sum = 0;
      for (int i = 0; i < rowLength; i++) {
        e[i] = exp.unscaled(exp.align(raw[base + i] - max, in));
        sum = Math.addExact(sum, e[i]);
      }
      normalize(e, sum, out, base);
    }
    return new IntResult(out, outputType());
  }

  /** Softmax of one row. */
  public IntResult apply(long[] row, FixedType in) {
    return apply(row, in, row.length);
  }

  private void normalize(long[] e, long sum, long[] out, int base) {
    int s = 64 - Long.numberOfLeadingZeros(sum);
    long recip = BigInteger.ONE.shiftLeft(s + outFrac + 2).divide(BigInteger.valueOf(sum)).longValueExact();
    int shift = s + 2;
    // E_i < 2^(2k+2) and R <= 2^(Fo+3): the product fits a long when 2k + Fo + 5 <= 63
    boolean small = 2 * exp.fractionBits() + outFrac + 5 <= 63 && shift <= 62;
    BigInteger bigRecip = BigInteger.valueOf(recip);
    for (int i = 0; i < e.length; i++) {
      if (small) {
        out[base + i] = (e[i] * recip + (1L << (shift - 1))) >> shift;
      } else {
        out[base + i] = BigInteger.valueOf(e[i]).multiply(bigRecip).add(BigInteger.ONE.shiftLeft(shift - 1))
            .shiftRight(shift).longValueExact();
      }
    }
  }

  @Override
  public String toString() {
    return "IntSoftmax(k=" + exp.fractionBits() + ", Fo=" + outFrac + ")";
  }
}
