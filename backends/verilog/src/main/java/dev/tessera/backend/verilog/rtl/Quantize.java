package dev.tessera.backend.verilog.rtl;

import dev.tessera.ir.arith.Range;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Rounding;
import java.math.BigInteger;

/**
 * {@code Q_T} of docs/fixed-point.md in logic. For a value {@code v} with {@code f} fraction bits and {@code s = f - F}
 * dropped bits, the rounded result is {@code floor((v + K + c) / 2^s)}: {@code K} is a constant of the mode (TRN 0,
 * RND {@code 2^(s-1)}, RND_MIN_INF {@code 2^(s-1) - 1}, the others {@code 2^(s-1) - 1} or 0) and {@code c} a
 * correction from the sign of {@code v} or its bit {@code s} (TRN_ZERO, RND_ZERO, RND_INF, RND_CONV). When the mode
 * needs no correction, {@code K} can be folded into a constant the caller adds anyway (a bias). Overflow logic is
 * only emitted when the exact bounds of the rounded value leave the type's range.
 */
public final class Quantize {

  private Quantize() {}

  /**
   * The constant a caller may add to the value beforehand ({@code prefolded = true} in {@link #emit}); zero when the
   * mode needs a sign or parity correction (then the constant is added in logic).
   */
  public static BigInteger foldable(int fracIn, FixedType ty) {
    int s = fracIn - ty.fractionBits();
    if (s <= 0) {
      return BigInteger.ZERO;
    }
    BigInteger half = BigInteger.ONE.shiftLeft(s - 1);
    return switch (ty.rounding()) {
      case TRN -> BigInteger.ZERO;
      case RND -> half;
      case RND_MIN_INF -> half.subtract(BigInteger.ONE);
      default -> BigInteger.ZERO;
    };
  }

  /**
   * Emits {@code Q_ty(v * 2^-fracIn)}; with {@code prefolded}, {@link #foldable} was already added to {@code v}.
   * Returns a wire of {@code ty.width()} bits (two's complement when signed).
   */
  public static Sig emit(RtlModule m, Sig v, int fracIn, FixedType ty, boolean prefolded, String hint) {
    return emit(m, v, 0, fracIn, ty, prefolded, hint);
  }

  /**
   * {@code Q_ty((v << vShift) * 2^-fracIn)}; with {@code prefolded}, {@code foldable(fracIn, ty)} was already added
   * to the shifted value.
   */
  public static Sig emit(RtlModule m, Sig vIn, int vShift, int fracIn, FixedType ty, boolean prefolded,
      String hint) {
    int s = fracIn - ty.fractionBits();
    Sig v = vIn;
    if (vShift > 0) {
      BigInteger kLeft = s <= 0 ? BigInteger.ZERO : modeConstant(s, ty.rounding())
          .subtract(prefolded ? foldable(fracIn, ty) : BigInteger.ZERO);
      boolean plainFloor = kLeft.signum() == 0 && !needsCorrection(ty.rounding(), vIn.range());
      if (plainFloor || s <= 0) {
        return finish(m, vIn, s - vShift, shiftRange(vIn.range(), vShift, s), ty, hint);
      }
      v = m.wire(hint + "_v", vIn.width() + vShift, true, shiftRange(vIn.range(), vShift, 0),
          "{" + Bits.value(vIn, vIn.width(), m) + ", " + vShift + "'h0}", "low zero bits");
    }
    // q = v << -s, or the rounded v >> s: as a signal 'qs' read from bit 'from' (from < 0 means shifted left)
    Sig qs;
    int from;
    Range qr;
    if (s <= 0) {
      qs = v;
      from = s;
      qr = new Range(v.range().min().shiftLeft(-s), v.range().max().shiftLeft(-s));
    } else {
      BigInteger half = BigInteger.ONE.shiftLeft(s - 1);
      Rounding mode = ty.rounding();
      BigInteger k = switch (mode) {
        case TRN, TRN_ZERO -> BigInteger.ZERO;
        case RND -> half;
        default -> half.subtract(BigInteger.ONE);
      };
      if (prefolded) {
        k = k.subtract(foldable(fracIn, ty));
      }
      boolean neg = v.range().min().signum() < 0;
      String corr = null;
      BigInteger corrMax = BigInteger.ZERO;
      switch (mode) {
        case TRN_ZERO -> {
          if (neg) {
            corrMax = BigInteger.ONE.shiftLeft(s).subtract(BigInteger.ONE);
            corr = "sign";
          }
        }
        case RND_ZERO -> {
          if (neg) {
            corrMax = BigInteger.ONE;
            corr = "neg";
          }
        }
        case RND_INF -> {
          corrMax = BigInteger.ONE;
          corr = neg ? "nonneg" : "one";
        }
        case RND_CONV -> {
          corrMax = BigInteger.ONE;
          corr = "parity";
        }
        default -> { }
      }
      if (k.signum() == 0 && corr == null) {
        qs = v;
      } else {
        Range rr = new Range(v.range().min().add(k), v.range().max().add(k).add(corrMax));
        int wr = Math.max(rr.width(), v.width() + 1);
        String expr = Bits.value(v, wr, m);
        if (k.signum() != 0) {
          expr += " + " + Bits.literal(k, wr);
        }
        if (corr != null) {
          expr += " + " + correction(m, v, corr, s, wr);
        }
        qs = m.wire(hint + "_r", wr, true, rr, expr, "bits below the rounding position are dropped");
      }
      from = s;
      qr = new Range(floorDiv(qs.range().min(), s), floorDiv(qs.range().max(), s));
    }
    return finish(m, qs, from, qr, ty, hint);
  }

  /** The range of {@code floor((r << vShift) / 2^s)}. */
  private static Range shiftRange(Range r, int vShift, int s) {
    int net = vShift - s;
    if (net >= 0) {
      return new Range(r.min().shiftLeft(net), r.max().shiftLeft(net));
    }
    return new Range(r.min().shiftRight(-net), r.max().shiftRight(-net));
  }

  private static BigInteger modeConstant(int s, Rounding mode) {
    BigInteger half = BigInteger.ONE.shiftLeft(s - 1);
    return switch (mode) {
      case TRN, TRN_ZERO -> BigInteger.ZERO;
      case RND -> half;
      default -> half.subtract(BigInteger.ONE);
    };
  }

  private static boolean needsCorrection(Rounding mode, Range r) {
    return switch (mode) {
      case TRN_ZERO, RND_ZERO -> r.min().signum() < 0;
      case RND_INF, RND_CONV -> true;
      default -> false;
    };
  }

  /** Overflow handling of the rounded value {@code qs >> from} (from < 0: shifted left) with exact bounds qr. */
  private static Sig finish(RtlModule m, Sig qs, int from, Range qr, FixedType ty, String hint) {
    Range tr = new Range(ty.minRaw(), ty.maxRaw());
    int w = ty.width();
    boolean fits = qr.min().compareTo(tr.min()) >= 0 && qr.max().compareTo(tr.max()) <= 0;
    String bits = shifted(m, qs, from, w);
    if (fits || ty.overflow() == dev.tessera.ir.Overflow.WRAP) {
      Range out = fits ? qr : tr;
      return m.wire(hint + "_q", w, ty.signed(), out, bits, null);
    }
    // saturation: compare the whole rounded value with the ends of the range
    int wq = Math.max(qr.width(), tr.width());
    Sig q = m.wire(hint + "_x", wq, true, qr, shifted(m, qs, from, wq), null);
    String hi = qr.max().compareTo(tr.max()) > 0
        ? "($signed(" + q.name() + ") > $signed(" + Bits.literal(tr.max(), wq) + "))" : "1'b0";
    String lo = qr.min().compareTo(tr.min()) < 0
        ? "($signed(" + q.name() + ") < $signed(" + Bits.literal(tr.min(), wq) + "))" : "1'b0";
    m.readAll(q);
    BigInteger onHi;
    BigInteger onLo;
    switch (ty.overflow()) {
      case SAT -> {
        onHi = tr.max();
        onLo = tr.min();
      }
      case SAT_ZERO -> {
        onHi = BigInteger.ZERO;
        onLo = BigInteger.ZERO;
      }
      case SAT_SYM -> {
        onHi = tr.max();
        onLo = ty.signed() ? tr.max().negate() : tr.min();
      }
      default -> throw new IllegalStateException("overflow mode " + ty.overflow());
    }
    String expr = hi + " ? " + Bits.literal(onHi, w) + " : " + lo + " ? " + Bits.literal(onLo, w) + " : "
        + q.name() + "[" + (w - 1) + ":0]";
    Range out = new Range(qr.min().max(tr.min()).min(onLo.min(onHi)), qr.max().min(tr.max()).max(onLo.max(onHi)));
    return m.wire(hint + "_q", w, ty.signed(), out, expr, null);
  }

  /** {@code count} bits of {@code q << -from} (from <= 0) or {@code q >> from}. */
  private static String shifted(RtlModule m, Sig q, int from, int count) {
    if (from >= 0) {
      return Bits.slice(q, from, count, m);
    }
    int ls = -from;
    if (ls >= count) {
      return count + "'h0";
    }
    return "{" + Bits.slice(q, 0, count - ls, m) + ", " + ls + "'h0}";
  }

  private static String correction(RtlModule m, Sig v, String kind, int s, int wr) {
    String sign = v.signed() ? Bits.bit(v, v.width() - 1) : "1'b0";
    if (v.signed()) {
      m.read(v, v.width() - 1, v.width() - 1);
    }
    return switch (kind) {
      case "sign" -> "{" + (wr - s) + "'h0, {" + s + "{" + sign + "}}}";
      case "neg" -> "{" + (wr - 1) + "'h0, " + sign + "}";
      case "nonneg" -> "{" + (wr - 1) + "'h0, ~" + sign + "}";
      case "one" -> Bits.literal(BigInteger.ONE, wr);
      case "parity" -> "{" + (wr - 1) + "'h0, " + Bits.slice(v, s, 1, m) + "}";
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static BigInteger floorDiv(BigInteger a, int s) {
    return a.shiftRight(s);
  }
}
