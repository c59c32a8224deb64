package dev.tessera.backend.verilog;

import dev.tessera.ir.arith.AdderGraph;
import dev.tessera.ir.arith.Cmvm;
import dev.tessera.ir.arith.Range;
import dev.tessera.backend.verilog.rtl.AdderGraphRtl;
import dev.tessera.backend.verilog.rtl.Bits;
import dev.tessera.backend.verilog.rtl.Bus;
import dev.tessera.backend.verilog.rtl.Quantize;
import dev.tessera.backend.verilog.rtl.RtlModule;
import dev.tessera.backend.verilog.rtl.Sig;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.ir.op.TableSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Softmax along one axis with the table semantics of docs/fixed-point.md. Stable mode, in register stages: the
 * maximum (comparator tree); {@code d = x - max} and its exp-table index; the exp ROM read; the exact sum (adder tree)
 * and its reciprocal-table index; the reciprocal ROM read; {@code Q_Ty(e * inv)}. Latency mode skips the maximum.
 * Argmax mode is a comparator tree that keeps the first maximum, then a one-hot {@code Q_Ty(1)}.
 */
final class SoftmaxLayer {
  private SoftmaxLayer() {}

  /** A value and the index of its element, through a comparator tree. */
  record Cand(Sig value, Sig index) {}

  static LayerRtl build(String module, String node, TensorDesc in, int axis, SoftmaxMode mode, TableSpec expSpec,
      long[] expEntries, TableSpec invSpec, long[] invEntries, FixedType ty, VerilogOptions o) {
    long[] shape = in.shape();
    int len = (int) shape[axis];
    int inner = 1;
    for (int d = axis + 1; d < shape.length; d++) {
      inner *= (int) shape[d];
    }
    int outer = in.size() / (len * inner);
    RtlModule m = new RtlModule(module);
    Sig port = m.input("in_data", in.bits(), "unused");
    Bus x = new Bus(m, port, in.type().width(), in.type().signed(), in.ranges(), "x");
    Sig[] ys = new Sig[in.size()];
    int latency = 0;
    for (int o0 = 0; o0 < outer; o0++) {
      for (int i0 = 0; i0 < inner; i0++) {
        int[] idx = new int[len];
        for (int i = 0; i < len; i++) {
          idx[i] = o0 * len * inner + i * inner + i0;
        }
        String g = outer * inner == 1 ? "" : "g" + (o0 * inner + i0) + "_";
        latency = mode == SoftmaxMode.ARGMAX ? argmax(m, x, idx, ty, ys, g)
            : exp(m, x, in.type().fractionBits(), idx, mode, expSpec, expEntries, invSpec, invEntries, ty, ys, g, o);
      }
    }
    List<Sig> outs = Arrays.asList(ys);
    List<Range> rs = new ArrayList<>();
    for (Sig s : outs) {
      rs.add(s.range());
    }
    Emit.pack(m, outs, ty.width());
    m.latency(latency);
    m.comment(node + ": Softmax (" + mode.name().toLowerCase(java.util.Locale.ROOT) + ") over axis " + axis + " of "
        + len + " values, " + in.type() + " in, " + ty + " out; " + latency + " cycles");
    return new LayerRtl(node, "Softmax " + mode.name().toLowerCase(java.util.Locale.ROOT), m,
        new TensorDesc(ty, shape, rs), 0, 0, 0);
  }

  /** Comparator tree keeping the first maximum: the left (lower index) candidate wins ties. */
  static Cand maxTree(RtlModule m, List<Sig> values, String hint) {
    int ib = Emit.indexBits(values.size());
    List<Cand> level = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      level.add(new Cand(values.get(i), Sig.constant(BigInteger.valueOf(i))));
    }
    int l = 0;
    while (level.size() > 1) {
      List<Cand> next = new ArrayList<>();
      for (int i = 0; i + 1 < level.size(); i += 2) {
        Cand a = level.get(i);
        Cand b = level.get(i + 1);
        String sel = m.wire(hint + "c" + l + "_" + i, 1, false, Range.of(0, 1), Emit.greater(m, b.value(), a.value()),
            null).name();
        Sig av = a.value();
        Sig bv = b.value();
        int w = Math.max(av.width(), bv.width());
        Range vr = new Range(av.range().min().max(bv.range().min()), av.range().max().max(bv.range().max()));
        Sig v = m.wire(hint + "m" + l + "_" + i, w, av.signed() || bv.signed(), vr, sel + " ? "
            + Bits.value(bv, w, m) + " : " + Bits.value(av, w, m), null);
        Sig ix = m.wire(hint + "j" + l + "_" + i, ib, false, Range.of(0, values.size() - 1), sel + " ? "
            + Bits.value(b.index(), ib, m) + " : " + Bits.value(a.index(), ib, m), null);
        m.read(new Sig(sel, 1, false, Range.of(0, 1), null), 0, 0);
        next.add(new Cand(v, ix));
      }
      if (level.size() % 2 == 1) {
        next.add(level.get(level.size() - 1));
      }
      level = next;
      l++;
    }
    return level.get(0);
  }

  private static int argmax(RtlModule m, Bus x, int[] idx, FixedType ty, Sig[] ys, String g) {
    List<Sig> vals = new ArrayList<>();
    for (int i : idx) {
      vals.add(x.element(i));
    }
    Cand best = maxTree(m, vals, g);
    int ib = Emit.indexBits(idx.length);
    Sig bi = best.index().isConstant() ? best.index() : m.reg(g + "best", best.index(), null);
    BigInteger one = ty.quantize(BigInteger.ONE, 0);
    for (int i = 0; i < idx.length; i++) {
      String eq = best.index().isConstant() ? "1'b1" : "(" + Bits.value(bi, ib, m) + " == " + ib + "'d" + i + ")";
      Range r = new Range(one.min(BigInteger.ZERO), one.max(BigInteger.ZERO));
      ys[idx[i]] = m.wire(g + "y" + i, ty.width(), ty.signed(), r, eq + " ? " + Bits.literal(one, ty.width())
          + " : " + ty.width() + "'h0", null);
    }
    if (best.index().isConstant()) {
      ys[idx[0]] = m.reg(g + "y0_reg", ys[idx[0]], null);
    }
    return 1;
  }

  private static int exp(RtlModule m, Bus x, int fx, int[] idx, SoftmaxMode mode, TableSpec expSpec, long[] expEntries,
      TableSpec invSpec, long[] invEntries, FixedType ty, Sig[] ys, String g, VerilogOptions o) {
    int n = idx.length;
    int stage = 0;
    List<Sig> d = new ArrayList<>();
    if (mode == SoftmaxMode.STABLE) {
      List<Sig> vals = new ArrayList<>();
      for (int i : idx) {
        vals.add(x.element(i));
      }
      Cand best = maxTree(m, vals, g);
      Sig mx = m.reg(g + "max", best.value(), null);
      stage++;
      for (int i = 0; i < n; i++) {
        Sig xi = m.reg(g + "x" + i + "_d", vals.get(i), null);
        Range dr = new Range(xi.range().min().subtract(mx.range().max()).min(BigInteger.ZERO),
            xi.range().max().subtract(mx.range().min()).min(BigInteger.ZERO));
        int w = Math.max(dr.width(), Math.max(xi.width(), mx.width()) + 1);
        d.add(m.wire(g + "d" + i, w, true, dr, Bits.value(xi, w, m) + " - " + Bits.value(mx, w, m),
            "the difference is never positive"));
      }
    } else {
      for (int i : idx) {
        d.add(x.element(i));
      }
    }
    TableIndex ei = TableIndex.of(expSpec, fx);
    String expRom = m.rom(g + "exp_table", expSpec.type().width(), expEntries);
    String invRom = m.rom(g + "inv_table", invSpec.type().width(), invEntries);
    Range er = ElementLayers.entryRange(expEntries);
    Range ir = ElementLayers.entryRange(invEntries);
    List<Sig> ks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Sig k = Emit.tableIndex(m, d.get(i), ei, g + "k" + i);
      ks.add(m.reg(g + "k" + i + "_reg", k, null));
    }
    stage++;
    List<Sig> e = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      m.readAll(ks.get(i));
      e.add(m.romRead(g + "e" + i, expRom, expSpec.type().width(), true, er, ks.get(i).name()));
    }
    stage++;
    // exact sum of the entries
    long[][] ones = new long[1][n];
    Arrays.fill(ones[0], 1);
    Range[] eranges = new Range[n];
    Arrays.fill(eranges, er);
    AdderGraph sum = Cmvm.shiftAdd(ones, eranges, null, Cmvm.Options.noCse());
    int k = o.levelsPerStage();
    AdderGraphRtl.Emitted se = AdderGraphRtl.emit(m, sum, e::get, k, g + "s");
    AdderGraphRtl.Out s = se.outputs().get(0);
    int fe = expSpec.type().fractionBits();
    TableIndex ii = TableIndex.of(invSpec, fe - s.shift());
    Sig ik = Emit.tableIndex(m, s.sig(), ii, g + "inv");
    Sig ikr = m.reg(g + "inv_k", ik, null);
    stage += se.lastStage() + 1;
    m.readAll(ikr);
    Sig inv = m.romRead(g + "inv", invRom, invSpec.type().width(), true, ir, ikr.name());
    stage++;
    int delay = se.lastStage() + 2;
    int fi = invSpec.type().fractionBits();
    for (int i = 0; i < n; i++) {
      Sig ei2 = e.get(i);
      for (int t = 0; t < delay; t++) {
        ei2 = m.reg(g + "e" + i + "_d", ei2, null);
      }
      BigInteger a1 = ei2.range().min().multiply(inv.range().min());
      BigInteger a2 = ei2.range().min().multiply(inv.range().max());
      BigInteger a3 = ei2.range().max().multiply(inv.range().min());
      BigInteger a4 = ei2.range().max().multiply(inv.range().max());
      Range pr = new Range(a1.min(a2).min(a3).min(a4), a1.max(a2).max(a3).max(a4));
      int wp = Math.max(pr.width(), 2);
      Sig p = m.wire(g + "p" + i, wp, true, pr, "$signed(" + Bits.value(ei2, wp, m) + ") * $signed("
          + Bits.value(inv, wp, m) + ")", null);
      Sig q = Quantize.emit(m, p, fe + fi, ty, false, g + "y" + i);
      ys[idx[i]] = m.reg(g + "y" + i + "_reg", q, null);
    }
    stage++;
    return stage;
  }
}
