package dev.tessera.backend.verilog;

import dev.tessera.ir.arith.Range;
import dev.tessera.backend.verilog.rtl.Bits;
import dev.tessera.backend.verilog.rtl.Quantize;
import dev.tessera.backend.verilog.rtl.RtlModule;
import dev.tessera.backend.verilog.rtl.Sig;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.intops.IntExp;
import dev.tessera.ir.intops.IntGelu;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The I-BERT integer-only ops of docs/integer-ops.md in pipelined logic (II = 1), bit-exact with
 * {@code dev.tessera.ir.intops}: i-exp, the integer softmax and i-GELU. Java computes every constant.
 *
 * <p>i-exp of {@code q <= 0}, per element: {@code nd = min(-align(q), (2k+2) L)} (a clamped value gives
 * {@code E = 0} exactly as the reference does, since {@code 6 L^2 < 2^(2k+2)}); {@code z = floor(nd / L)} by
 * {@code 2k+2} comparisons with the constants {@code j L} (exact by construction, no reciprocal);
 * {@code P = (2L - (nd - z L))^2 + 2 L^2}; {@code E = P >> z}. Softmax adds the row maximum before, then
 * {@code S = sum E}, a leading-one detector normalizing {@code S} to {@code Sn = S << (ws - s)} so that
 * {@code R = floor(2^(ws+Fo+2) / Sn)} (equal to {@code floor(2^(s+Fo+2) / S)}) comes from a restoring divider with one
 * register stage per quotient bit, and {@code y = (E R + 2^(s+1)) >> (s+2)}.
 */
final class IntegerLayers {
  /**
   * Adder levels between registers in the softmax row sum: Yosys synth_xilinx gives a logic depth of 15 cells for a
   * one-stage sum of 8 values of 34 bits, 20 for 32 and 26 for 128 (a shift-add layer: 18).
   */
  static final int SUM_LEVELS = 3;

  private IntegerLayers() {}

  /** {@code Q_Ty(A * E(min(x, 0)))} elementwise. */
  static LayerRtl iexp(String module, String node, TensorDesc in, int k, FixedType ty, long[] outShape) {
    IntExp ex = new IntExp(k);
    RtlModule m = new RtlModule(module);
    Sig port = m.input("in_data", in.bits(), "unused");
    dev.tessera.backend.verilog.rtl.Bus x = new dev.tessera.backend.verilog.rtl.Bus(m, port, in.type().width(),
        in.type().signed(), in.ranges(), "x");
    int fx = in.type().fractionBits();
    List<Sig> ys = new ArrayList<>();
    List<Range> rs = new ArrayList<>();
    int latency = 0;
    for (int i = 0; i < x.size(); i++) {
      Sig xi = x.element(i);
      // nq = -min(x, 0) >= 0
      BigInteger lo = xi.range().min().min(BigInteger.ZERO);
      Range nqr = new Range(BigInteger.ZERO, lo.negate());
      int wn = Math.max(nqr.width(), xi.width() + 1);
      Sig nq;
      if (!xi.signed() || xi.range().min().signum() >= 0) {
        nq = Sig.constant(BigInteger.ZERO);
      } else {
        m.readAll(xi);
        nq = m.wire("nq" + i, wn, true, nqr, Bits.bit(xi, xi.width() - 1) + " ? (" + Bits.literal(BigInteger.ZERO, wn)
            + " - " + Bits.value(xi, wn, m) + ") : " + Bits.literal(BigInteger.ZERO, wn), null);
      }
      Exp e = expPipe(m, nq, fx, ex, "e" + i + "_");
      latency = e.stages;
      BigInteger a = BigInteger.valueOf(ex.a());
      Range pr = new Range(BigInteger.ZERO, a.multiply(e.e.range().max()));
      int wp = pr.width();
      Sig p = m.reg("p" + i, wp, true, pr, Bits.value(e.e, wp, m) + " * " + Bits.literal(a, wp), null);
      Sig q = Quantize.emit(m, p, ex.scaleBits(), ty, false, "y" + i);
      Sig r = m.reg("y" + i + "_reg", q, null);
      ys.add(r);
      rs.add(r.range());
      latency += 2;
    }
    Emit.pack(m, ys, ty.width());
    m.latency(latency);
    m.comment(node + ": integer-only i-exp (k = " + k + ", L = " + ex.ln2() + ", A = " + ex.a() + "), " + in.type()
        + " in, " + ty + " out; " + latency + " cycles");
    return new LayerRtl(node, "IExp", m, new TensorDesc(ty, outShape, rs), 0, x.size(), 0);
  }

  /**
   * {@code Q_Ty(q * Phi(q))} elementwise (i-GELU), in five register stages: {@code U = min(align(|q|), Bc)};
   * {@code (Bc - U)^2}; {@code Phi}; the product; {@code Q_Ty}.
   */
  static LayerRtl igelu(String module, String node, TensorDesc in, int k, FixedType ty, long[] outShape) {
    IntGelu ge = new IntGelu(k);
    FixedType tx = in.type();
    if (!ge.outputType(tx).fitsLong()) {
      throw new IllegalArgumentException("i-gelu output of " + tx + " with k = " + k + " needs more than 64 bits");
    }
    RtlModule m = new RtlModule(module);
    Sig port = m.input("in_data", in.bits(), "unused");
    dev.tessera.backend.verilog.rtl.Bus x = new dev.tessera.backend.verilog.rtl.Bus(m, port, tx.width(),
        tx.signed(), in.ranges(), "x");
    int fx = tx.fractionBits();
    BigInteger bc = BigInteger.valueOf(ge.clip());
    BigInteger ha = BigInteger.valueOf(ge.coefficient());
    int wu = bc.bitLength() + 1;
    List<Sig> ys = new ArrayList<>();
    List<Range> rs = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      Sig xi = x.element(i);
      BigInteger amax = xi.range().max().abs().max(xi.range().min().abs());
      Range ar = new Range(BigInteger.ZERO, amax);
      int wa = Math.max(ar.width(), xi.width() + 1);
      boolean neg = xi.range().min().signum() < 0;
      Sig a;
      if (neg) {
        m.readAll(xi);
        a = m.wire("a" + i, wa, true, ar, Bits.bit(xi, xi.width() - 1) + " ? (" + Bits.literal(BigInteger.ZERO, wa)
            + " - " + Bits.value(xi, wa, m) + ") : " + Bits.value(xi, wa, m), null);
      } else {
        a = xi;
      }
      String uExpr;
      if (fx >= k) {
        int sh = fx - k;
        BigInteger amx = amax.shiftRight(sh);
        int wc = Math.max(a.width(), wu);
        String shifted = Bits.slice(a, sh, wc, m);
        uExpr = amx.compareTo(bc) <= 0 ? Bits.slice(a, sh, wu, m)
            : "(" + shifted + " > " + Bits.literal(bc, wc) + ") ? " + Bits.literal(bc, wu) + " : "
                + Bits.slice(a, sh, wu, m);
      } else {
        int sh = k - fx;
        BigInteger lim = bc.shiftRight(sh);
        int wc = Math.max(a.width(), Range.point(lim).width());
        String shifted = wu - sh > 0 ? "{" + Bits.value(a, wu - sh, m) + ", " + sh + "'h0}" : Bits.literal(
            BigInteger.ZERO, wu);
        uExpr = amax.compareTo(lim) <= 0 ? shifted
            : "(" + Bits.value(a, wc, m) + " > " + Bits.literal(lim, wc) + ") ? " + Bits.literal(bc, wu) + " : "
                + shifted;
      }
      Sig u = m.reg("u" + i, wu, true, new Range(BigInteger.ZERO, bc), uExpr, null);
      Sig q1 = m.reg("q" + i + "_d", xi, null);
      // (Bc - U)^2
      int wdd = bc.multiply(bc).bitLength() + 1;
      Sig d = m.wire("d" + i, wdd, false, new Range(BigInteger.ZERO, bc), Bits.literal(bc, wdd) + " - "
          + Bits.value(u, wdd, m), null);
      m.readAll(d);
      Sig dd = m.reg("dd" + i, wdd, false, new Range(BigInteger.ZERO, bc.multiply(bc)), d.name() + " * " + d.name(),
          null);
      Sig q2 = m.reg("q" + i + "_d", q1, null);
      // Phi = q >= 0 ? 2^k - H : H, H = (Ha dd + 2^(2k+1)) >> (2k+2)
      BigInteger hnum = ha.multiply(bc.multiply(bc)).add(BigInteger.ONE.shiftLeft(2 * k + 1));
      int wh = hnum.bitLength() + 1;
      Sig hv = m.wire("h" + i, wh, false, new Range(BigInteger.ZERO, hnum), Bits.value(dd, wh, m) + " * "
          + Bits.literal(ha, wh) + " + " + Bits.literal(BigInteger.ONE.shiftLeft(2 * k + 1), wh),
          "bits below 2^(2k+2) are dropped");
      BigInteger hmax = hnum.shiftRight(2 * k + 2);
      int wphi = k + 2;
      String hs = Bits.slice(hv, 2 * k + 2, wphi, m);
      String phiExpr = neg ? Bits.bit(q2, q2.width() - 1) + " ? " + hs + " : (" + Bits.literal(
          BigInteger.ONE.shiftLeft(k), wphi) + " - " + hs + ")"
          : Bits.literal(BigInteger.ONE.shiftLeft(k), wphi) + " - " + hs;
      if (neg) {
        m.read(q2, q2.width() - 1, q2.width() - 1);
      }
      Sig phi = m.reg("phi" + i, wphi, true, new Range(BigInteger.ZERO, BigInteger.ONE.shiftLeft(k)), phiExpr, null);
      Sig q3 = m.reg("q" + i + "_d", q2, null);
      // y = q * Phi (operands extended to the product width: the low bits of the product are exact)
      BigInteger p1 = xi.range().min().shiftLeft(k).min(xi.range().min().multiply(hmax)).min(BigInteger.ZERO);
      BigInteger p2 = xi.range().max().shiftLeft(k).max(BigInteger.ZERO);
      Range pr = new Range(p1, p2);
      int wp = Math.max(pr.width(), Math.max(q3.width(), wphi) + 1);
      Sig p = m.reg("p" + i, wp, true, pr, Bits.value(q3, wp, m) + " * " + Bits.value(phi, wp, m), null);
      Sig qy = Quantize.emit(m, p, fx + k, ty, false, "y" + i);
      Sig r = m.reg("y" + i + "_reg", qy, null);
      ys.add(r);
      rs.add(r.range());
    }
    Emit.pack(m, ys, ty.width());
    m.latency(5);
    m.comment(node + ": integer-only i-GELU (k = " + k + ", Bc = " + bc + ", Ha = " + ha + "), " + tx + " in, " + ty
        + " out; 5 cycles");
    return new LayerRtl(node, "IGelu", m, new TensorDesc(ty, outShape, rs), 0, 3 * x.size(), 0);
  }

  /** Integer softmax along the last sample axis. */
  static LayerRtl isoftmax(String module, String node, TensorDesc in, int k, int fo, FixedType ty) {
    IntExp ex = new IntExp(k);
    long[] shape = in.shape();
    int len = (int) shape[shape.length - 1];
    int rows = in.size() / len;
    RtlModule m = new RtlModule(module);
    Sig port = m.input("in_data", in.bits(), "unused");
    dev.tessera.backend.verilog.rtl.Bus x = new dev.tessera.backend.verilog.rtl.Bus(m, port, in.type().width(),
        in.type().signed(), in.ranges(), "x");
    int fx = in.type().fractionBits();
    Sig[] ys = new Sig[in.size()];
    int latency = 0;
    for (int row = 0; row < rows; row++) {
      String g = rows == 1 ? "" : "g" + row + "_";
      List<Sig> vals = new ArrayList<>();
      for (int i = 0; i < len; i++) {
        vals.add(x.element(row * len + i));
      }
      SoftmaxLayer.Cand best = SoftmaxLayer.maxTree(m, vals, g);
      Sig mx = m.reg(g + "max", best.value(), null);
      int stages = 1;
      List<Sig> es = new ArrayList<>();
      int expStages = 0;
      for (int i = 0; i < len; i++) {
        Sig xi = m.reg(g + "x" + i + "_d", vals.get(i), null);
        // nq = max - x >= 0
        BigInteger hi = mx.range().max().subtract(xi.range().min()).max(BigInteger.ZERO);
        Range nqr = new Range(BigInteger.ZERO, hi);
        int wn = Math.max(nqr.width(), Math.max(xi.width(), mx.width()) + 1);
        Sig nq = m.wire(g + "nq" + i, wn, true, nqr, Bits.value(mx, wn, m) + " - " + Bits.value(xi, wn, m),
            "the difference is never negative");
        Exp e = expPipe(m, nq, fx, ex, g + "e" + i + "_");
        es.add(e.e);
        expStages = e.stages;
      }
      stages += expStages;
      // S = sum E: an adder tree with a register every SUM_LEVELS levels (one stage up to 8 values)
      BigInteger emax = BigInteger.valueOf(ex.unscaledMax());
      BigInteger smax = BigInteger.ZERO;
      BigInteger smin = BigInteger.ZERO;
      for (Sig e : es) {
        smax = smax.add(e.range().max());
      }
      smin = emax;
      int ws = smax.bitLength();
      List<Sig> terms = new ArrayList<>(es);
      int sumStages = 0;
      int level = 0;
      while (terms.size() > 1 || sumStages == 0) {
        for (int l = 0; l < SUM_LEVELS && terms.size() > 1; l++) {
          List<Sig> next = new ArrayList<>();
          for (int i = 0; i + 1 < terms.size(); i += 2) {
            Sig a = terms.get(i);
            Sig b = terms.get(i + 1);
            Range r = new Range(a.range().min().add(b.range().min()), a.range().max().add(b.range().max()));
            int w = r.max().bitLength();
            next.add(m.wire(g + "sum_l" + level + "_", w, false, r, Bits.value(a, w, m) + " + "
                + Bits.value(b, w, m), null));
          }
          if (terms.size() % 2 == 1) {
            next.add(terms.get(terms.size() - 1));
          }
          terms = next;
          level++;
        }
        List<Sig> regs = new ArrayList<>();
        for (Sig v : terms) {
          Range r = terms.size() == 1 ? new Range(smin, smax) : v.range();
          int w = r.max().bitLength();
          regs.add(m.reg(g + (terms.size() == 1 ? "sum" : "sum_r"), w, false, r, Bits.value(v, w, m), null));
        }
        terms = regs;
        sumStages++;
      }
      Sig s = terms.get(0);
      stages += sumStages;
      // leading-one detector: lz = ws - bitLength(S); Sn = S << lz
      int minLen = smin.bitLength();
      int lzMax = ws - minLen;
      int wl = Math.max(1, BigInteger.valueOf(lzMax).bitLength());
      m.readAll(s);
      StringBuilder lz = new StringBuilder();
      for (int b = ws - 1; b >= minLen; b--) {
        lz.append(Bits.bit(s, b)).append(" ? ").append(Bits.literal(BigInteger.valueOf(ws - 1 - b), wl)).append(" : ");
      }
      lz.append(Bits.literal(BigInteger.valueOf(lzMax), wl));
      Sig lzw = m.wire(g + "lz", wl, false, Range.of(0, lzMax), lz.toString(), null);
      m.readAll(lzw);
      Range snr = new Range(BigInteger.ONE.shiftLeft(ws - 1), BigInteger.ONE.shiftLeft(ws).subtract(BigInteger.ONE));
      Sig sn = m.reg(g + "sn", ws, false, snr, s.name() + " << " + lzw.name(), null);
      Sig lzr = m.reg(g + "lz_reg", lzw, null);
      stages++;
      List<List<Sig>> delayed = new ArrayList<>();
      for (int i = 0; i < len; i++) {
        Sig e = es.get(i);
        for (int d = 0; d <= sumStages; d++) {
          e = m.reg(g + "e" + i + "_d", e, null);
        }
        delayed.add(new ArrayList<>(List.of(e)));
      }
      // restoring divider: r = 2^(ws-2); per quotient bit j = Fo+3 .. 0: r = 2r; bit = r >= Sn; r -= bit ? Sn : 0
      int qb = fo + 4;
      int wr = ws + 1;
      Sig rem = Sig.constant(BigInteger.ONE.shiftLeft(ws - 2));
      Sig quo = null;
      Sig snCur = sn;
      Sig lzCur = lzr;
      for (int j = qb - 1; j >= 0; j--) {
        String r2 = "{" + Bits.value(rem, ws, m) + ", 1'b0}";
        Sig t = m.wire(g + "dv" + j + "_t", wr, false, new Range(BigInteger.ZERO, BigInteger.ONE.shiftLeft(wr).subtract(BigInteger.ONE)), r2, null);
        m.readAll(t);
        String ge = "(" + t.name() + " >= " + Bits.value(snCur, wr, m) + ")";
        Sig bit = m.wire(g + "dv" + j + "_b", 1, false, Range.of(0, 1), ge, null);
        m.readAll(bit);
        Sig nr = m.reg(g + "dv" + j + "_r", ws, false, new Range(BigInteger.ZERO, snr.max()),
            bit.name() + " ? " + Bits.slice(t, 0, ws, m) + " - " + Bits.value(snCur, ws, m) + " : "
                + Bits.slice(t, 0, ws, m), j == 0 ? "the last remainder is not needed" : null);
        int have = qb - 1 - j;
        Sig nq;
        if (quo == null) {
          nq = m.reg(g + "dv" + j + "_q", 1, false, Range.of(0, 1), bit.name(), null);
        } else {
          m.readAll(quo);
          nq = m.reg(g + "dv" + j + "_q", have + 1, false, new Range(BigInteger.ZERO,
              BigInteger.ONE.shiftLeft(have + 1).subtract(BigInteger.ONE)), "{" + quo.name() + ", " + bit.name()
              + "}", null);
        }
        quo = nq;
        rem = nr;
        snCur = m.reg(g + "sn_d", snCur, j == 0 ? "not needed after the last quotient bit" : null);
        lzCur = m.reg(g + "lz_d", lzCur, null);
        for (List<Sig> d : delayed) {
          d.add(m.reg(g + "ed", d.get(d.size() - 1), null));
        }
        stages++;
      }
      Range rr = new Range(BigInteger.ONE.shiftLeft(fo + 2), BigInteger.ONE.shiftLeft(fo + 3));
      Sig rq = m.wire(g + "recip", qb, false, rr, Bits.value(quo, qb, m), null);
      // y_i = (E_i R + 2^(s+1)) >> (s+2), s = ws - lz; then Q_Ty
      int wsh = BigInteger.valueOf(ws + 2).bitLength();
      Sig sh = m.reg(g + "sh", wsh, false, Range.of(ws + 2 - lzMax, ws + 2),
          Bits.literal(BigInteger.valueOf(ws + 2), wsh) + " - " + Bits.value(lzCur, wsh, m), null);
      Sig hf = m.reg(g + "half", ws + 2, false, new Range(BigInteger.ONE, BigInteger.ONE.shiftLeft(ws + 1)),
          Bits.literal(BigInteger.ONE, ws + 2) + " << (" + Bits.literal(BigInteger.valueOf(ws + 1), wsh) + " - "
              + Bits.value(lzCur, wsh, m) + ")", null);
      List<Sig> prods = new ArrayList<>();
      for (int i = 0; i < len; i++) {
        List<Sig> d = delayed.get(i);
        Sig e = d.get(d.size() - 1);
        Range pr = new Range(BigInteger.ZERO, e.range().max().multiply(rr.max()));
        int wp = Math.max(pr.width(), ws + 3);
        prods.add(m.reg(g + "pr" + i, wp, false, pr, Bits.value(e, wp, m) + " * " + Bits.value(rq, wp, m), null));
      }
      stages++;
      m.readAll(sh);
      Range yr = Range.of(0, 1L << fo);
      for (int i = 0; i < len; i++) {
        Sig p = prods.get(i);
        int wp = p.width() + 1;
        String add = "(" + Bits.value(p, wp, m) + " + " + Bits.value(hf, wp, m) + ")";
        Sig v = m.wire(g + "v" + i, wp, false, new Range(BigInteger.ZERO, BigInteger.ONE.shiftLeft(wp - 1)), add, null);
        m.readAll(v);
        Sig vs = m.wire(g + "vs" + i, wp, false, new Range(BigInteger.ZERO, yr.max()), v.name() + " >> " + sh.name(),
            "the shifted value is at most 2^Fo");
        Sig y = m.wire(g + "yi" + i, fo + 2, false, yr, Bits.slice(vs, 0, fo + 2, m), null);
        Sig q = Quantize.emit(m, y, fo, ty, false, g + "y" + i);
        ys[row * len + i] = m.reg(g + "y" + i + "_reg", q, null);
      }
      stages++;
      latency = stages;
    }
    List<Sig> outs = List.of(ys);
    List<Range> rs = new ArrayList<>();
    for (Sig s : outs) {
      rs.add(s.range());
    }
    Emit.pack(m, outs, ty.width());
    m.latency(latency);
    m.comment(node + ": integer-only softmax (k = " + k + ", Fo = " + fo + ", L = " + ex.ln2() + ") over rows of "
        + len + ", " + in.type() + " in, " + ty + " out; " + latency + " cycles");
    return new LayerRtl(node, "ISoftmax", m, new TensorDesc(ty, shape, rs), 0, 0, 0);
  }

  private record Exp(Sig e, int stages) {}

  /**
   * Unscaled i-exp of {@code -nq} (nq a non-negative raw value with {@code fx} fraction bits), in four register
   * stages: clamped {@code nd}; {@code z} and {@code z L}; {@code P}; {@code E = P >> z}.
   */
  private static Exp expPipe(RtlModule m, Sig nq, int fx, IntExp ex, String h) {
    int k = ex.fractionBits();
    long ln2 = ex.ln2();
    int zmax = 2 * k + 2;
    BigInteger bound = BigInteger.valueOf(zmax * ln2);
    int wd = bound.bitLength() + 1;
    Range ndr = new Range(BigInteger.ZERO, bound);
    // stage 1: nd = min(-align(-nq), bound)
    String ndExpr;
    if (nq.isConstant()) {
      ndExpr = Bits.literal(BigInteger.ZERO, wd);
    } else if (fx >= k) {
      // -floor(-nq / 2^s) = ceil(nq / 2^s) = (nq + 2^s - 1) >> s
      int s = fx - k;
      BigInteger cmax = nq.range().max().add(BigInteger.ONE.shiftLeft(s)).subtract(BigInteger.ONE).shiftRight(s);
      int wc = Math.max(nq.width() + 1, Math.max(Range.point(cmax).width(), wd));
      Sig c = m.wire(h + "c", wc, true, new Range(BigInteger.ZERO, cmax), "(" + Bits.value(nq, wc, m)
          + (s == 0 ? "" : " + " + Bits.literal(BigInteger.ONE.shiftLeft(s).subtract(BigInteger.ONE), wc)) + ")"
          + (s == 0 ? "" : " >> " + s), "the value is at most the clamp bound");
      if (cmax.compareTo(bound) > 0) {
        m.readAll(c);
      }
      ndExpr = cmax.compareTo(bound) <= 0 ? Bits.value(c, wd, m)
          : "(" + c.name() + " > " + Bits.literal(bound, wc) + ") ? " + Bits.literal(bound, wd) + " : "
              + Bits.value(c, wd, m);
    } else {
      int s = k - fx;
      BigInteger lim = bound.shiftRight(s);
      // nq << s > bound exactly when nq > floor(bound / 2^s)
      int wc = Math.max(nq.width(), Range.point(lim).width());
      m.readAll(nq);
      String shifted = "{" + Bits.value(nq, wd - s > 0 ? wd - s : 1, m) + ", " + s + "'h0}";
      if (wd - s <= 0) {
        ndExpr = "(" + Bits.value(nq, wc, m) + " > " + Bits.literal(lim, wc) + ") ? " + Bits.literal(bound, wd)
            + " : " + Bits.literal(BigInteger.ZERO, wd);
      } else if (nq.range().max().compareTo(lim) <= 0) {
        ndExpr = shifted;
      } else {
        ndExpr = "(" + Bits.value(nq, wc, m) + " > " + Bits.literal(lim, wc) + ") ? " + Bits.literal(bound, wd)
            + " : " + shifted;
      }
    }
    Sig nd = m.reg(h + "nd", wd, true, ndr, ndExpr, null);
    // stage 2: z = floor(nd / L) by comparisons with j L, and nd - z L
    m.readAll(nd);
    int wz = BigInteger.valueOf(zmax).bitLength() + 1;
    StringBuilder zs = new StringBuilder();
    StringBuilder ps = new StringBuilder();
    for (int j = zmax; j >= 1; j--) {
      String ge = "(" + nd.name() + " >= " + Bits.literal(BigInteger.valueOf(j * ln2), wd) + ")";
      zs.append(ge).append(" ? ").append(Bits.literal(BigInteger.valueOf(j), wz)).append(" : ");
      ps.append(ge).append(" ? (").append(nd.name()).append(" - ")
          .append(Bits.literal(BigInteger.valueOf(j * ln2), wd)).append(") : ");
    }
    zs.append(Bits.literal(BigInteger.ZERO, wz));
    ps.append(nd.name());
    Sig z = m.reg(h + "z", wz, false, Range.of(0, zmax), zs.toString(), null);
    Sig pp = m.reg(h + "pm", wd, false, Range.of(0, ln2 - 1), ps.toString(), null);
    // stage 3: P = (2L - pm)^2 + 2L^2
    long pmax = ex.unscaledMax();
    int wpp = BigInteger.valueOf(pmax).bitLength() + 1;
    Sig t = m.wire(h + "t", wpp, false, Range.of(ln2 + 1, 2 * ln2), Bits.literal(BigInteger.valueOf(2 * ln2), wpp)
        + " - " + Bits.value(pp, wpp, m), null);
    m.readAll(t);
    Sig p = m.reg(h + "p", wpp, false, Range.of(3 * ln2 * ln2, pmax), t.name() + " * " + t.name() + " + "
        + Bits.literal(BigInteger.valueOf(2 * ln2 * ln2), wpp), null);
    Sig zd = m.reg(h + "z_d", z, null);
    // stage 4: E = P >> z
    m.readAll(p);
    m.readAll(zd);
    Sig e = m.reg(h + "e", wpp, false, Range.of(0, pmax), p.name() + " >> " + zd.name(), null);
    return new Exp(e, 4);
  }
}
