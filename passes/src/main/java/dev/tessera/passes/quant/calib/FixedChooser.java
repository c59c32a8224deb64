package dev.tessera.passes.quant.calib;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import java.math.BigInteger;

/**
 * Chooses the fixed-point type of a given width for a calibrated range: the sign from the range (or the caller),
 * the integer bits from {@link IntegerBits}, and the modes from the caller.
 *
 * <p>With a saturating overflow mode (SAT, SAT_SYM) a range that ends exactly on a power of two keeps the smaller
 * type, and anything that rounds past the largest value clamps to it. With WRAP or SAT_ZERO the type must hold both
 * ends after rounding: when round-to-nearest would carry {@code hi} (or {@code lo}) out of range, one more integer
 * bit is taken. For calibration methods that clip on purpose ({@link CalibrationMethod#clips()}), use SAT.
 */
public final class FixedChooser {

  /** Modes used by {@link #choose(double[], int, CalibrationMethod)}. */
  public static final Rounding DEFAULT_ROUNDING = Rounding.RND_CONV;
  /** Modes used by {@link #choose(double[], int, CalibrationMethod)}. */
  public static final Overflow DEFAULT_OVERFLOW = Overflow.SAT;

  private FixedChooser() {}

  /** Signed when the range has a negative value, unsigned otherwise. */
  public static FixedType choose(Range r, int width, Rounding rounding, Overflow overflow) {
    return choose(r, width, r.hasNegative(), rounding, overflow);
  }

  /** A type of the given width and sign that covers {@code r}. */
  public static FixedType choose(Range r, int width, boolean signed, Rounding rounding, Overflow overflow) {
    if (width < 1 || width > FixedType.MAX_WIDTH) {
      throw new IllegalArgumentException("fixed-point width " + width + " must be in [1, " + FixedType.MAX_WIDTH
          + "]");
    }
    boolean saturating = overflow == Overflow.SAT || overflow == Overflow.SAT_SYM;
    int bits = IntegerBits.forRange(r, signed, saturating);
    FixedType t = new FixedType(signed, width, bits, rounding, overflow);
    while (!saturating && !(holds(t, r.lo()) && holds(t, r.hi()))) {
      bits++;
      t = new FixedType(signed, width, bits, rounding, overflow);
    }
    return t;
  }

  /** The range of {@code method} over {@code values}, then a type with RND_CONV and SAT. */
  public static FixedType choose(double[] values, int width, CalibrationMethod method) {
    return choose(method.range(values), width, DEFAULT_ROUNDING, DEFAULT_OVERFLOW);
  }

  /** True when v quantizes into the range of t without overflow. */
  static boolean holds(FixedType t, double v) {
    FixedType wrap = t.withModes(t.rounding(), Overflow.WRAP);
    FixedType sat = t.withModes(t.rounding(), Overflow.SAT);
    BigInteger w = wrap.fromDouble(v);
    return w.equals(sat.fromDouble(v)) && Math.abs(wrap.toDouble(w) - v) <= wrap.lsb();
  }
}
