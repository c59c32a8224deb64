package dev.tessera.backend.verilog.rtl;

import java.math.BigInteger;

/** Verilog text for slices, sign extension and literals; every expression has an exact, lint-clean width. */
public final class Bits {
  private Bits() {}

  /** A {@code width}-bit literal of {@code v} modulo {@code 2^width}. */
  public static String literal(BigInteger v, int width) {
    BigInteger m = v.mod(BigInteger.ONE.shiftLeft(width));
    return width + "'h" + m.toString(16);
  }

  /**
   * The value of {@code s} arithmetically shifted right by {@code from} bits, as {@code count} bits: sign- or
   * zero-extended above the signal's top bit, truncated (modulo {@code 2^count}) when wider.
   */
  public static String slice(Sig s, int from, int count, Usage usage) {
    if (s.isConstant()) {
      return literal(s.constant().shiftRight(from), count);
    }
    int w = s.width();
    int avail = w - from;
    if (avail <= 0) {
      usage.read(s, w - 1, w - 1);
      return s.signed() ? "{" + count + "{" + bit(s, w - 1) + "}}" : count + "'h0";
    }
    if (avail >= count) {
      usage.read(s, from, from + count - 1);
      if (from == 0 && count == w) {
        return s.name();
      }
      return s.name() + "[" + (from + count - 1) + ":" + from + "]";
    }
    usage.read(s, from, w - 1);
    String body = from == 0 ? s.name() : s.name() + "[" + (w - 1) + ":" + from + "]";
    String ext = s.signed() ? "{" + (count - avail) + "{" + bit(s, w - 1) + "}}" : (count - avail) + "'h0";
    return "{" + ext + ", " + body + "}";
  }

  /** The whole value of {@code s} in {@code count} bits. */
  public static String value(Sig s, int count, Usage usage) {
    return slice(s, 0, count, usage);
  }

  /** One bit of a named signal. */
  public static String bit(Sig s, int i) {
    return s.width() == 1 && i == 0 ? s.name() : s.name() + "[" + i + "]";
  }

  /** Records which bits of which signals the generated text reads (for precise lint waivers). */
  public interface Usage {
    void read(Sig s, int lo, int hi);
  }

  /** Usage tracking that ignores everything. */
  public static final Usage IGNORE = (s, lo, hi) -> { };
}
