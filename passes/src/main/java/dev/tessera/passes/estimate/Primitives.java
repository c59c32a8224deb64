package dev.tessera.passes.estimate;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import dev.tessera.ir.arith.Csd;
import dev.tessera.ir.op.TableSpec;

/**
 * The cost of the building blocks (adders, multipliers, comparators, tables, requantization) on the chosen target;
 * docs/estimation.md gives each formula and the source of its constant.
 */
final class Primitives {

  private final EstimateOptions opts;

  Primitives(EstimateOptions opts) {
    this.opts = opts;
  }

  EstimateOptions options() {
    return opts;
  }

  boolean hls() {
    return opts.target() == Target.HLS_LATENCY;
  }

  /** {@code count} two-input adders of {@code width} bits: one LUT per bit (the carry chain is free). */
  Cost adders(long count, int width) {
    return new Cost((double) count * width, 0, 0, 0, 0, count);
  }

  /** True when a product of these operand widths goes to DSPs. */
  boolean onDsp(int wa, int wb) {
    return Math.min(wa, wb) >= opts.dspMinWidth();
  }

  /** DSP48 slices for one product: 25x18 signed per slice, tiled. */
  static long dspsPerProduct(int wa, int wb) {
    int big = Math.max(wa, wb);
    int small = Math.min(wa, wb);
    return (long) Math.ceil(big / 25.0) * (long) Math.ceil(small / 18.0);
  }

  /** One multiplier of two variables: DSPs when both operands are wide enough, else a LUT multiplier. */
  Cost multiplier(int wa, int wb) {
    if (onDsp(wa, wb)) {
      return new Cost(0, 0, dspsPerProduct(wa, wb), 0, 1, 0);
    }
    return new Cost(Math.ceil(opts.lutsPerBitProduct() * wa * wb), 0, 0, 0, 1, 0);
  }

  /**
   * Multiplication of a {@code wx}-bit variable by the constant {@code raw} of a {@code ww}-bit type. 0 and ±2^k
   * are wiring on both targets. HLS: a multiplier ({@link #multiplier}). RTL: {@code digits - 1} adders of
   * {@code wx + span + 1} bits.
   */
  Cost constantMultiply(long raw, int wx, int ww) {
    if (Csd.free(raw)) {
      return Cost.ZERO;
    }
    if (hls()) {
      return multiplier(wx, ww);
    }
    return adders(Csd.weight(raw) - 1L, wx + Csd.span(raw) + 1);
  }

  /** Adder levels of a constant multiplication (RTL) before its product joins a sum. */
  static int constantDepth(long raw) {
    return ceilLog2(Csd.weight(raw));
  }

  /** A two-input maximum: a comparator (one LUT per bit) and a 2:1 multiplexer (two bits per LUT6_2). */
  Cost max2(int width) {
    return new Cost(width + Math.ceil(width / 2.0), 0, 0, 0, 0, 0);
  }

  /**
   * Relu: every bit AND-ed with the inverted sign, two bits per LUT (HLS); on the RTL target Yosys keeps one LUT2 per
   * bit below the sign (measured: 441 LUTs for 64 8-bit values).
   */
  Cost relu(int width) {
    return Cost.luts(hls() ? Math.ceil(width / 2.0) : Math.max(1, width - 1));
  }

  /**
   * {@code lookups} reads of a table. On the HLS target a table of at least {@code bramMinBits} bits is a ROM in
   * 18 Kb BRAMs with two read ports (one copy per two lookups); smaller tables, and all tables of the RTL target,
   * are LUT ROMs of 64 entries per LUT6 and output bit, one copy per lookup.
   */
  Cost table(TableSpec t, long lookups, int entryWidth) {
    long bits = (long) t.size() * entryWidth;
    if (hls() && bits >= opts.bramMinBits()) {
      long copies = (lookups + 1) / 2;
      return new Cost(0, 0, 0, copies * (long) Math.ceil(bits / 18432.0), 0, 0);
    }
    return Cost.luts((double) lookups * entryWidth * Math.ceil(t.size() / 64.0));
  }

  /**
   * Requantization of a {@code from} value to {@code to}: free for truncation and wrapping (wires); a rounding
   * mode other than TRN that drops bits adds an incrementer of the output width; a saturating mode that drops
   * integer bits adds an overflow detector (one LUT per six dropped bits) and a clamp multiplexer (half a LUT per
   * bit).
   */
  Cost requantize(FixedType from, FixedType to) {
    if (from == null || to == null) {
      return Cost.ZERO;
    }
    double lut = 0;
    if (to.rounding() != Rounding.TRN && from.fractionBits() > to.fractionBits()) {
      lut += to.width();
    }
    int droppedInt = from.integerBits() - to.integerBits() + (from.signed() && !to.signed() ? 1 : 0);
    if (to.overflow() != Overflow.WRAP && droppedInt > 0) {
      lut += Math.ceil(droppedInt / 6.0) + Math.ceil(to.width() / 2.0);
    }
    return Cost.luts(lut);
  }

  /** {@code ceil(log2(n))} for n >= 1, 0 for n <= 1. */
  static int ceilLog2(long n) {
    return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
  }

  /** Cycles for {@code levels} adder levels (registers every {@code levelsPerStage} levels). */
  int stages(int levels) {
    return (levels + opts.levelsPerStage() - 1) / opts.levelsPerStage();
  }
}
