package dev.tessera.ir.arith;

import java.math.BigInteger;

/**
 * One node of an {@link AdderGraph}. An {@code ADD} node is {@code a + (b << shift)} or {@code a - (b << shift)}:
 * its low {@code shift} bits are wires from {@code a}, so only the bits above cost an adder. A {@code MUL} node is
 * {@code a * constant} (generic multipliers only).
 *
 * @param id position in the graph (operands have smaller ids)
 * @param kind what the node computes
 * @param input input index for {@code INPUT}, else -1
 * @param constant value of {@code CONST}, multiplier of {@code MUL}, else zero
 * @param a first operand of {@code ADD} and {@code MUL}, else -1
 * @param b second operand of {@code ADD}, else -1
 * @param shift left shift of {@code b}
 * @param subtract whether {@code ADD} subtracts {@code b << shift}
 * @param depth adder levels from the inputs ({@code MUL} counts as one level)
 * @param range exact bounds of the value over all inputs in their ranges
 */
public record AdderNode(int id, Kind kind, int input, BigInteger constant, int a, int b, int shift,
    boolean subtract, int depth, Range range) {

  /** Node kinds. */
  public enum Kind { INPUT, CONST, ADD, MUL }

  /** Smallest two's-complement width of the value. */
  public int width() {
    return range.width();
  }

  /** Whether the node costs an adder. */
  public boolean isAdder() {
    return kind == Kind.ADD;
  }
}
