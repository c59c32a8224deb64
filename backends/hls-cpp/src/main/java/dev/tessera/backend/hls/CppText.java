package dev.tessera.backend.hls;

import dev.tessera.ir.FixedType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small C++ spelling helpers: types, integer literals, exact types for constants. */
final class CppText {

  private CppText() {
  }

  /** The smallest standard integer type that holds every raw value of {@code t} (at most 64 bits). */
  static String rawType(FixedType t) {
    int w = t.width();
    if (!t.fitsLong()) {
      throw new IllegalArgumentException("constants of type " + t + " are wider than 64 bits");
    }
    String base = w <= 8 ? "8" : w <= 16 ? "16" : w <= 32 ? "32" : "64";
    return (t.signed() ? "int" : "uint") + base + "_t";
  }

  /** A C++ integer literal of a long (the most negative value needs an expression). */
  static String literal(long v) {
    if (v == Long.MIN_VALUE) {
      return "(-9223372036854775807LL - 1)";
    }
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      return v + "LL";
    }
    return Long.toString(v);
  }

  /** A C++ integer literal of a BigInteger that fits a long. */
  static String literal(BigInteger v) {
    return literal(v.longValueExact());
  }

  /** Array initializer lines of raw values, {@code perLine} to a line, each line ending in a comma. */
  static List<String> lines(long[] raw, int perLine) {
    List<String> out = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < raw.length; i++) {
      b.append(literal(raw[i])).append(',');
      if ((i + 1) % perLine == 0 || i == raw.length - 1) {
        out.add(b.toString());
        b.setLength(0);
      } else {
        b.append(' ');
      }
    }
    return out;
  }

  /** A signed fixed type that holds {@code v} exactly (for table starts); {@code ap_fixed<1,1>} for 0. */
  static FixedType exactType(double v) {
    if (v == 0.0) {
      return FixedType.signed(1, 1);
    }
    int e = Math.max(Math.getExponent(v), Double.MIN_EXPONENT) - 52;
    long mant = (long) Math.scalb(v, -e);
    int tz = Long.numberOfTrailingZeros(mant);
    mant >>= tz;
    int frac = -(e + tz);
    int width = 64 - Long.numberOfLeadingZeros(Math.abs(mant)) + 1;
    return FixedType.signed(width, width - frac);
  }

  /** The raw value of {@code v} in {@link #exactType(double)}. */
  static long exactRaw(double v) {
    return exactType(v).fromDouble(v).longValueExact();
  }

  /** Number of bits to add for a sum of {@code n} terms: ceil(log2(n)). */
  static int sumBits(long n) {
    return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
  }

  /** {@code t} widened by {@code bits} integer bits, with TRN/WRAP (an exact sum type). */
  static FixedType widened(FixedType t, int bits) {
    return new FixedType(t.signed(), t.width() + bits, t.integerBits() + bits, dev.tessera.ir.Rounding.TRN,
        dev.tessera.ir.Overflow.WRAP);
  }

  /** A number for a config constant: a plain decimal for doubles. */
  static String decimal(double v) {
    return String.format(Locale.ROOT, "%s", v);
  }
}
