package dev.tessera.passes.quant;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.op.Op;
import java.util.Locale;

/**
 * The exact fixed-point type of a QONNX Quant: with a power-of-two scale {@code 2^-f}, zero point 0, a constant bit
 * width {@code b}, no narrow range and a rounding mode ap_fixed has, {@code Quant(x)} equals {@code Q_T(x)} for
 * {@code T = fixed<b, b-f, mode, SAT>} (ufixed when unsigned): QONNX clamps to the integer range before rounding,
 * which gives the same result as rounding and then saturating because the bounds are integers.
 */
final class QuantMapping {

  private QuantMapping() {}

  /** The exact type, or the reason there is none. */
  record Result(FixedType type, String reason) {}

  static Result typeOf(Node n, Graph g) {
    Op.Quant q = (Op.Quant) n.op();
    Tensor scale = g.constant(n.input(1));
    Tensor zero = g.constant(n.input(2));
    Tensor bits = g.constant(n.input(3));
    if (scale == null || zero == null || bits == null) {
      return new Result(null, "scale, zero point and bit width must be constants");
    }
    double s = scale.value(0);
    for (double v : scale.values()) {
      if (v != s) {
        return new Result(null, "the scale differs between channels");
      }
    }
    if (!(s > 0) || Math.getExponent(s) < Double.MIN_EXPONENT || s != Math.scalb(1.0, Math.getExponent(s))) {
      return new Result(null, "the scale " + s + " is not a power of two");
    }
    for (double v : zero.values()) {
      if (v != 0) {
        return new Result(null, "the zero point " + v + " is not 0");
      }
    }
    if (bits.size() != 1 || bits.value(0) != Math.rint(bits.value(0)) || bits.value(0) < 1 || bits.value(0) > 4096) {
      return new Result(null, "the bit width must be one integer in [1, 4096]");
    }
    if (q.narrow()) {
      return new Result(null, "narrow range has no ap_fixed overflow mode");
    }
    Rounding r = rounding(q.rounding());
    if (r == null) {
      return new Result(null, "rounding mode " + q.rounding() + " has no ap_fixed equivalent");
    }
    int b = (int) bits.value(0);
    int f = -Math.getExponent(s);
    return new Result(new FixedType(q.signed(), b, b - f, r, Overflow.SAT), null);
  }

  /** QONNX rounding names to ap_fixed modes; CEIL and UP have none. */
  static Rounding rounding(String qonnx) {
    return switch (qonnx == null ? "ROUND" : qonnx.trim().toUpperCase(Locale.ROOT)) {
      case "ROUND" -> Rounding.RND_CONV;
      case "FLOOR" -> Rounding.TRN;
      case "ROUND_TO_ZERO", "DOWN" -> Rounding.TRN_ZERO;
      case "HALF_UP" -> Rounding.RND_INF;
      case "HALF_DOWN" -> Rounding.RND_ZERO;
      default -> null;
    };
  }
}
