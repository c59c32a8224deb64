package dev.tessera.ir;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fixed-point type with ap_fixed semantics: {@code width} bits of which {@code integerBits} are above the
 * binary point, so a raw integer {@code r} means {@code r * 2^-(width - integerBits)}. {@code integerBits} may be
 * negative or larger than {@code width}. Quantization ({@link #quantize(BigInteger, int)}) is the single definition
 * of rounding and overflow used by the whole project; docs/fixed-point.md explains it with examples.
 */
public record FixedType(boolean signed, int width, int integerBits, Rounding rounding, Overflow overflow)
    implements ElementType {

  /** Largest supported width. */
  public static final int MAX_WIDTH = 4096;

  private static final Pattern TEXT = Pattern.compile(
      "\\s*(ap_)?(u?)(fixed|int)\\s*<\\s*(-?\\d+)\\s*(?:,\\s*(-?\\d+)\\s*)?(?:,\\s*(\\w+)\\s*)?(?:,\\s*(\\w+)\\s*)?(?:,\\s*(\\d+)\\s*)?>\\s*",
      Pattern.CASE_INSENSITIVE);

  public FixedType {
    if (width < 1 || width > MAX_WIDTH) {
      throw new IllegalArgumentException("fixed-point width " + width + " must be in [1, " + MAX_WIDTH + "]");
    }
    if (Math.abs((long) integerBits) > 2L * MAX_WIDTH) {
      throw new IllegalArgumentException("integer bits " + integerBits + " must be in [-" + 2 * MAX_WIDTH + ", "
          + 2 * MAX_WIDTH + "]");
    }
    if (rounding == null || overflow == null) {
      throw new IllegalArgumentException("rounding and overflow modes must be given");
    }
  }

  /** Signed type with TRN and WRAP, like {@code ap_fixed<W,I>}. */
  public static FixedType signed(int width, int integerBits) {
    return new FixedType(true, width, integerBits, Rounding.TRN, Overflow.WRAP);
  }

  /** Unsigned type with TRN and WRAP, like {@code ap_ufixed<W,I>}. */
  public static FixedType unsigned(int width, int integerBits) {
    return new FixedType(false, width, integerBits, Rounding.TRN, Overflow.WRAP);
  }

  /**
   * Parses {@code fixed<16,6>}, {@code ufixed<8,0,RND,SAT>}, {@code ap_fixed<16,6,AP_RND_CONV,AP_SAT>},
   * {@code int<8>}, {@code ap_uint<4>}. A fourth ap_fixed parameter (saturation bits) is accepted only as 0.
   */
  public static FixedType parse(String text) {
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("cannot parse fixed-point type '" + text
          + "'; expected e.g. fixed<16,6>, ufixed<8,0,RND,SAT> or ap_fixed<16,6,AP_RND_CONV,AP_SAT>");
    }
    boolean signed = m.group(2).isEmpty();
    boolean isInt = m.group(3).equalsIgnoreCase("int");
    int width = Integer.parseInt(m.group(4));
    int integer;
    if (isInt) {
      if (m.group(5) != null || m.group(6) != null) {
        throw new IllegalArgumentException("integer type '" + text + "' takes only a width, e.g. int<8>");
      }
      integer = width;
    } else {
      if (m.group(5) == null) {
        throw new IllegalArgumentException("fixed-point type '" + text + "' needs <width, integer bits>");
      }
      integer = Integer.parseInt(m.group(5));
    }
    Rounding r = m.group(6) == null ? Rounding.TRN : Rounding.parse(m.group(6));
    Overflow o = m.group(7) == null ? Overflow.WRAP : Overflow.parse(m.group(7));
    if (m.group(8) != null && Integer.parseInt(m.group(8)) != 0) {
      throw new IllegalArgumentException("saturation bits other than 0 are not supported in '" + text + "'");
    }
    return new FixedType(signed, width, integer, r, o);
  }

  /** Number of fraction bits, {@code width - integerBits} (may be negative). */
  public int fractionBits() {
    return width - integerBits;
  }

  /** The same type with other modes. */
  public FixedType withModes(Rounding r, Overflow o) {
    return new FixedType(signed, width, integerBits, r, o);
  }

  /** Smallest raw value. */
  public BigInteger minRaw() {
    return signed ? BigInteger.ONE.shiftLeft(width - 1).negate() : BigInteger.ZERO;
  }

  /** Largest raw value. */
  public BigInteger maxRaw() {
    return signed ? BigInteger.ONE.shiftLeft(width - 1).subtract(BigInteger.ONE)
        : BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE);
  }

  /** True when every raw value of this type fits in a Java long. */
  public boolean fitsLong() {
    return signed ? width <= 64 : width <= 63;
  }

  /** Value of one LSB, {@code 2^-F}. */
  public double lsb() {
    return Math.scalb(1.0, -fractionBits());
  }

  /** Smallest representable value. */
  public double minValue() {
    return toDouble(minRaw());
  }

  /** Largest representable value. */
  public double maxValue() {
    return toDouble(maxRaw());
  }

  /**
   * Quantizes the exact value {@code raw * 2^-frac} to this type: alignment with this type's rounding mode, then
   * this type's overflow mode. Returns the raw integer of the result.
   */
  public BigInteger quantize(BigInteger raw, int frac) {
    int shift = frac - fractionBits();
    BigInteger q;
    if (shift <= 0) {
      q = raw.shiftLeft(-shift);
    } else {
      q = round(raw, shift, rounding);
    }
    return overflow(q);
  }

  /** {@link #quantize(BigInteger, int)} for values that fit a long; falls back to BigInteger when needed. */
  public long quantize(long raw, int frac) {
    int shift = frac - fractionBits();
    if (shift >= 0 && shift < 63 && fitsLong()) {
      long q = shift == 0 ? raw : roundLong(raw, shift, rounding);
      return overflowLong(q);
    }
    if (shift < 0 && shift > -62 && fitsLong()) {
      long q = raw << -shift;
      if ((q >> -shift) == raw) {
        return overflowLong(q);
      }
    }
    return quantize(BigInteger.valueOf(raw), frac).longValueExact();
  }

  /** Quantizes a double exactly (a double is an integer times a power of two); NaN and infinity are errors. */
  public BigInteger fromDouble(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new ArithmeticException("cannot quantize " + v + " to " + this);
    }
    if (v == 0.0) {
      return BigInteger.ZERO;
    }
    // v = mantissa * 2^exp exactly, with a 53-bit integer mantissa
    int exp = Math.getExponent(v) - 52;
    long mant = (long) Math.scalb(v, -exp);
    if (Math.getExponent(v) < Double.MIN_EXPONENT) { // subnormal
      exp = Double.MIN_EXPONENT - 52;
      mant = (long) Math.scalb(v, -exp);
    }
    return quantize(BigInteger.valueOf(mant), -exp);
  }

  /** The raw integer as a double (exact when it fits in 53 bits). */
  public double toDouble(BigInteger raw) {
    return Math.scalb(raw.doubleValue(), -fractionBits());
  }

  /** The raw integer as a double. */
  public double toDouble(long raw) {
    return Math.scalb((double) raw, -fractionBits());
  }

  /** The exact decimal value of a raw integer. */
  public BigDecimal toDecimal(BigInteger raw) {
    int f = fractionBits();
    return f >= 0 ? new BigDecimal(raw).divide(new BigDecimal(BigInteger.ONE.shiftLeft(f)))
        : new BigDecimal(raw.shiftLeft(-f));
  }

  private BigInteger overflow(BigInteger q) {
    BigInteger min = minRaw();
    BigInteger max = maxRaw();
    if (q.compareTo(min) >= 0 && q.compareTo(max) <= 0) {
      return q;
    }
    return switch (overflow) {
      case WRAP -> {
        BigInteger low = q.and(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE));
        yield signed && low.testBit(width - 1) ? low.subtract(BigInteger.ONE.shiftLeft(width)) : low;
      }
      case SAT -> q.signum() < 0 ? min : max;
      case SAT_ZERO -> BigInteger.ZERO;
      case SAT_SYM -> q.signum() < 0 ? (signed ? max.negate() : min) : max;
    };
  }

  private long overflowLong(long q) {
    long min = signed ? -(1L << (width - 1)) : 0L;
    long max = signed ? (width == 64 ? Long.MAX_VALUE : (1L << (width - 1)) - 1) : (1L << width) - 1;
    if (q >= min && q <= max) {
      return q;
    }
    return switch (overflow) {
      case WRAP -> {
        if (width == 64) {
          yield q;
        }
        long low = q & ((1L << width) - 1);
        yield signed && ((low >>> (width - 1)) & 1) == 1 ? low - (1L << width) : low;
      }
      case SAT -> q < 0 ? min : max;
      case SAT_ZERO -> 0L;
      case SAT_SYM -> q < 0 ? (signed ? -max : min) : max;
    };
  }

  /** Drops {@code shift > 0} low bits of {@code raw} with the given rounding. */
  static BigInteger round(BigInteger raw, int shift, Rounding mode) {
    BigInteger floor = raw.shiftRight(shift); // arithmetic shift: floor division
    BigInteger rem = raw.subtract(floor.shiftLeft(shift)); // in [0, 2^shift)
    if (rem.signum() == 0) {
      return floor;
    }
    BigInteger half = BigInteger.ONE.shiftLeft(shift - 1);
    int cmp = rem.compareTo(half);
    boolean negative = raw.signum() < 0;
    return floor.add(BigInteger.valueOf(roundUp(mode, cmp, negative, floor.testBit(0)) ? 1 : 0));
  }

  private static long roundLong(long raw, int shift, Rounding mode) {
    long floor = raw >> shift;
    long rem = raw - (floor << shift);
    if (rem == 0) {
      return floor;
    }
    long half = 1L << (shift - 1);
    int cmp = Long.compare(rem, half);
    return floor + (roundUp(mode, cmp, raw < 0, (floor & 1) != 0) ? 1 : 0);
  }

  /**
   * Whether to take the upper neighbour, given a nonzero dropped part that compares {@code cmp} with one half, the
   * sign of the value and the parity of the lower neighbour.
   */
  private static boolean roundUp(Rounding mode, int cmp, boolean negative, boolean lowerOdd) {
    return switch (mode) {
      case TRN -> false;
      case TRN_ZERO -> negative;
      case RND -> cmp >= 0;
      case RND_ZERO -> cmp > 0 || (cmp == 0 && negative);
      case RND_MIN_INF -> cmp > 0;
      case RND_INF -> cmp > 0 || (cmp == 0 && !negative);
      case RND_CONV -> cmp > 0 || (cmp == 0 && lowerOdd);
    };
  }

  /** Short text form: {@code fixed<16,6>}, with modes only when they are not TRN/WRAP. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(signed ? "fixed<" : "ufixed<");
    sb.append(width).append(',').append(integerBits);
    if (rounding != Rounding.TRN || overflow != Overflow.WRAP) {
      sb.append(',').append(rounding).append(',').append(overflow);
    }
    return sb.append('>').toString();
  }

  /** The C++ spelling, e.g. {@code ap_fixed<16,6,AP_RND_CONV,AP_SAT>}. */
  public String cppName() {
    return String.format(Locale.ROOT, "%s<%d,%d,%s,%s>", signed ? "ap_fixed" : "ap_ufixed", width, integerBits,
        rounding.apName(), overflow.apName());
  }
}
