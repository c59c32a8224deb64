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
import dev.tessera.ir.op.TableSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Elementwise layers: ReLU, LeakyReLU and Clip in logic (combinational, or one register when a constant product is
 * needed), lookup-table functions (one registered ROM read), and data movement (Reshape, Transpose, Identity: wires,
 * plus {@code Q_Ty} when the types differ).
 */
final class ElementLayers {
  private ElementLayers() {}

  private static Bus input(RtlModule m, TensorDesc in) {
    Sig port = m.input("in_data", in.bits(), "elements that do not reach the output are not read");
    return new Bus(m, port, in.type().width(), in.type().signed(), in.ranges(), "x");
  }

  /** {@code y = Q_Ty(max(x, 0))}. */
  static LayerRtl relu(String module, String node, TensorDesc in, FixedType ty, long[] outShape) {
    RtlModule m = new RtlModule(module);
    m.comment(node + ": ReLU, " + in.type() + " in, " + ty + " out; combinational");
    Bus x = input(m, in);
    int fx = in.type().fractionBits();
    List<Sig> ys = new ArrayList<>();
    List<Range> rs = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      Sig xi = x.element(i);
      Sig v = xi;
      if (xi.range().min().signum() < 0) {
        Range r = new Range(BigInteger.ZERO, xi.range().max().max(BigInteger.ZERO));
        v = m.wire("r" + i, xi.width(), true, r, Bits.bit(xi, xi.width() - 1) + " ? " + xi.width() + "'h0 : "
            + Bits.value(xi, xi.width(), m), null);
        m.readAll(xi);
      }
      Sig q = Quantize.emit(m, v, fx, ty, false, "y" + i);
      ys.add(q);
      rs.add(q.range());
    }
    Emit.pack(m, ys, ty.width());
    return new LayerRtl(node, "ReLU", m, new TensorDesc(ty, outShape, rs), 0, 0, 0);
  }

  /** {@code y = Q_Ty(x >= 0 ? x : alpha x)} with alpha raw in the parameter type; the product is shift-add. */
  static LayerRtl leakyRelu(String module, String node, TensorDesc in, FixedType param, BigInteger alpha,
      FixedType ty, long[] outShape, VerilogOptions o) {
    RtlModule m = new RtlModule(module);
    int fx = in.type().fractionBits();
    int fp = param.fractionBits();
    Bus x = input(m, in);
    int n = x.size();
    long[][] w = new long[n][n];
    for (int i = 0; i < n; i++) {
      w[i][i] = alpha.longValueExact();
    }
    int k = o.levelsPerStage();
    AdderGraph g = o.multipliers() == VerilogOptions.Multipliers.GENERIC
        ? Cmvm.generic(w, in.ranges().toArray(new Range[0]), null, k)
        : Cmvm.shiftAdd(w, in.ranges().toArray(new Range[0]), null, Cmvm.Options.noCse());
    m.comment(node + ": LeakyReLU, alpha = " + alpha + " * 2^-" + fp + ", " + in.type() + " in, " + ty + " out");
    AdderGraphRtl.Emitted e = AdderGraphRtl.emit(m, g, x::element, k, "a");
    List<Sig> ys = new ArrayList<>();
    List<Range> rs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Sig xi = x.element(i);
      for (int t = 0; t < e.lastStage(); t++) {
        xi = m.reg("x" + i + "_d", xi, null);
      }
      AdderGraphRtl.Out p = e.outputs().get(i);
      Range pr = new Range(p.sig().range().min().shiftLeft(p.shift()), p.sig().range().max().shiftLeft(p.shift()));
      Range xr = new Range(xi.range().min().shiftLeft(fp), xi.range().max().shiftLeft(fp));
      Range vr = new Range(pr.min().min(xr.min().max(BigInteger.ZERO)), pr.max().max(xr.max()));
      int wv = Math.max(vr.width(), Math.max(pr.width(), xr.width()));
      String pos = fp == 0 ? Bits.value(xi, wv, m) : "{" + Bits.value(xi, wv - fp, m) + ", " + fp + "'h0}";
      String neg = p.shift() == 0 ? Bits.value(p.sig(), wv, m)
          : "{" + Bits.value(p.sig(), wv - p.shift(), m) + ", " + p.shift() + "'h0}";
      Sig v = xi.range().min().signum() >= 0 ? m.wire("v" + i, wv, true, xr, pos, null)
          : m.wire("v" + i, wv, true, vr, Bits.bit(xi, xi.width() - 1) + " ? " + neg + " : " + pos, null);
      m.readAll(xi);
      Sig q = Quantize.emit(m, v, fx + fp, ty, false, "y" + i);
      Sig r = m.reg("y" + i + "_reg", q, null);
      ys.add(r);
      rs.add(r.range());
    }
    Emit.pack(m, ys, ty.width());
    m.latency(e.lastStage() + 1);
    return new LayerRtl(node, "LeakyReLU", m, new TensorDesc(ty, outShape, rs), g.adders(), g.multipliers(),
        g.depth());
  }

  /** {@code y = min(max(Q_Ty(x), lo), hi)} with the bounds raw in {@code ty}. */
  static LayerRtl clip(String module, String node, TensorDesc in, BigInteger lo, BigInteger hi, FixedType ty,
      long[] outShape) {
    RtlModule m = new RtlModule(module);
    m.comment(node + ": Clip to [" + lo + ", " + hi + "] (raw), " + in.type() + " in, " + ty + " out; "
        + "combinational");
    Bus x = input(m, in);
    int fx = in.type().fractionBits();
    int w = ty.width();
    List<Sig> ys = new ArrayList<>();
    List<Range> rs = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      Sig q = Quantize.emit(m, x.element(i), fx, ty, false, "q" + i);
      Sig lit = Sig.constant(lo);
      Sig t = q;
      if (q.range().min().compareTo(lo) < 0) {
        Range tr = new Range(lo, q.range().max().max(lo));
        t = m.wire("t" + i, w, ty.signed(), tr, Emit.greater(m, lit, q) + " ? " + Bits.literal(lo, w) + " : "
            + Bits.value(q, w, m), null);
      }
      Sig y = t;
      if (t.range().max().compareTo(hi) > 0) {
        Range yr = new Range(t.range().min().min(hi), hi);
        y = m.wire("y" + i, w, ty.signed(), yr, Emit.greater(m, t, Sig.constant(hi)) + " ? "
            + Bits.literal(hi, w) + " : " + Bits.value(t, w, m), null);
      }
      ys.add(y);
      rs.add(y.range());
    }
    Emit.pack(m, ys, w);
    return new LayerRtl(node, "Clip", m, new TensorDesc(ty, outShape, rs), 0, 0, 0);
  }

  /** Output element {@code j} is input element {@code source[j]}, then {@code Q_Ty}. */
  static LayerRtl move(String module, String node, String what, TensorDesc in, int[] source, FixedType ty,
      long[] outShape) {
    RtlModule m = new RtlModule(module);
    m.comment(node + ": " + what + ", " + in.type() + " in, " + ty + " out; wires");
    Bus x = input(m, in);
    int fx = in.type().fractionBits();
    List<Sig> ys = new ArrayList<>();
    List<Range> rs = new ArrayList<>();
    for (int j = 0; j < source.length; j++) {
      Sig xi = x.element(source[j]);
      Sig y = in.type().equals(ty) ? xi : Quantize.emit(m, xi, fx, ty, false, "y" + j);
      ys.add(y);
      rs.add(y.range());
    }
    Emit.pack(m, ys, ty.width());
    return new LayerRtl(node, what, m, new TensorDesc(ty, outShape, rs), 0, 0, 0);
  }

  /** {@code y = Q_Ty(table[index(x)])}: index logic, a registered ROM read, then the output quantization. */
  static LayerRtl table(String module, String node, String what, TensorDesc in, TableSpec spec, long[] entries,
      FixedType ty, long[] outShape) {
    RtlModule m = new RtlModule(module);
    m.comment(node + ": " + what + " by a " + spec.size() + "-entry table over [" + spec.lo() + ", " + spec.lo()
        + " + 2^" + spec.rangeLog2() + "), entries " + spec.type() + "; " + in.type() + " in, " + ty + " out");
    Bus x = input(m, in);
    TableIndex ti = TableIndex.of(spec, in.type().fractionBits());
    int tw = spec.type().width();
    String rom = m.rom("table", tw, entries);
    Range er = entryRange(entries);
    int ft = spec.type().fractionBits();
    List<Sig> ys = new ArrayList<>();
    List<Range> rs = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      Sig idx = Emit.tableIndex(m, x.element(i), ti, "k" + i);
      m.readAll(idx);
      Sig e = m.romRead("e" + i, rom, tw, true, er, idx.name());
      Sig y = Quantize.emit(m, e, ft, ty, false, "y" + i);
      ys.add(y);
      rs.add(y.range());
    }
    Emit.pack(m, ys, ty.width());
    m.latency(1);
    return new LayerRtl(node, what, m, new TensorDesc(ty, outShape, rs), 0, 0, 0);
  }

  static Range entryRange(long[] entries) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (long v : entries) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return Range.of(lo, hi);
  }
}
