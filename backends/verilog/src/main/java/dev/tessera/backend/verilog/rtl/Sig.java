package dev.tessera.backend.verilog.rtl;

import dev.tessera.ir.arith.Range;
import java.math.BigInteger;

/**
 * A value in generated RTL: a wire or register of {@code width} bits, two's complement when {@code signed}, else
 * plain binary; or a constant ({@code constant != null}, printed as a literal). {@code range} bounds its integer
 * value exactly.
 */
public record Sig(String name, int width, boolean signed, Range range, BigInteger constant) {

  public Sig {
    if (width < 1) {
      throw new IllegalArgumentException("signal '" + name + "' width " + width + " must be at least 1");
    }
  }

  /** A named wire or register. */
  public static Sig named(String name, int width, boolean signed, Range range) {
    return new Sig(name, width, signed, range, null);
  }

  /** A constant in the smallest signed width. */
  public static Sig constant(BigInteger v) {
    Range r = Range.point(v);
    return new Sig(null, r.width(), true, r, v);
  }

  public boolean isConstant() {
    return constant != null;
  }
}
