package dev.tessera.ir.interp;

import dev.tessera.ir.DType;
import java.util.Locale;

/**
 * Scalar functions of the float interpreter: erf, the QONNX rounding modes, ONNX casts and the integer ranges of
 * ONNX types. All in double.
 */
public final class FloatMath {

  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
  private static final double INV_SQRT_PI = 0.5641895835477563;

  private FloatMath() {}

  /**
   * The error function, accurate to a few units in the last place: the series
   * {@code erf(x) = 2/sqrt(pi) e^-x^2 sum (2x^2)^n x / (1*3*...*(2n+1))} (all terms positive, so no cancellation)
   * below |x| = 2.5, and {@code 1 - erfc(x)} with the continued fraction of erfc above.
   */
  public static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double a = Math.abs(x);
    double r;
    if (a < 2.5) {
      double x2 = 2 * a * a;
      double term = a;
      double sum = a;
      for (int n = 1; n < 200; n++) {
        term *= x2 / (2 * n + 1);
        sum += term;
        if (term < sum * 1e-17) {
          break;
        }
      }
      r = TWO_OVER_SQRT_PI * Math.exp(-a * a) * sum;
    } else if (a < 6.5) {
      r = 1 - erfcLarge(a);
    } else {
      r = 1;
    }
    return x < 0 ? -r : r;
  }

  /**
   * erfc(a) for a >= 2.5 by the continued fraction
   * {@code sqrt(pi) e^(a^2) erfc(a) = 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...))))}, evaluated with Lentz's method.
   */
  static double erfcLarge(double a) {
    double tiny = 1e-300;
    double f = tiny;
    double c = f;
    double d = 0;
    for (int j = 1; j < 500; j++) {
      double aj = j == 1 ? 1 : (j - 1) / 2.0;
      d = a + aj * d;
      if (d == 0) {
        d = tiny;
      }
      c = a + aj / c;
      if (c == 0) {
        c = tiny;
      }
      d = 1 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return INV_SQRT_PI * Math.exp(-a * a) * f;
  }

  /** Logistic sigmoid, without overflow for large |x|. */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /** QONNX rounding modes (Quant/IntQuant and Trunc), by their QONNX names. */
  public enum RoundMode {
    /** Nearest, ties to even (numpy round). */
    ROUND,
    /** Toward plus infinity. */
    CEIL,
    /** Toward minus infinity. */
    FLOOR,
    /** Toward zero. */
    ROUND_TO_ZERO,
    /** Nearest, ties away from zero. */
    HALF_UP,
    /** Nearest, ties toward zero. */
    HALF_DOWN,
    /** Away from zero. */
    UP,
    /** Toward zero. */
    DOWN;

    /** Parses a QONNX rounding mode name, case-insensitive; null for an unknown name. */
    public static RoundMode parse(String s) {
      if (s == null) {
        return null;
      }
      String t = s.trim().toUpperCase(Locale.ROOT);
      for (RoundMode m : values()) {
        if (m.name().equals(t)) {
          return m;
        }
      }
      return null;
    }
  }

  /** Rounds {@code v} to an integer by a QONNX mode. */
  public static double round(double v, RoundMode mode) {
    switch (mode) {
      case ROUND:
        return Math.rint(v);
      case CEIL:
        return Math.ceil(v);
      case FLOOR:
        return Math.floor(v);
      case ROUND_TO_ZERO:
      case DOWN:
        return v < 0 ? Math.ceil(v) : Math.floor(v);
      case UP:
        return v < 0 ? Math.floor(v) : Math.ceil(v);
      case HALF_UP:
      case HALF_DOWN: {
        double a = Math.abs(v);
        double f = Math.floor(a);
        double frac = a - f;
        boolean up = mode == RoundMode.HALF_UP ? frac >= 0.5 : frac > 0.5;
        double r = up ? f + 1 : f;
        return v < 0 ? -r : r;
      }
      default:
        throw new IllegalStateException("unhandled rounding mode " + mode);
    }
  }

  /** QONNX min_int: the smallest integer of a bit width. */
  public static double minInt(boolean signed, boolean narrow, double bitWidth) {
    if (!signed) {
      return 0;
    }
    double v = -Math.scalb(1.0, (int) bitWidth - 1);
    return narrow ? v + 1 : v;
  }

  /** QONNX max_int: the largest integer of a bit width (an unsigned narrow range drops the top value). */
  public static double maxInt(boolean signed, boolean narrow, double bitWidth) {
    if (signed) {
      return Math.scalb(1.0, (int) bitWidth - 1) - 1;
    }
    double v = Math.scalb(1.0, (int) bitWidth) - 1;
    return narrow ? v - 1 : v;
  }

  /** True for the integer ONNX types (BOOL included). */
  public static boolean isInteger(DType t) {
    return !t.isFloat();
  }

  /** Smallest value of an integer ONNX type. */
  public static double intMin(DType t) {
    switch (t) {
      case INT8:
        return -128;
      case INT16:
        return -32768;
      case INT32:
        return Integer.MIN_VALUE;
      case INT64:
        return Long.MIN_VALUE;
      case UINT8:
      case UINT16:
      case UINT32:
      case UINT64:
      case BOOL:
        return 0;
      default:
        throw new IllegalArgumentException("type " + t + " is not an integer type");
    }
  }

  /** Largest value of an integer ONNX type. */
  public static double intMax(DType t) {
    switch (t) {
      case INT8:
        return 127;
      case INT16:
        return 32767;
      case INT32:
        return Integer.MAX_VALUE;
      case INT64:
        return Long.MAX_VALUE;
      case UINT8:
        return 255;
      case UINT16:
        return 65535;
      case UINT32:
        return 4294967295.0;
      case UINT64:
        return 18446744073709551615.0;
      case BOOL:
        return 1;
      default:
        throw new IllegalArgumentException("type " + t + " is not an integer type");
    }
  }

  /**
   * ONNX Cast of a value to {@code to}: float types round to their precision (nearest, ties to even; overflow to
   * infinity), integer types truncate toward zero and keep the low bits of the result (two's complement) as a C
   * cast of an in-range value does; NaN becomes 0; BOOL is {@code v != 0}.
   */
  public static double cast(double v, DType to) {
    switch (to) {
      case DOUBLE:
        return v;
      case FLOAT:
        return (float) v;
      case FLOAT16:
        return roundToBinary(v, 10, -14, 65504.0);
      case BFLOAT16:
        return roundToBinary(v, 7, -126, 3.3895313892515355e38);
      case BOOL:
        return v != 0 ? 1 : 0;
      default:
        return castToInteger(v, to);
    }
  }

  private static double castToInteger(double v, DType to) {
    if (Double.isNaN(v)) {
      return 0;
    }
    double t = v < 0 ? Math.ceil(v) : Math.floor(v);
    switch (to) {
      case INT64:
        return (double) (long) t;
      case UINT64:
        return t < 0 ? (double) (long) t + 18446744073709551616.0 : t;
      default: {
        int bits = to == DType.INT8 || to == DType.UINT8 ? 8
            : to == DType.INT16 || to == DType.UINT16 ? 16 : 32;
        long l = (long) t;
        long mask = (1L << bits) - 1;
        long low = l & mask;
        boolean signed = to == DType.INT8 || to == DType.INT16 || to == DType.INT32;
        if (signed && low >= (1L << (bits - 1))) {
          low -= 1L << bits;
        }
        return low;
      }
    }
  }

  /**
   * Rounds to a binary float format with {@code mantissaBits} stored mantissa bits and minimum normal exponent
   * {@code minExp}, nearest with ties to even; values beyond {@code max} after rounding become infinite.
   */
  private static double roundToBinary(double v, int mantissaBits, int minExp, double max) {
    if (Double.isNaN(v) || Double.isInfinite(v) || v == 0) {
      return v;
    }
    int e = Math.max(Math.getExponent(v), minExp);
    double ulp = Math.scalb(1.0, e - mantissaBits);
    double r = Math.rint(v / ulp) * ulp;
    if (Math.abs(r) > max) {
      return v > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }
    return r;
  }
}
