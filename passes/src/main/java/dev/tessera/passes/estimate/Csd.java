package dev.tessera.passes.estimate;

/**
 * Canonical signed digits (the non-adjacent form): the representation of an integer as {@code Σ ±2^k} with the
 * fewest nonzero digits and no two adjacent ones. A constant multiplication {@code x·c} costs
 * {@code digits(c) - 1} adders; 0 and ±2^k cost none.
 */
public final class Csd {

  private Csd() {}

  /** Number of nonzero digits of the non-adjacent form of {@code c} (0 for 0). */
  public static int digits(long c) {
    if (c == Long.MIN_VALUE) {
      return 1;
    }
    long x = Math.abs(c);
    int n = 0;
    while (x != 0) {
      if ((x & 1) != 0) {
        long d = 2 - (x & 3);
        x -= d;
        n++;
      }
      x >>>= 1;
    }
    return n;
  }

  /** Distance between the highest and the lowest nonzero digit of the non-adjacent form (0 for 0 and ±2^k). */
  public static int span(long c) {
    if (c == 0 || c == Long.MIN_VALUE) {
      return 0;
    }
    long x = Math.abs(c);
    int low = Long.numberOfTrailingZeros(x);
    int high = 0;
    int pos = 0;
    while (x != 0) {
      if ((x & 1) != 0) {
        long d = 2 - (x & 3);
        x -= d;
        high = pos;
      }
      x >>>= 1;
      pos++;
    }
    return high - low;
  }

  /** True for 0 and ±2^k: multiplying by it is wiring. */
  public static boolean free(long c) {
    return digits(c) <= 1;
  }
}
