package dev.tessera.passes.estimate;

import java.math.BigInteger;

/**
 * The cost of a linear layer in the shift-add Verilog design, from the adder graph the backend builds for it
 * ({@code dev.tessera.ir.arith.Cmvm}): the weights aligned to the fraction bits of the exact sum, the bias and the
 * rounding constant folded into the offsets, the inputs' raw range. With {@link EstimateOptions#exactCmvm()} the
 * count is the backend's own graph (shared subexpressions); by default it is the plain signed-digit graph, scaled by
 * the sharing factors measured on the backend's graphs (docs/estimation.md), because the full construction takes
 * seconds per layer. LUTs are {@code lutsPerAdderBit} per full-adder bit plus a share of the requantization per
 * output; FFs the graph's delay registers plus the output register; latency the graph's stages plus the output
 * register.
 */
final class ShiftAddCost {

  /** Shared-subexpression adders per plain signed-digit adder (0.62–0.80 on the jet tagger's layers, 6–16 bits). */
  static final double SHARED_ADDERS = 0.70;
  /** Shared-subexpression full-adder bits per plain signed-digit bit (0.68–0.84 on the same layers). */
  static final double SHARED_BITS = 0.77;
  /**
   * Shared-subexpression delay-register bits per register bit of the plain signed-digit graph scheduled one adder
   * level finer ({@code K - 1} levels per stage: the shared graphs are one or two levels deeper); 0.97–1.28 there.
   */
  static final double SHARED_REGISTERS = 0.9;
  /**
   * Fraction of the per-weight model's requantization LUTs that Yosys keeps in a shift-add layer: the rounding and
   * clamping logic mostly merges into the LUTs of the last adders (fitted: 1–2 LUTs per 8-bit output).
   */
  static final double REQUANTIZE_SHARE = 0.25;

  private ShiftAddCost() {}

  /**
   * The layer's cost, or null when its weights do not fit the 64-bit construction (then the caller falls back to
   * the per-weight model).
   */
  static LinearCost.Result of(LinearLayer l, LinearLayer.Rtl r, Primitives p) {
    long[][] m = new long[l.units()][];
    for (int j = 0; j < m.length; j++) {
      long[] row = l.weights()[j];
      m[j] = new long[row.length];
      for (int i = 0; i < row.length; i++) {
        if (r.weightShift() > 0 && row[i] != 0) {
          if (r.weightShift() >= 62 || Math.abs(row[i]) >= (1L << (62 - r.weightShift()))) {
            return null;
          }
        }
        m[j][i] = row[i] << r.weightShift();
      }
    }
    EstimateOptions o = p.options();
    boolean exact = o.exactCmvm();
    int k = exact ? o.levelsPerStage() : Math.max(1, o.levelsPerStage() - 1);
    AdderCount c = CmvmCache.count(m, r.offsets(), r.inMin(), r.inMax(), exact, k);
    double adders = exact ? c.adders() : c.adders() * SHARED_ADDERS;
    double bits = exact ? c.adderBits() : c.adderBits() * SHARED_BITS;
    double regs = exact ? c.registerBits() : c.registerBits() * SHARED_REGISTERS;
    Cost perInstance = new Cost(bits * o.lutsPerAdderBit(), regs + (double) l.units() * l.out().width(), 0, 0, 0,
        Math.round(adders)).plus(Cost.luts(REQUANTIZE_SHARE * p.requantize(l.acc(), l.out()).lut() * l.units()));
    // the backend builds every output position of a Conv in parallel
    return new LinearCost.Result(perInstance.times(l.positions()), c.lastStage() + 1L, 1);
  }

  /**
   * The constant the backend folds into the offsets for rounding a sum of {@code fracIn} fraction bits to
   * {@code ty} (RND: half an output LSB; RND_MIN_INF: half less one; others are corrected after the sum).
   */
  static BigInteger foldable(int fracIn, dev.tessera.ir.FixedType ty) {
    int s = fracIn - ty.fractionBits();
    if (s <= 0) {
      return BigInteger.ZERO;
    }
    BigInteger half = BigInteger.ONE.shiftLeft(s - 1);
    return switch (ty.rounding()) {
      case RND -> half;
      case RND_MIN_INF -> half.subtract(BigInteger.ONE);
      default -> BigInteger.ZERO;
    };
  }
}
