package dev.tessera.ir.intops;

import dev.tessera.ir.FixedType;
import java.math.BigInteger;

/** Shifts with the rounding rules shared by the kernels. */
final class Shifts {

  private Shifts() {}

  /** {@code floor(v * 2^-s)} for {@code s >= 0} (arithmetic shift; exact for any s). */
  static long floorShift(long v, int s) {
    return s >= 63 ? (v < 0 ? -1 : 0) : v >> s;
  }

  /** Nearest integer to {@code v * 2^-s}, ties away from zero; {@code s <= 0} multiplies exactly. */
  static BigInteger roundShift(BigInteger v, int s) {
    if (s <= 0) {
      return v.shiftLeft(-s);
    }
    BigInteger r = v.abs().add(BigInteger.ONE.shiftLeft(s - 1)).shiftRight(s);
    return v.signum() < 0 ? r.negate() : r;
  }

  /** An error unless the input type's raw values fit in {@code bits} bits. */
  static void checkWidth(FixedType in, int bits, String kernel) {
    if (in.width() > bits) {
      throw new IllegalArgumentException(kernel + " input " + in + " is wider than " + bits + " bits");
    }
  }

  /** An error unless every raw value lies in the range of {@code in}. */
  static void checkRaw(long[] raw, FixedType in, String kernel) {
    long min = in.minRaw().longValueExact();
    long max = in.maxRaw().longValueExact();
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] < min || raw[i] > max) {
        throw new IllegalArgumentException(kernel + " input raw value " + raw[i] + " at index " + i
            + " is outside the range of " + in);
      }
    }
  }

  /** An error unless {@code length} divides the array into rows. */
  static int rows(long[] raw, int length, String kernel) {
    if (length < 1 || raw.length % length != 0) {
      throw new IllegalArgumentException(kernel + " row length " + length + " does not divide " + raw.length
          + " values");
    }
    return raw.length / length;
  }
}
