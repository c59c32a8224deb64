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
import dev.tessera.ir.Tensor;
import dev.tessera.ir.op.Op;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Dense and Conv layers as one constant matrix-vector product over all input elements of a sample (Conv: a sparse
 * matrix, one row per output element over its receptive field), plus bias and the rounding constant, then
 * {@code Q_Ty} per output. The sum is exact (the accumulator must be exact, as the default one is), so any adder
 * tree gives the interpreter's result.
 */
final class LinearLayer {

  private LinearLayer() {}

  /** Dense: W is [in, out] over the last axis; rows of the input are independent. */
  static LayerRtl dense(String module, String node, Op.Dense op, Tensor w, Tensor b, TensorDesc in, FixedType ty,
      long[] outShape, VerilogOptions o) {
    long[] ws = w.shape();
    int nin = Math.toIntExact(ws[0]);
    int nout = Math.toIntExact(ws[1]);
    if (in.size() % nin != 0) {
      throw new IllegalArgumentException("node '" + node + "': input of " + in.size() + " elements is not a multiple"
          + " of " + nin + " features");
    }
    int rows = in.size() / nin;
    Align a = align(in.type(), (FixedType) w.type(), b == null ? null : (FixedType) b.type());
    long[] wr = w.raw();
    long[][] m = new long[rows * nout][in.size()];
    BigInteger[] off = new BigInteger[rows * nout];
    List<long[]> perOut = new ArrayList<>();
    for (int j = 0; j < nout; j++) {
      long[] col = new long[nin];
      for (int i = 0; i < nin; i++) {
        col[i] = wr[i * nout + j];
      }
      perOut.add(col);
    }
    checkExact(node, op.accum(), in.type(), a, perOut, b == null ? null : b.raw());
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < nout; j++) {
        for (int i = 0; i < nin; i++) {
          m[r * nout + j][r * nin + i] = shl(wr[i * nout + j], a.sw());
        }
        off[r * nout + j] = b == null ? BigInteger.ZERO : BigInteger.valueOf(b.raw()[j]).shiftLeft(a.sb());
      }
    }
    return build(module, node, "Dense " + nin + " -> " + nout + (rows > 1 ? " on " + rows + " rows" : ""), m, off,
        a.fs(), in, ty, outShape, o);
  }

  /** Conv (1D, 2D, ...; NCHW, zero padding, strides, dilations, groups). */
  static LayerRtl conv(String module, String node, Op.Conv op, Tensor w, Tensor b, TensorDesc in, FixedType ty,
      long[] outShape, VerilogOptions o) {
    long[] ws = w.shape();
    int mOut = Math.toIntExact(ws[0]);
    int cg = Math.toIntExact(ws[1]);
    int rank = ws.length - 2;
    long[] inSp = java.util.Arrays.copyOfRange(in.shape(), 1, in.shape().length);
    long[] outSp = java.util.Arrays.copyOfRange(outShape, 1, outShape.length);
    if (inSp.length != rank || outSp.length != rank) {
      throw new IllegalArgumentException("node '" + node + "': conv of rank " + rank + " on input "
          + java.util.Arrays.toString(in.shape()));
    }
    int ks = 1;
    for (int d = 2; d < ws.length; d++) {
      ks *= (int) ws[d];
    }
    int inSize = (int) prod(inSp);
    int outSize = (int) prod(outSp);
    int groups = op.group();
    int mg = mOut / groups;
    Align a = align(in.type(), (FixedType) w.type(), b == null ? null : (FixedType) b.type());
    long[] wr = w.raw();
    List<long[]> perOut = new ArrayList<>();
    for (int oc = 0; oc < mOut; oc++) {
      perOut.add(java.util.Arrays.copyOfRange(wr, oc * cg * ks, (oc + 1) * cg * ks));
    }
    checkExact(node, op.accum(), in.type(), a, perOut, b == null ? null : b.raw());
    long[][] m = new long[mOut * outSize][in.size()];
    BigInteger[] off = new BigInteger[mOut * outSize];
    long[] kernel = java.util.Arrays.copyOfRange(ws, 2, ws.length);
    for (int oc = 0; oc < mOut; oc++) {
      int g = oc / mg;
      for (int op0 = 0; op0 < outSize; op0++) {
        int row = oc * outSize + op0;
        long[] opos = unravel(op0, outSp);
        for (int c = 0; c < cg; c++) {
          int ch = g * cg + c;
          for (int k = 0; k < ks; k++) {
            long[] kpos = unravel(k, kernel);
            int idx = 0;
            boolean inside = true;
            for (int d = 0; d < rank; d++) {
              long p = opos[d] * op.strides()[d] + kpos[d] * op.dilations()[d] - op.padsBegin()[d];
              if (p < 0 || p >= inSp[d]) {
                inside = false;
                break;
              }
              idx = (int) (idx * inSp[d] + p);
            }
            if (inside) {
              m[row][ch * inSize + idx] += shl(wr[(oc * cg + c) * ks + k], a.sw());
            }
          }
        }
        off[row] = b == null ? BigInteger.ZERO : BigInteger.valueOf(b.raw()[oc]).shiftLeft(a.sb());
      }
    }
    return build(module, node, "Conv" + rank + "D " + in.shape()[0] + " -> " + mOut + " channels, kernel "
        + java.util.Arrays.toString(kernel), m, off, a.fs(), in, ty, outShape, o);
  }

  /** Fraction bits of the exact sum and the shifts that align weights and bias to it. */
  record Align(int fs, int sw, int sb) {}

  private static Align align(FixedType tx, FixedType tw, FixedType tb) {
    int fp = tx.fractionBits() + tw.fractionBits();
    int fs = tb == null ? fp : Math.max(fp, tb.fractionBits());
    return new Align(fs, fs - fp, tb == null ? 0 : fs - tb.fractionBits());
  }

  /**
   * Every {@code Q_Tacc} must be exact (docs/fixed-point.md, Dense): the accumulator keeps all fraction bits and
   * holds every partial sum; otherwise the order of the sum would matter.
   */
  private static void checkExact(String node, FixedType acc, FixedType tx, Align a, List<long[]> perOut, long[] b) {
    if (acc == null) {
      return;
    }
    int fa = acc.fractionBits();
    int fw = a.fs() - a.sw() - tx.fractionBits();
    int fb = a.fs() - a.sb();
    if (fa < tx.fractionBits() + fw || (b != null && fa < fb)) {
      throw new IllegalArgumentException("node '" + node + "': accumulator " + acc + " drops fraction bits of the "
          + "products; the verilog backend needs an exact accumulator (leave it at the default)");
    }
    for (int j = 0; j < perOut.size(); j++) {
      BigInteger lo = b == null ? BigInteger.ZERO : BigInteger.valueOf(b[j]).shiftLeft(a.sb());
      BigInteger hi = lo;
      for (long wv : perOut.get(j)) {
        BigInteger wk = BigInteger.valueOf(wv).shiftLeft(a.sw());
        BigInteger p = wk.multiply(tx.minRaw());
        BigInteger q = wk.multiply(tx.maxRaw());
        lo = lo.add(p.min(q).min(BigInteger.ZERO));
        hi = hi.add(p.max(q).max(BigInteger.ZERO));
      }
      if (lo.shiftLeft(fa - a.fs()).compareTo(acc.minRaw()) < 0
          || hi.shiftLeft(fa - a.fs()).compareTo(acc.maxRaw()) > 0) {
        throw new IllegalArgumentException("node '" + node + "': accumulator " + acc + " can overflow for output "
            + j + "; the verilog backend needs an exact accumulator (leave it at the default)");
      }
    }
  }

  private static LayerRtl build(String module, String node, String what, long[][] w, BigInteger[] bias, int fs,
      TensorDesc in, FixedType ty, long[] outShape, VerilogOptions o) {
    int k = o.levelsPerStage();
    BigInteger fold = Quantize.foldable(fs, ty);
    BigInteger[] off = new BigInteger[bias.length];
    for (int j = 0; j < off.length; j++) {
      off[j] = bias[j].add(fold);
    }
    Range[] ranges = in.ranges().toArray(new Range[0]);
    boolean generic = o.multipliers() == VerilogOptions.Multipliers.GENERIC;
    AdderGraph g = generic ? Cmvm.generic(w, ranges, off, k) : Cmvm.shiftAdd(w, ranges, off, Cmvm.Options.defaults());
    RtlModule m = new RtlModule(module);
    m.comment(node + ": " + what + ", " + in.type() + " in, " + ty + " out");
    m.comment((generic ? g.multipliers() + " multipliers and " : "") + g.adders() + " adders, " + g.depth()
        + " adder levels, a register every " + k + " levels");
    Sig port = m.input("in_data", in.bits(), "inputs whose weights are all zero are not read");
    Bus x = new Bus(m, port, in.type().width(), in.type().signed(), in.ranges(), "x");
    AdderGraphRtl.Emitted e = AdderGraphRtl.emit(m, g, x::element, k, "");
    List<Range> outRanges = new ArrayList<>();
    StringBuilder cat = new StringBuilder();
    int n = e.outputs().size();
    for (int j = n - 1; j >= 0; j--) {
      AdderGraphRtl.Out out = e.outputs().get(j);
      Sig q = Quantize.emit(m, out.sig(), out.shift(), fs, ty, true, "y" + j);
      Sig r = m.reg("y" + j + "_reg", q, null);
      outRanges.add(0, r.range());
      cat.append(j == n - 1 ? "" : ", ").append(Bits.value(r, ty.width(), m));
    }
    m.output("out_data", n * ty.width(), n == 1 ? cat.toString() : "{" + cat + "}");
    m.latency(e.lastStage() + 1);
    return new LayerRtl(node, what, m, new TensorDesc(ty, outShape, outRanges), g.adders(), g.multipliers(),
        g.depth());
  }

  private static long shl(long v, int s) {
    if (s == 0) {
      return v;
    }
    if (s >= 62 || Math.abs(v) >= (1L << (62 - s))) {
      throw new ArithmeticException("weight " + v + " << " + s + " does not fit 64 bits");
    }
    return v << s;
  }

  private static long prod(long[] a) {
    long p = 1;
    for (long v : a) {
      p *= v;
    }
    return p;
  }

  private static long[] unravel(long index, long[] dims) {
    long[] out = new long[dims.length];
    for (int d = dims.length - 1; d >= 0; d--) {
      out[d] = index % dims[d];
      index /= dims[d];
    }
    return out;
  }
}
