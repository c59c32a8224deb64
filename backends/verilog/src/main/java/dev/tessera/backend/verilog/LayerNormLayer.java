package dev.tessera.backend.verilog;

import dev.tessera.ir.arith.Range;
import dev.tessera.backend.verilog.rtl.Bits;
import dev.tessera.backend.verilog.rtl.Bus;
import dev.tessera.backend.verilog.rtl.Quantize;
import dev.tessera.backend.verilog.rtl.RtlModule;
import dev.tessera.backend.verilog.rtl.Sig;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.intops.IntLayerNorm;
import dev.tessera.ir.intops.IntSqrt;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Integer-only layer normalization (docs/integer-ops.md, {@link IntLayerNorm}) in pipelined logic (II = 1),
 * bit-exact with the interpreter. Per row of n raw values:
 *
 * <ol>
 *   <li>{@code q_i^2} (1 stage); {@code Sq = sum q_i} and {@code SS = sum q_i^2} by adder trees with a register
 *       every {@value #TREE_LEVELS} levels ({@code ceil(ceil(log2 n) / 3)} stages, at least 1);</li>
 *   <li>{@code D_i = n q_i - Sq}, {@code n SS + (n^2 Eps >> 2e)} and {@code Sq^2} (1); {@code Ve = (n SS - Sq^2)
 *       2^(2e) + n^2 Eps} as one subtraction with the low bits of {@code n^2 Eps} appended, {@code |D_i|} and the
 *       sign (1);</li>
 *   <li>a leading-one detector gives the even shift h as {@code u = (h - hmin) / 2} (1); {@code N = Ve >> h} (or
 *       {@code << -h}), brought to {@code 2 Tb - 1} or {@code 2 Tb} bits (1);</li>
 *   <li>Newton's integer square root from {@code x0 = 2^Tb} (the start of {@link IntSqrt} for every such N):
 *       {@code x1 = (x0 + (N >> Tb)) >> 1} (1), then {@code maxIterations(2 Tb) - 2} further steps
 *       {@code x = min(x, (x + floor(N / x)) >> 1)}, each a restoring divider with one stage per quotient bit
 *       ({@code Tb + 1}) and one stage for the update. Once x reaches {@code floor(sqrt N)} the update keeps it, so a
 *       fixed number of steps equals the reference's early exit;</li>
 *   <li>{@code R = floor(2^(2 Tb) / T)} by a restoring divider ({@code Tb + 2} stages);</li>
 *   <li>{@code |D_i| R} (1); {@code |D_i R| 2^p + half} (1); the variable shift, the sign, {@code Q_Ty} (1).</li>
 * </ol>
 *
 * Latency: {@code 1 + ceil(ceil(log2 n) / 3) + 2 + 2 + 1 + (I - 2)(Tb + 2) + (Tb + 2) + 3} cycles with
 * {@code I = IntSqrt.maxIterations(2 Tb)} ({@link #latency(int, int)}).
 */
final class LayerNormLayer {
  /** Adder levels between registers in the row sums. */
  static final int TREE_LEVELS = 3;

  private LayerNormLayer() {}

  /** Pipeline latency in cycles for rows of n values and Fo output fraction bits. */
  static int latency(int n, int fo) {
    int tb = fo + IntLayerNorm.magnitudeBits(n) + 3;
    return 1 + treeStages(n) + 2 + 2 + 1 + (sqrtSteps(tb) - 1) * (tb + 2) + (tb + 2) + 3;
  }

  /** Register stages of an adder tree over n terms. */
  static int treeStages(int n) {
    int levels = 0;
    while ((1L << levels) < n) {
      levels++;
    }
    return Math.max(1, (levels + TREE_LEVELS - 1) / TREE_LEVELS);
  }

  /**
   * Newton updates after the start value, {@code IntSqrt.maxIterations(2 Tb) - 1}: the reference performs at most
   * that many divisions, the last of which only confirms the result.
   */
  static int sqrtSteps(int tb) {
    return IntSqrt.maxIterations(2 * tb) - 1;
  }

  /** Layer normalization over consecutive rows of {@code n} elements of {@code in}. */
  static LayerRtl build(String module, String node, TensorDesc in, int n, IntLayerNorm ln, FixedType ty,
      long[] outShape) {
    FixedType tx = in.type();
    if (tx.width() > 62) {
      throw new IllegalArgumentException("integer-only layer normalization needs an input of at most 62 bits, got "
          + tx);
    }
    if (n < 1 || in.size() % n != 0) {
      throw new IllegalArgumentException("layer-norm row length " + n + " does not divide " + in.size()
          + " values");
    }
    RtlModule m = new RtlModule(module);
    Sig port = m.input("in_data", in.bits(), "unused");
    Bus x = new Bus(m, port, tx.width(), tx.signed(), in.ranges(), "x");
    int rows = in.size() / n;
    Sig[] ys = new Sig[in.size()];
    Row geometry = null;
    for (int r = 0; r < rows; r++) {
      List<Sig> vals = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        vals.add(x.element(r * n + i));
      }
      Row row = new Row(m, rows == 1 ? "" : "g" + r + "_", vals, ln, tx.fractionBits(), ty);
      List<Sig> out = row.emit();
      for (int i = 0; i < n; i++) {
        ys[r * n + i] = out.get(i);
      }
      geometry = row;
    }
    int lat = latency(n, ln.outputFractionBits());
    if (geometry.stages != lat) {
      throw new IllegalStateException("layer-norm pipeline has " + geometry.stages + " stages, expected " + lat);
    }
    List<Sig> outs = List.of(ys);
    List<Range> rs = new ArrayList<>();
    for (Sig s : outs) {
      rs.add(s.range());
    }
    Emit.pack(m, outs, ty.width());
    m.latency(lat);
    m.comment(node + ": integer-only layer normalization (Fo = " + ln.outputFractionBits() + ", eps = "
        + ln.epsilon() + ", Tb = " + geometry.tb + ", e = " + geometry.e + ", " + geometry.steps
        + " Newton steps) over rows of " + n + ", " + tx + " in, " + ty + " out; " + lat + " cycles");
    return new LayerRtl(node, "ILayerNorm", m, new TensorDesc(ty, outShape, rs), 0, 0, 0);
  }

  /** One row's pipeline; {@link #stages} counts its register stages. */
  private static final class Row {
    private final RtlModule m;
    private final String g;
    private final List<Sig> q;
    private final int n;
    private final int fo;
    private final int tb;
    private final int e;
    private final int steps;
    private final BigInteger epsTerm;
    private final FixedType ty;
    private final FixedType natural;
    /** Signals carried along the pipeline: the deviations D_i and the shift selector u. */
    private List<Sig> carry = new ArrayList<>();
    private int stages;

    Row(RtlModule m, String g, List<Sig> q, IntLayerNorm ln, int inFrac, FixedType ty) {
      this.m = m;
      this.g = g;
      this.q = q;
      this.n = q.size();
      this.fo = ln.outputFractionBits();
      this.tb = fo + IntLayerNorm.magnitudeBits(n) + 3;
      this.e = ln.epsilonShift(inFrac);
      this.steps = sqrtSteps(tb);
      this.epsTerm = ln.epsilonRaw(inFrac).multiply(BigInteger.valueOf(n).pow(2));
      this.ty = ty;
      this.natural = ln.outputType(n);
    }

    /** Registers every carried signal once (one pipeline stage). */
    private void advance() {
      List<Sig> next = new ArrayList<>();
      for (Sig s : carry) {
        next.add(m.reg(s.name().replaceAll("_d[0-9_]*$", "") + "_d", s, null));
      }
      carry = next;
      stages++;
    }

    List<Sig> emit() {
      BigInteger bn = BigInteger.valueOf(n);
      // stage: squares, inputs delayed
      BigInteger lo = null;
      BigInteger hi = null;
      List<Sig> sq = new ArrayList<>();
      List<Sig> xd = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Sig xi = q.get(i);
        Range r = xi.range();
        lo = lo == null ? r.min() : lo.min(r.min());
        hi = hi == null ? r.max() : hi.max(r.max());
        BigInteger a = r.min().abs().max(r.max().abs());
        Range sr = new Range(r.min().signum() <= 0 && r.max().signum() >= 0 ? BigInteger.ZERO
            : r.min().abs().min(r.max().abs()).pow(2), a.pow(2));
        int ws = Math.max(sr.width(), xi.width() + 1);
        int wm = Math.max(ws, 2 * xi.width());
        Sig p = m.wire(g + "sqw" + i, wm, true, sr, Bits.value(xi, wm, m) + " * " + Bits.value(xi, wm, m),
            "the square is below 2^(2W-1)");
        sq.add(m.reg(g + "sq" + i, ws, true, sr, Bits.value(p, ws, m), null));
        xd.add(m.reg(g + "x" + i + "_d", xi, null));
      }
      stages++;
      // stages: Sq and SS by adder trees
      carry = new ArrayList<>(xd);
      List<Sig> sums = sumTrees(List.of(xd, sq), List.of("s", "ss"));
      Sig s = sums.get(0);
      Sig ss = sums.get(1);
      List<Sig> xs = carry;
      // stage: D_i = n q_i - Sq, n SS, Sq^2
      BigInteger spread = hi.subtract(lo);
      BigInteger dmax = spread.multiply(bn.subtract(BigInteger.ONE));
      Range dr = new Range(dmax.negate(), dmax);
      List<Sig> ds = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Sig xi = xs.get(i);
        int wd = Math.max(dr.width(), Math.max(xi.width(), s.width()) + 1);
        int wp = Math.max(wd, xi.width() + Range.point(bn).width() + 1);
        String nq = n == 1 ? Bits.value(xi, wp, m) : Bits.value(xi, wp, m) + " * " + Bits.literal(bn, wp);
        Sig dw = m.wire(g + "dw" + i, wp, true, dr, nq + " - " + Bits.value(s, wp, m),
            "the deviation fits in its range");
        ds.add(m.reg(g + "dev" + i, wd, true, dr, Bits.value(dw, wd, m), null));
      }
      // n SS + (n^2 Eps >> 2e): the low 2e bits of n^2 Eps join Ve below the difference, without an adder
      BigInteger ehi = epsTerm.shiftRight(2 * e);
      BigInteger elo = epsTerm.subtract(ehi.shiftLeft(2 * e));
      Range nssr = new Range(ss.range().min().multiply(bn).add(ehi), ss.range().max().multiply(bn).add(ehi));
      int wn = Math.max(nssr.width(), ss.width() + Range.point(bn).width());
      Sig nss = m.reg(g + "nss", wn, true, nssr, Bits.value(ss, wn, m) + (n == 1 ? "" : " * " + Bits.literal(bn, wn))
          + (ehi.signum() == 0 ? "" : " + " + Bits.literal(ehi, wn)), null);
      BigInteger sa = s.range().min().abs().max(s.range().max().abs());
      Range s2r = new Range(BigInteger.ZERO, sa.pow(2));
      int w2 = Math.max(s2r.width(), 2 * s.width());
      Sig s2w = m.wire(g + "sq2w", w2, true, s2r, Bits.value(s, w2, m) + " * " + Bits.value(s, w2, m),
          "the square fits in its range");
      Sig s2 = m.reg(g + "ssq", s2r.width(), true, s2r, Bits.value(s2w, s2r.width(), m), null);
      stages++;
      // stage: Ve = (n SS - Sq^2) 2^(2e) + n^2 Eps = {n SS + Ehi - Sq^2, Elo}, 0 <= V <= n^2 (hi - lo)^2 / 4;
      // |D_i| and the sign of D_i (the product D_i R is formed on magnitudes, R > 0)
      BigInteger vmax = bn.pow(2).multiply(spread.pow(2)).shiftRight(2);
      Range ver = new Range(epsTerm, vmax.shiftLeft(2 * e).add(epsTerm));
      Range vhr = new Range(ehi, vmax.add(ehi));
      int wvh = Math.max(1, vhr.width() - 1);
      int wv = wvh + 2 * e;
      int wc = Math.max(wvh + 1, Math.max(nss.width(), s2.width()) + 1);
      Sig vw = m.wire(g + "vhw", wc, true, vhr, Bits.value(nss, wc, m) + " - " + Bits.value(s2, wc, m),
          "the difference is non-negative and below 2^" + wvh);
      String vexpr = e == 0 ? Bits.value(vw, wvh, m) : "{" + Bits.value(vw, wvh, m) + ", " + Bits.literal(elo, 2 * e)
          + "}";
      Sig ve = m.reg(g + "ve", wv, false, ver, vexpr, null);
      List<Sig> next = new ArrayList<>();
      List<Sig> negs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Sig di = ds.get(i);
        m.readAll(di);
        Range ar = new Range(BigInteger.ZERO, dmax);
        next.add(m.reg(g + "dm" + i, di.width(), true, ar, Bits.bit(di, di.width() - 1) + " ? ("
            + Bits.literal(BigInteger.ZERO, di.width()) + " - " + di.name() + ") : " + di.name(), null));
        negs.add(m.reg(g + "dn" + i, 1, false, Range.of(0, 1), Bits.bit(di, di.width() - 1), null));
      }
      next.addAll(negs);
      carry = next;
      stages++;
      // stage: leading-one detector, u = (h - hmin) / 2 with h = 2 floor((b - 2 Tb + 1) / 2), b = bitLength(Ve)
      int bmin = Math.max(1, ver.min().bitLength());
      int bmax = ver.max().bitLength();
      int hmin = h(bmin);
      int umax = (h(bmax) - hmin) / 2;
      int wu = Math.max(1, BigInteger.valueOf(umax).bitLength());
      StringBuilder ue = new StringBuilder();
      m.readAll(ve);
      for (int b = bmax; b > bmin; b--) {
        int ub = (h(b) - hmin) / 2;
        int ubelow = (h(b - 1) - hmin) / 2;
        if (ub != ubelow) {
          // bitLength(Ve) >= b exactly when some bit at or above b-1 is set
          String any = b - 1 == wv - 1 ? Bits.bit(ve, wv - 1) : "(|" + ve.name() + "[" + (wv - 1) + ":" + (b - 1)
              + "])";
          ue.append(any).append(" ? ").append(Bits.literal(BigInteger.valueOf(ub), wu)).append(" : ");
        }
      }
      ue.append(Bits.literal(BigInteger.ZERO, wu));
      Sig uw = m.wire(g + "uw", wu, false, Range.of(0, umax), ue.toString(), null);
      Sig u = m.reg(g + "u", uw, null);
      Sig ved = m.reg(g + "ve_d", ve, null);
      advance();
      // stage: N = Ve 2^-h in [2^(2Tb-2), 2^(2Tb)); when Ve is 0 (constant row, eps = 0), N = 2^(2Tb-2), which
      // leaves the square root in range and the output 0 since every D_i is 0
      // Ve 2^-hmin (a constant shift either way), then right by 2u
      String base = hmin >= 0 ? Bits.slice(ved, hmin, wv - hmin, m)
          : "{" + Bits.value(ved, wv, m) + ", " + Bits.literal(BigInteger.ZERO, -hmin) + "}";
      int ws = wv - hmin;
      String shifted = base + " >> {" + u.name() + ", 1'b0}";
      m.readAll(u);
      int wnn = 2 * tb;
      BigInteger nmin = BigInteger.ONE.shiftLeft(2 * tb - 2);
      Sig nw = m.wire(g + "nw", ws, false, new Range(BigInteger.ZERO, BigInteger.ONE.shiftLeft(wnn)
          .subtract(BigInteger.ONE)), shifted, "the normalized value has at most 2 Tb bits");
      String nexpr = Bits.value(nw, wnn, m);
      if (ver.min().signum() == 0) {
        m.readAll(ved);
        nexpr = "(" + ved.name() + " == " + Bits.literal(BigInteger.ZERO, wv) + ") ? " + Bits.literal(nmin, wnn)
            + " : " + nexpr;
      }
      Range nr = new Range(nmin, BigInteger.ONE.shiftLeft(wnn).subtract(BigInteger.ONE));
      Sig nn = m.reg(g + "n", wnn, false, nr, nexpr, null);
      carry.add(u);
      advance();
      // stage: x1 = (2^Tb + (N >> Tb)) >> 1, in [2^(Tb-1), 2^Tb)
      Range xr = new Range(BigInteger.ONE.shiftLeft(tb - 1), BigInteger.ONE.shiftLeft(tb).subtract(BigInteger.ONE));
      String x1 = tb == 1 ? "1'b1" : "{1'b1, " + Bits.slice(nn, tb + 1, tb - 1, m) + "}";
      Sig xc = m.reg(g + "sx1", tb, false, xr, x1, null);
      Sig nc = m.reg(g + "n_d", nn, null);
      advance();
      // Newton steps: x = min(x, (x + floor(N / x)) >> 1)
      for (int st = 2; st <= steps; st++) {
        String h = g + "it" + st + "_";
        Div d = divide(h, nc, xc, tb + 1, true, st < steps);
        Sig qv = d.quotient;
        xc = d.divisor;
        nc = d.numerator;
        int wy = tb + 2;
        Sig yw = m.wire(h + "y", wy, false, new Range(BigInteger.ZERO, BigInteger.ONE.shiftLeft(wy).subtract(
            BigInteger.ONE)), "(" + Bits.value(xc, wy, m) + " + " + Bits.value(qv, wy, m) + ") >> 1",
            "the halved sum is below 2^(Tb+1)");
        m.readAll(yw);
        m.readAll(xc);
        String ylo = Bits.slice(yw, 0, tb, m);
        Sig xn = m.reg(g + "sx" + st, tb, false, xr, "(" + yw.name() + " < " + Bits.value(xc, wy, m) + ") ? "
            + ylo + " : " + xc.name(), null);
        xc = xn;
        nc = st == steps ? null : m.reg(g + "n_d", nc, null);
        advance();
      }
      if (nc != null) {
        m.readAll(nc);
      }
      // R = floor(2^(2 Tb) / T), T in [2^(Tb-1), 2^Tb): R in (2^Tb, 2^(Tb+1)]
      Div rd = divide(g + "rc_", null, xc, tb + 2, false, false);
      Sig rq = rd.quotient;
      Range rr = new Range(BigInteger.ONE.shiftLeft(tb).add(BigInteger.ONE), BigInteger.ONE.shiftLeft(tb + 1));
      // stage: D_i R
      List<Sig> dsd = carry.subList(0, n);
      Sig ud = carry.get(2 * n);
      List<Sig> prods = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Sig di = dsd.get(i);
        BigInteger pa = di.range().max().multiply(rr.max());
        Range pr = new Range(BigInteger.ZERO, pa);
        int wp = Math.max(pr.width(), Math.max(di.width(), tb + 3));
        prods.add(m.reg(g + "pr" + i, wp, true, pr, Bits.value(di, wp, m) + " * " + Bits.value(rq, wp, m), null));
      }
      List<Sig> next2 = new ArrayList<>(carry.subList(n, 2 * n));
      next2.add(ud);
      carry = next2;
      advance();
      // stage: a_i = |P_i| 2^pre + half with sh = sh0 + u, sh0 = 2 Tb + hmin/2 - e - Fo; shifting by
      // sh + pre' (pre' = max(0, -sh0)) rounds to nearest with ties away from zero, and a non-positive sh is exact
      int sh0 = 2 * tb + hmin / 2 - e - fo;
      int pre2 = Math.max(0, -sh0);
      int shMax = sh0 + pre2 + umax;
      int wsh = Math.max(1, BigInteger.valueOf(shMax).bitLength());
      Sig uu = carry.get(n);
      m.readAll(uu);
      Sig shr = m.wire(g + "sh", wsh, false, Range.of(sh0 + pre2, shMax), Bits.value(uu, wsh, m) + " + "
          + Bits.literal(BigInteger.valueOf(sh0 + pre2), wsh), null);
      m.readAll(shr);
      List<Sig> mags = new ArrayList<>();
      List<Sig> signs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Sig p = prods.get(i);
        BigInteger pa = p.range().max();
        int wa = Range.point(pa.shiftLeft(pre2).add(BigInteger.ONE.shiftLeft(Math.max(0, shMax - 1)))).width();
        wa = Math.max(wa, p.width() + pre2 + 1);
        m.readAll(p);
        String half = "((" + Bits.literal(BigInteger.ONE, wa) + " << " + shr.name() + ") >> 1)";
        Sig aw = m.wire(g + "mw" + i, wa, false, new Range(BigInteger.ZERO, BigInteger.ONE.shiftLeft(wa - 1)),
            "(" + Bits.value(p, wa, m) + (pre2 == 0 ? "" : " << " + pre2) + ") + " + half, null);
        mags.add(m.reg(g + "mag" + i, aw, null));
        signs.add(m.reg(g + "neg" + i, carry.get(i), null));
      }
      Sig shd = m.reg(g + "sh_d", shr, null);
      stages++;
      // stage: y = sign ? -(a >> sh) : a >> sh, then Q_Ty
      m.readAll(shd);
      FixedType nat = natural;
      int wy = nat.width();
      Range yr = new Range(nat.minRaw(), nat.maxRaw());
      List<Sig> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Sig a = mags.get(i);
        m.readAll(a);
        Sig mv = m.wire(g + "rw" + i, a.width(), false, a.range(), a.name() + " >> " + shd.name(),
            "the rounded magnitude is below 2^(Fo+zb+1)");
        String mag = Bits.value(mv, wy, m);
        Sig sg = signs.get(i);
        m.readAll(sg);
        Sig yv = m.wire(g + "yv" + i, wy, true, yr, sg.name() + " ? (" + Bits.literal(BigInteger.ZERO, wy) + " - "
            + mag + ") : " + mag, null);
        Sig qy = Quantize.emit(m, yv, fo, ty, false, g + "y" + i);
        out.add(m.reg(g + "y" + i + "_reg", qy, null));
      }
      stages++;
      return out;
    }

    /** h for a Ve of b bits. */
    private int h(int b) {
      return 2 * Math.floorDiv(b - 2 * tb + 1, 2);
    }

    /**
     * Adder trees over each list of terms (all lists the same length), a register every {@link #TREE_LEVELS}
     * levels and after the last; the carried signals are delayed alongside.
     */
    private List<Sig> sumTrees(List<List<Sig>> lists, List<String> names) {
      List<List<Sig>> cur = new ArrayList<>();
      for (List<Sig> l : lists) {
        cur.add(new ArrayList<>(l));
      }
      int level = 0;
      boolean registered = false;
      while (cur.get(0).size() > 1 || !registered) {
        if (cur.get(0).size() > 1) {
          for (int t = 0; t < cur.size(); t++) {
            List<Sig> l = cur.get(t);
            List<Sig> next = new ArrayList<>();
            for (int i = 0; i + 1 < l.size(); i += 2) {
              Sig a = l.get(i);
              Sig b = l.get(i + 1);
              Range r = new Range(a.range().min().add(b.range().min()), a.range().max().add(b.range().max()));
              int w = Math.max(r.width(), Math.max(a.width(), b.width()) + 1);
              next.add(m.wire(g + names.get(t) + "_l" + level + "_", w, true, r, Bits.value(a, w, m) + " + "
                  + Bits.value(b, w, m), null));
            }
            if (l.size() % 2 == 1) {
              next.add(l.get(l.size() - 1));
            }
            cur.set(t, next);
          }
          level++;
          registered = false;
        }
        if (level % TREE_LEVELS == 0 || cur.get(0).size() == 1) {
          for (int t = 0; t < cur.size(); t++) {
            List<Sig> regs = new ArrayList<>();
            for (Sig v : cur.get(t)) {
              int w = v.range().width();
              regs.add(m.reg(g + names.get(t) + "_r" + level + "_", w, true, v.range(), Bits.value(v, w, m), null));
            }
            cur.set(t, regs);
          }
          advance();
          registered = true;
        }
      }
      List<Sig> res = new ArrayList<>();
      for (List<Sig> l : cur) {
        res.add(l.get(0));
      }
      return res;
    }

    private record Div(Sig quotient, Sig divisor, Sig numerator) {}

    /**
     * {@code floor(num / den)} with {@code qb} quotient bits by a restoring divider, one stage per bit; {@code num}
     * is the 2 Tb-bit N (its bits above {@code qb} start the remainder, which is below den) or, when null, the
     * constant {@code 2^(2 Tb)}. den is in {@code [2^(Tb-1), 2^Tb)}. Returns the quotient register and the last
     * delayed divisor and numerator (the numerator only when {@code keepNum}).
     */
    private Div divide(String h, Sig num, Sig den, int qb, boolean keepDen, boolean keepNum) {
      int wr = tb + 1;
      Sig rem;
      if (num == null) {
        rem = Sig.constant(BigInteger.ONE.shiftLeft(2 * tb - qb));
      } else {
        rem = m.wire(h + "r0", tb, false, new Range(BigInteger.ZERO, BigInteger.ONE.shiftLeft(tb - 1)),
            Bits.slice(num, qb, tb, m), null);
      }
      Sig quo = null;
      Sig dn = den;
      Sig nm = num;
      for (int j = qb - 1; j >= 0; j--) {
        String bitIn = num == null ? "1'b0" : Bits.slice(nm, j, 1, m);
        Sig t = m.wire(h + "t" + j, wr, false, new Range(BigInteger.ZERO, BigInteger.ONE.shiftLeft(wr)
            .subtract(BigInteger.ONE)), "{" + Bits.value(rem, tb, m) + ", " + bitIn + "}", null);
        m.readAll(t);
        m.readAll(dn);
        Sig bit = m.wire(h + "b" + j, 1, false, Range.of(0, 1), "(" + t.name() + " >= " + Bits.value(dn, wr, m)
            + ")", null);
        m.readAll(bit);
        boolean last = j == 0;
        Sig nr = last ? null : m.reg(h + "r" + j, tb, false, new Range(BigInteger.ZERO, BigInteger.ONE.shiftLeft(tb)
            .subtract(BigInteger.ONE)), bit.name() + " ? " + Bits.slice(t, 0, tb, m) + " - "
            + Bits.value(dn, tb, m) + " : " + Bits.slice(t, 0, tb, m), null);
        int have = qb - 1 - j;
        if (quo == null) {
          quo = m.reg(h + "q" + j, 1, false, Range.of(0, 1), bit.name(), null);
        } else {
          m.readAll(quo);
          quo = m.reg(h + "q" + j, have + 1, false, new Range(BigInteger.ZERO, BigInteger.ONE.shiftLeft(have + 1)
              .subtract(BigInteger.ONE)), "{" + quo.name() + ", " + bit.name() + "}", null);
        }
        rem = nr;
        if (!last || keepDen) {
          dn = m.reg(h + "den_d", dn, null);
        }
        if (nm != null && (!last || keepNum)) {
          nm = m.reg(h + "num_d", nm, keepNum ? null : "the bits above the next quotient bit are not needed");
        }
        advance();
      }
      Range qr = new Range(BigInteger.ZERO, BigInteger.ONE.shiftLeft(qb).subtract(BigInteger.ONE));
      Sig q = Sig.named(quo.name(), qb, false, qr);
      return new Div(q, dn, nm);
    }
  }
}
