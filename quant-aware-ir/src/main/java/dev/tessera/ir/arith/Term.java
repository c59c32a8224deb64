package dev.tessera.ir.arith;

/**
 * A signed, shifted reference to a node: the value {@code sign * (node << shift)}.
 *
 * @param node node id in its {@link AdderGraph}
 * @param shift left shift, at least 0
 * @param sign +1 or -1
 */
public record Term(int node, int shift, int sign) {

  public Term {
    if (shift < 0) {
      throw new IllegalArgumentException("term shift " + shift + " must be at least 0");
    }
    if (sign != 1 && sign != -1) {
      throw new IllegalArgumentException("term sign " + sign + " must be +1 or -1");
    }
  }
}
