package dev.tessera.ir.arith;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Canonical signed-digit (non-adjacent) form of an integer: digits in {-1, 0, 1} with no two adjacent nonzero
 * digits. It has the fewest nonzero digits of all signed-digit forms, on average a third of the bits.
 */
public final class Csd {

  /** One nonzero digit: {@code sign * 2^position}. */
  public record Digit(int position, int sign) {}

  private Csd() {}

  /** Nonzero digits of {@code v}, lowest position first; empty for zero. */
  public static List<Digit> digits(BigInteger v) {
    List<Digit> out = new ArrayList<>();
    BigInteger x = v;
    int pos = 0;
    BigInteger four = BigInteger.valueOf(4);
    while (x.signum() != 0) {
      if (x.testBit(0)) {
        // x mod 4 is 1 -> digit +1, 3 -> digit -1 (then x - d is divisible by 4)
        int d = x.mod(four).intValue() == 1 ? 1 : -1;
        out.add(new Digit(pos, d));
        x = x.subtract(BigInteger.valueOf(d));
      }
      x = x.shiftRight(1);
      pos++;
    }
    return out;
  }

  public static List<Digit> digits(long v) {
    if (Math.abs(v) >= (1L << 61) || v == Long.MIN_VALUE) {
      return digits(BigInteger.valueOf(v));
    }
    long n = Math.abs(v);
    long h = n >> 1;
    long t = n + h;
    long c = h ^ t;
    long pos = t & c; // the +1 digits of n (non-adjacent form)
    long neg = h & c; // the -1 digits
    int s = v < 0 ? -1 : 1;
    List<Digit> out = new ArrayList<>();
    long all = pos | neg;
    while (all != 0) {
      int p = Long.numberOfTrailingZeros(all);
      out.add(new Digit(p, ((pos >>> p) & 1) != 0 ? s : -s));
      all &= all - 1;
    }
    return out;
  }

  /** Number of nonzero digits. */
  public static int weight(long v) {
    if (Math.abs(v) >= (1L << 61) || v == Long.MIN_VALUE) {
      return digits(BigInteger.valueOf(v)).size();
    }
    long n = Math.abs(v);
    long h = n >> 1;
    long t = n + h;
    long c = h ^ t;
    return Long.bitCount(c);
  }

  /** Distance between the highest and the lowest nonzero digit (0 for 0 and ±2^k). */
  public static int span(long v) {
    List<Digit> d = digits(v);
    return d.isEmpty() ? 0 : d.get(d.size() - 1).position() - d.get(0).position();
  }

  /** True for 0 and ±2^k: multiplying by it is wiring. */
  public static boolean free(long v) {
    return weight(v) <= 1;
  }
}
