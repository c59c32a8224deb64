package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.op.TableSpec;
import java.math.BigInteger;
import java.util.function.DoubleUnaryOperator;

/**
 * The lookup tables of docs/fixed-point.md: their entries, the index of an input, and the default {@link TableSpec}
 * of each op. This class is the single source of table contents: a backend prints the integers returned by
 * {@link #entries(TableSpec, DoubleUnaryOperator)} (or one of the named shortcuts such as {@link #sigmoid}) and
 * computes the index of {@link #index(TableSpec, int, BigInteger)} in hardware; it never evaluates the function
 * itself.
 *
 * <p>A table of {@code N = 2^n} entries covers {@code [lo, lo + 2^R)}. Entry {@code i} is
 * {@code Q_Ttable(f(lo + (i + 1/2) * 2^(R-n)))} with {@code f} evaluated in double by {@link StrictMath} (so it is
 * the same on every JVM); an infinite {@code f} is replaced by {@code ±Double.MAX_VALUE} before quantization, so it
 * ends in the table type's overflow mode. The index of an input {@code x = raw * 2^-F} is
 * {@code clamp(floor((x - lo) * 2^(n-R)), 0, N-1)}, computed exactly on the raw integer: with {@code lo = L * 2^-fl}
 * and {@code f = max(F, fl)}, it is {@code (raw * 2^(f-F) - L * 2^(f-fl))} shifted left by {@code n - R - f}
 * (an arithmetic right shift, which floors, when that is negative), then clamped.
 */
public final class Tables {

  private Tables() {}

  /** The raw entries of a table of {@code f} (raw integers of {@code spec.type()}). */
  public static long[] entries(TableSpec spec, DoubleUnaryOperator f) {
    FixedType t = spec.type();
    if (!t.fitsLong()) {
      throw new IllegalArgumentException("table entry type " + t + " is wider than 64 bits");
    }
    long[] e = new long[spec.size()];
    for (int i = 0; i < e.length; i++) {
      double x = spec.sampleAt(i);
      double v = f.applyAsDouble(x);
      if (Double.isNaN(v)) {
        throw new IllegalArgumentException("table function is undefined at " + x);
      }
      if (Double.isInfinite(v)) {
        v = v > 0 ? Double.MAX_VALUE : -Double.MAX_VALUE;
      }
      e[i] = t.fromDouble(v).longValueExact();
    }
    return e;
  }

  /** Entries of {@code 1 / (1 + e^-v)}, evaluated as {@code 1.0 / (1.0 + StrictMath.exp(-v))}. */
  public static long[] sigmoid(TableSpec spec) {
    return entries(spec, v -> 1.0 / (1.0 + StrictMath.exp(-v)));
  }

  /** Entries of {@code StrictMath.tanh(v)}. */
  public static long[] tanh(TableSpec spec) {
    return entries(spec, StrictMath::tanh);
  }

  /** Entries of {@code StrictMath.exp(v)}. */
  public static long[] exp(TableSpec spec) {
    return entries(spec, StrictMath::exp);
  }

  /** Entries of {@code 1.0 / v} (the Softmax reciprocal table). */
  public static long[] reciprocal(TableSpec spec) {
    return entries(spec, v -> 1.0 / v);
  }

  /**
   * Entries of the negative branch of Elu and Selu, {@code lambda * alpha * (e^v - 1)}, evaluated as
   * {@code lambda * alpha * StrictMath.expm1(v)} (left to right); lambda is 1 for Elu. The double parameters are
   * used, not their quantized values.
   */
  public static long[] eluNegative(TableSpec spec, double alpha, double lambda) {
    return entries(spec, v -> lambda * alpha * StrictMath.expm1(v));
  }

  /** The index of the input {@code raw * 2^-fractionBits}, exact for any raw value. */
  public static int index(TableSpec spec, int fractionBits, BigInteger raw) {
    return indexer(spec, fractionBits).index(raw);
  }

  /** A precomputed index function for inputs with {@code fractionBits} fraction bits. */
  public static Indexer indexer(TableSpec spec, int fractionBits) {
    return new Indexer(spec, fractionBits);
  }

  /** The index function of one table for one input scale, with a long fast path. */
  public static final class Indexer {
    private final int max;
    private final int shiftRaw;
    private final int shiftOut;
    private final BigInteger loBig;
    private final long loLong;
    private final boolean longPath;
    private final long rawLimit;

    private Indexer(TableSpec spec, int fractionBits) {
      max = spec.size() - 1;
      double lo = spec.lo();
      if (Double.isNaN(lo) || Double.isInfinite(lo)) {
        throw new IllegalArgumentException("table start " + lo + " is not finite");
      }
      long mant = 0;
      int fl = 0;
      if (lo != 0.0) {
        int e = Math.max(Math.getExponent(lo), Double.MIN_EXPONENT) - 52;
        mant = (long) Math.scalb(lo, -e);
        int tz = Long.numberOfTrailingZeros(mant);
        mant >>= tz;
        fl = -(e + tz);
      }
      int f = Math.max(fractionBits, fl);
      shiftRaw = f - fractionBits;
      loBig = BigInteger.valueOf(mant).shiftLeft(f - fl);
      shiftOut = spec.indexBits() - spec.rangeLog2() - f;
      longPath = shiftRaw <= 61 && loBig.bitLength() <= 61;
      loLong = longPath ? loBig.longValue() : 0;
      rawLimit = longPath ? 1L << (61 - shiftRaw) : 0;
    }

    /** The index of a raw input. */
    public int index(long raw) {
      if (longPath && raw < rawLimit && raw > -rawLimit) {
        long a = (raw << shiftRaw) - loLong;
        if (shiftOut <= 0) {
          return clamp(a >> Math.min(-shiftOut, 63));
        }
        if (a <= 0) {
          return 0;
        }
        return shiftOut >= 32 || a >= (1L << 31) ? max : clamp(a << shiftOut);
      }
      return index(BigInteger.valueOf(raw));
    }

    /** The index of a raw input. */
    public int index(BigInteger raw) {
      BigInteger a = raw.shiftLeft(shiftRaw).subtract(loBig);
      BigInteger s = shiftOut >= 0 ? a.shiftLeft(Math.min(shiftOut, 64)) : a.shiftRight(-shiftOut);
      if (s.signum() < 0) {
        return 0;
      }
      return s.bitLength() > 31 ? max : clamp(s.longValue());
    }

    private int clamp(long v) {
      return v < 0 ? 0 : (int) Math.min(v, max);
    }
  }

  // ------------------------------------------------------------------------------------------------- defaults

  /** Sigmoid and Tanh: {@code [-8, 8)}. */
  public static TableSpec sigmoidSpec(int size, FixedType type) {
    return new TableSpec(size, -8.0, 4, type);
  }

  /** The negative branch of Elu and Selu: {@code [-8, 0)}. */
  public static TableSpec eluSpec(int size, FixedType type) {
    return new TableSpec(size, -8.0, 3, type);
  }

  /**
   * A table over the range of an input type: from its smallest value over {@code 2^R}, {@code R} the smallest
   * integer (at least 1) with {@code 2^R >=} max - min of the type. Used by Exp and by Softmax in latency mode.
   */
  public static TableSpec inputRangeSpec(int size, FixedType type, FixedType input) {
    return new TableSpec(size, input.minValue(), rangeLog2(input), type);
  }

  /** The stable Softmax's exp table: {@code [-2^R, 0)} with R as in {@link #inputRangeSpec}. */
  public static TableSpec softmaxExpSpec(int size, FixedType type, FixedType input) {
    int r = rangeLog2(input);
    return new TableSpec(size, -Math.scalb(1.0, r), r, type);
  }

  /** The Softmax reciprocal table: {@code [0, 2^Rs)}, {@code Rs} the smallest integer with {@code 2^Rs >= classes}. */
  public static TableSpec softmaxInvSpec(int size, FixedType type, long classes) {
    int r = 0;
    while ((1L << r) < classes) {
      r++;
    }
    return new TableSpec(size, 0.0, r, type);
  }

  /** The smallest integer R >= 1 with {@code 2^R >= max - min} of the type. */
  public static int rangeLog2(FixedType input) {
    BigInteger span = input.maxRaw().subtract(input.minRaw()); // in LSBs
    int r = span.signum() == 0 ? 0 : span.subtract(BigInteger.ONE).bitLength(); // 2^r >= span
    return Math.max(1, r - input.fractionBits());
  }
}
