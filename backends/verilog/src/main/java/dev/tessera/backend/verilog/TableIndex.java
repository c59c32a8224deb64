package dev.tessera.backend.verilog;

import dev.tessera.ir.arith.Range;
import dev.tessera.ir.op.TableSpec;
import java.math.BigInteger;

/**
 * The index of a lookup table (docs/fixed-point.md) as constants for logic: for an input with {@code F} fraction
 * bits, {@code a = (raw << shiftRaw) - lo}, then {@code a << shiftOut} (or an arithmetic right shift when negative),
 * clamped to {@code [0, N-1]}. The start {@code lo} is the exact binary value of the table's double start.
 */
record TableIndex(int shiftRaw, BigInteger lo, int shiftOut, int size) {

  static TableIndex of(TableSpec spec, int fractionBits) {
    double start = spec.lo();
    if (Double.isNaN(start) || Double.isInfinite(start)) {
      throw new IllegalArgumentException("table start " + start + " is not finite");
    }
    long mant = 0;
    int fl = 0;
    if (start != 0.0) {
      int e = Math.max(Math.getExponent(start), Double.MIN_EXPONENT) - 52;
      mant = (long) Math.scalb(start, -e);
      int tz = Long.numberOfTrailingZeros(mant);
      mant >>= tz;
      fl = -(e + tz);
    }
    int f = Math.max(fractionBits, fl);
    return new TableIndex(f - fractionBits, BigInteger.valueOf(mant).shiftLeft(f - fl),
        spec.indexBits() - spec.rangeLog2() - f, spec.size());
  }

  /** The index of a raw input, computed as the logic does. */
  int index(BigInteger raw) {
    BigInteger a = raw.shiftLeft(shiftRaw).subtract(lo);
    BigInteger t = shiftOut >= 0 ? a.shiftLeft(shiftOut) : a.shiftRight(-shiftOut);
    if (t.signum() < 0) {
      return 0;
    }
    return t.compareTo(BigInteger.valueOf(size - 1)) > 0 ? size - 1 : t.intValueExact();
  }

  /** Range of {@code a} for inputs in {@code x}. */
  Range aRange(Range x) {
    return new Range(x.min().shiftLeft(shiftRaw).subtract(lo), x.max().shiftLeft(shiftRaw).subtract(lo));
  }

  /** Range of the shifted value before clamping. */
  Range tRange(Range a) {
    return shiftOut >= 0 ? new Range(a.min().shiftLeft(shiftOut), a.max().shiftLeft(shiftOut))
        : new Range(a.min().shiftRight(-shiftOut), a.max().shiftRight(-shiftOut));
  }

  int indexBits() {
    return Integer.numberOfTrailingZeros(size);
  }
}
