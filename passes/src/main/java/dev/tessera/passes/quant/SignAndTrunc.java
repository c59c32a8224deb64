package dev.tessera.passes.quant;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.interp.FloatMath;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.PassContext;

/**
 * The rewrites of QONNX BipolarQuant and Trunc into QONNX Quant nodes with power-of-two scales (exact fixed-point
 * types) and constant Add, Sub and Mul. Each rewrite computes the QONNX formula exactly in float
 * too, for every input the op's contract admits (see each method).
 */
final class SignAndTrunc {

  private SignAndTrunc() {}

  /**
   * {@code BipolarQuant(x, s) = s (x >= 0 ? 1 : -1)} as two floor Quants of 2 signed bits, {@code q = Quant(x, 1)} in
   * {@code {-2, -1, 0, 1}} and {@code c = Quant(q, 2)}, which is {@code -2} for {@code x < 0} and 0 otherwise, exactly
   * for every real x (division by 1 and 2 is exact, floor and clamp are exact), then {@code y = c · s + s}. The
   * Quants are {@code fixed<2,2,TRN,SAT>} and {@code fixed<2,3,TRN,SAT>}. (A Clip to [-1, 0] would do the second
   * step too, but a Clip quantizes to its own type before clamping, which may wrap in a narrow type.)
   */
  static Graph bipolar(Graph g, Node n, PassContext ctx) {
    Tensor s = g.constant(n.input(1));
    if (s == null) {
      ctx.warn(n.describe() + ": the scale must be a constant; the quantizer stays");
      return g;
    }
    QuantChain c = new QuantChain(g, n, n.input(0));
    String sc = c.constant("scale", Tensor.ofFloats(s.shape(), s.values()));
    c.named(n.name()).integerQuant("floor", true, false, "FLOOR", 2);
    c.scaledQuant("negative", true, "FLOOR", 2, 2.0);
    c.binary(Op.BinaryKind.MUL, "times_scale", sc);
    c.binary(Op.BinaryKind.ADD, "plus_scale", sc);
    return c.build();
  }

  /**
   * QONNX Trunc with constant scalar parameters. v1 (5 inputs): {@code u = round(x/s + z)},
   * {@code t = mode(u / 2^k)} with {@code k = in_bits - out_bits}, {@code y = (t - z) s}. v2 (6 or 7 inputs):
   * {@code t = mode(clamp(u / ts))} with {@code ts = 2^round(log2(out_s / s))} and the output bits' integer range,
   * {@code y = (t - z/ts) out_s}. Written as {@code x · (1/s) + z}, an integer Quant ({@code in_bits + 1} signed
   * bits, ROUND), {@code · (1/ts)}, an integer Quant with the rounding mode (v2: clamped to the output bits; CEIL as
   * {@code -floor(-v)}, then the clamp), then {@code - z'} and {@code · out_s}. Exact in float and fixed for every
   * input whose {@code x/s + z} fits {@code in_bits + 1} signed bits (the op's input is an {@code in_bits}-bit
   * integer), when {@code 1/s} is exact (s a power of two), and up to the double rounding of {@code x · (1/s)}
   * otherwise.
   */
  static Graph trunc(Graph g, Node n, Op.Trunc t, PassContext ctx) {
    int count = n.inputs().size();
    boolean v1 = count == 5;
    double[] p = new double[count];
    for (int i = 1; i < count; i++) {
      Tensor c = n.input(i) == null ? null : g.constant(n.input(i));
      if (c == null || c.size() != 1) {
        ctx.warn(n.describe() + ": scale, zero point, bit widths and output scale must be scalar constants; the "
            + "truncation stays");
        return g;
      }
      p[i] = c.value(0);
    }
    double s = p[1];
    double z = p[2];
    int inBits = (int) p[3];
    int outBits = (int) p[count - 1];
    FloatMath.RoundMode mode = FloatMath.RoundMode.parse(t.rounding() == null || t.rounding().isEmpty() ? "FLOOR"
        : t.rounding());
    if (!(s > 0) || z != Math.rint(z) || mode == null || mode == FloatMath.RoundMode.UP) {
      ctx.warn(n.describe() + ": needs a positive scale, an integer zero point and rounding ROUND, CEIL, FLOOR, "
          + "ROUND_TO_ZERO, DOWN, HALF_UP or HALF_DOWN; the truncation stays");
      return g;
    }
    double outScale = v1 ? s : p[4];
    double ts = v1 ? Math.scalb(1.0, inBits - outBits) : Math.pow(2.0, Math.rint(Math.log(p[4] / s) / Math.log(2)));
    int wide = inBits + 1 + Math.max(0, -Math.getExponent(ts));
    if (wide > 64 || !(outScale > 0) || (!v1 && t.signed() && outBits == 1)) {
      ctx.warn(n.describe() + ": needs at most 64 bits for the rounded input (" + wide + "), a positive output scale "
          + "and not a 1-bit signed output (QONNX Quant is bipolar there); the truncation stays");
      return g;
    }
    QuantChain c = new QuantChain(g, n, n.input(0));
    if (s != 1) {
      c.binary(Op.BinaryKind.MUL, "divide", c.scalar("inverse_scale", 1 / s));
    }
    if (z != 0) {
      c.binary(Op.BinaryKind.ADD, "add_zero", c.scalar("zero", z));
    }
    c.integerQuant("round", true, false, "ROUND", inBits + 1);
    if (ts != 1) {
      c.binary(Op.BinaryKind.MUL, "shift", c.scalar("inverse_trunc_scale", 1 / ts));
    }
    boolean ceil = mode == FloatMath.RoundMode.CEIL;
    if (ceil) {
      // ceil(v) = -floor(-v); v2 then clamps the integer to the output bits (clamp and rounding commute on integers)
      c.binary(Op.BinaryKind.MUL, "negate", c.scalar("minus_one", -1));
      c.named(n.name()).integerQuant("truncate", true, false, "FLOOR", wide);
      c.binary(Op.BinaryKind.MUL, "negate_back", c.scalar("minus_one_back", -1));
      if (!v1) {
        c.integerQuant("clamp", t.signed(), t.narrow(), "ROUND", outBits);
      }
    } else {
      // v1 has no clamp (the wide Quant never clamps a valid input); v2: QONNX Quant clamps, then rounds, as Trunc
      c.named(n.name()).integerQuant("truncate", v1 || t.signed(), !v1 && t.narrow(), mode.name(), v1 ? wide
          : outBits);
    }
    double zOut = v1 ? z : z / ts;
    if (zOut != 0) {
      c.binary(Op.BinaryKind.SUB, "sub_zero", c.scalar("output_zero", zOut));
    }
    if (outScale != 1) {
      c.binary(Op.BinaryKind.MUL, "rescale", c.scalar("output_scale", outScale));
    }
    return c.build();
  }
}
