package dev.tessera.passes.estimate;

import dev.tessera.ir.FixedType;
import java.math.BigInteger;

/**
 * A constant-weight linear layer as the cost models see it: per output unit its raw weights and whether it has a
 * nonzero bias, the operand widths, and how many positions one instance is reused for (1 for a Dense on a vector,
 * the output pixels of a Conv).
 *
 * @param weights {@code weights[j]}: the raw weights feeding output unit j (zeros included)
 * @param bias {@code bias[j]}: unit j adds a nonzero bias
 * @param wx input width
 * @param ww weight width
 * @param acc accumulator type (its width is the widest adder)
 * @param out output type
 * @param positions positions per sample that one instance computes one after the other
 * @param rtl how the shift-add backend sees the layer, or null when it is not a Dense or Conv
 */
record LinearLayer(long[][] weights, boolean[] bias, int wx, int ww, FixedType acc, FixedType out, long positions,
    Rtl rtl) {

  /**
   * The layer as the Verilog backend's constant matrix-vector product: weights shifted left by {@code weightShift} to
   * the fraction bits of the exact sum, per-unit offsets (bias aligned to the sum plus the folded rounding
   * constant), inputs in the raw range {@code [inMin, inMax]}.
   */
  record Rtl(BigInteger[] offsets, int weightShift, long inMin, long inMax) {}

  int units() {
    return weights.length;
  }

  /** Width of a product {@code x·w}. */
  int productWidth() {
    return wx + ww;
  }

  int accWidth() {
    return acc.width();
  }

  /** Nonzero weights of unit j. */
  int nonzero(int j) {
    int n = 0;
    for (long w : weights[j]) {
      if (w != 0) {
        n++;
      }
    }
    return n;
  }

  /** Terms summed for unit j: nonzero products plus the bias. */
  int terms(int j) {
    return nonzero(j) + (bias[j] ? 1 : 0);
  }
}
