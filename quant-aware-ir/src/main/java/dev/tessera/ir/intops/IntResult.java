package dev.tessera.ir.intops;

import dev.tessera.ir.FixedType;
import java.math.BigInteger;

/**
 * Raw integers produced by an integer-only kernel together with the fixed-point type they belong to: element
 * {@code i} means {@code raw[i] * 2^-type.fractionBits()}. The type is the kernel's natural output type, wide
 * enough that no value overflows it; {@link #requantize(FixedType)} applies the contract's {@code Q_T} to narrow it.
 */
public record IntResult(long[] raw, FixedType type) {

  public IntResult {
    if (raw == null || type == null) {
      throw new IllegalArgumentException("raw values and type must be given");
    }
    if (!type.fitsLong()) {
      throw new IllegalArgumentException("result type " + type + " does not fit a long");
    }
  }

  /** Number of values. */
  public int size() {
    return raw.length;
  }

  /** The values as doubles (exact while the raw values fit in 53 bits). */
  public double[] toDoubles() {
    double[] d = new double[raw.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = type.toDouble(raw[i]);
    }
    return d;
  }

  /** The raw values as BigIntegers, the representation of {@code FixedArray}. */
  public BigInteger[] toBigIntegers() {
    BigInteger[] b = new BigInteger[raw.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = BigInteger.valueOf(raw[i]);
    }
    return b;
  }

  /** {@code Q_target} of every value (rounding and overflow of {@code target}, docs/fixed-point.md section 2). */
  public IntResult requantize(FixedType target) {
    long[] out = new long[raw.length];
    int frac = type.fractionBits();
    for (int i = 0; i < out.length; i++) {
      out[i] = target.quantize(raw[i], frac);
    }
    return new IntResult(out, target);
  }
}
