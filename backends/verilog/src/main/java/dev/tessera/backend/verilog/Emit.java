package dev.tessera.backend.verilog;

import dev.tessera.ir.arith.Range;
import dev.tessera.backend.verilog.rtl.Bits;
import dev.tessera.backend.verilog.rtl.RtlModule;
import dev.tessera.backend.verilog.rtl.Sig;
import java.math.BigInteger;
import java.util.List;

/** Small logic pieces shared by the layers: output packing, table index, comparisons. */
final class Emit {
  private Emit() {}

  /** Drives {@code out_data} with the elements, element 0 in the low bits. */
  static void pack(RtlModule m, List<Sig> elems, int width) {
    StringBuilder cat = new StringBuilder();
    for (int j = elems.size() - 1; j >= 0; j--) {
      cat.append(j == elems.size() - 1 ? "" : ", ").append(Bits.value(elems.get(j), width, m));
    }
    m.output("out_data", elems.size() * width, elems.size() == 1 ? cat.toString() : "{" + cat + "}");
  }

  /** The clamped table index of {@code x} as a wire of the index width. */
  static Sig tableIndex(RtlModule m, Sig x, TableIndex ti, String hint) {
    Range ar = ti.aRange(x.range());
    int wa = Math.max(ar.width(), x.width() + ti.shiftRaw() + 1);
    String shifted = ti.shiftRaw() == 0 ? Bits.value(x, wa, m)
        : "{" + Bits.value(x, wa - ti.shiftRaw(), m) + ", " + ti.shiftRaw() + "'h0}";
    Sig a = m.wire(hint + "_a", wa, true, ar, ti.lo().signum() == 0 ? shifted
        : shifted + " - " + Bits.literal(ti.lo(), wa), null);
    Range tr = ti.tRange(ar);
    int wt = Math.max(tr.width(), 2);
    String t;
    if (ti.shiftOut() >= 0) {
      t = ti.shiftOut() >= wt ? wt + "'h0" : "{" + Bits.slice(a, 0, wt - ti.shiftOut(), m) + ", " + ti.shiftOut()
          + "'h0}";
      if (ti.shiftOut() == 0) {
        t = Bits.slice(a, 0, wt, m);
      }
    } else {
      t = Bits.slice(a, -ti.shiftOut(), wt, m);
    }
    Sig ts = m.wire(hint + "_t", wt, true, tr, t, "bits above the table size are only compared");
    int n = ti.indexBits();
    BigInteger max = BigInteger.valueOf(ti.size() - 1);
    boolean below = tr.min().signum() < 0;
    boolean above = tr.max().compareTo(max) > 0;
    String low = Bits.slice(ts, 0, n, m);
    String expr = low;
    if (above) {
      m.readAll(ts);
      expr = "($signed(" + ts.name() + ") > $signed(" + Bits.literal(max, wt) + ")) ? " + Bits.literal(max, n)
          + " : " + expr;
    }
    if (below) {
      m.read(ts, wt - 1, wt - 1);
      expr = Bits.bit(ts, wt - 1) + " ? " + n + "'h0 : " + expr;
    }
    Range ir = new Range(tr.min().max(BigInteger.ZERO).min(max), tr.max().min(max).max(BigInteger.ZERO));
    return m.wire(hint + "_i", n, false, ir, expr, null);
  }

  /** {@code a > b} for two signals of the same signedness, as a 1-bit expression. */
  static String greater(RtlModule m, Sig a, Sig b) {
    int w = Math.max(a.width(), b.width()) + (a.signed() == b.signed() ? 0 : 1);
    boolean signed = a.signed() || b.signed();
    String av = Bits.value(a, w, m);
    String bv = Bits.value(b, w, m);
    return signed ? "($signed(" + av + ") > $signed(" + bv + "))" : "(" + av + " > " + bv + ")";
  }

  /** Minimal bits to count {@code 0 .. n-1}, at least 1. */
  static int indexBits(int n) {
    int b = 1;
    while ((1L << b) < n) {
      b++;
    }
    return b;
  }
}
