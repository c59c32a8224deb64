package dev.tessera.backend.verilog;

import dev.tessera.ir.arith.Range;
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
 * Add, Sub and Mul of the pipeline tensor and a constant (broadcast to it, numpy rules): {@code y = Q_Ty(x op c)} with
 * the exact sum or product of the raw values, combinational. A product is a constant multiplication in logic ({@code *}
 * by a literal, which synthesis reduces to shifts and adds); a power-of-two or zero constant is a shift or zero.
 */
final class ConstantLayers {
  private ConstantLayers() {}

  /**
   * {@code x op c} (or {@code c - x} when {@code constantFirst} and the op is Sub).
   *
   * @param c the constant, fixed-point, broadcastable to {@code [N, outShape...]}
   */
  static LayerRtl binary(String module, String node, Op.BinaryKind kind, boolean constantFirst, TensorDesc in,
      Tensor c, FixedType ty, long[] outShape) {
    if (kind != Op.BinaryKind.ADD && kind != Op.BinaryKind.SUB && kind != Op.BinaryKind.MUL) {
      throw new UnsupportedOperationException("op " + kind + " with a constant has no RTL implementation yet");
    }
    FixedType tc = (FixedType) c.type();
    long[] cr = c.raw();
    int[] at = broadcastIndex(c.shape(), in.shape());
    RtlModule m = new RtlModule(module);
    m.comment(node + ": " + kind + " by a constant (" + tc + "), " + in.type() + " in, " + ty + " out; combinational");
    Sig port = m.input("in_data", in.bits(), "elements that do not reach the output are not read");
    Bus x = new Bus(m, port, in.type().width(), in.type().signed(), in.ranges(), "x");
    int fx = in.type().fractionBits();
    int fc = tc.fractionBits();
    List<Sig> ys = new ArrayList<>();
    List<Range> rs = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      BigInteger ci = BigInteger.valueOf(cr[at[i]]);
      Sig v;
      int f;
      if (kind == Op.BinaryKind.MUL && ci.signum() == 0) {
        f = fx + fc;
        v = m.wire("p" + i, 2, true, Range.of(0, 0), "2'h0", null); // x is not read
      } else if (kind == Op.BinaryKind.MUL) {
        Sig xi = x.element(i);
        f = fx + fc;
        BigInteger a = xi.range().min().multiply(ci);
        BigInteger b = xi.range().max().multiply(ci);
        Range r = new Range(a.min(b), a.max(b));
        int w = Math.max(r.width(), 2);
        String expr = "$signed(" + Bits.value(xi, w, m) + ") * $signed(" + Bits.literal(ci, w) + ")";
        v = m.wire("p" + i, w, true, r, expr, null);
      } else {
        Sig xi = x.element(i);
        f = Math.max(fx, fc);
        BigInteger xs = BigInteger.ONE.shiftLeft(f - fx);
        BigInteger cs = ci.shiftLeft(f - fc);
        BigInteger lo = xi.range().min().multiply(xs);
        BigInteger hi = xi.range().max().multiply(xs);
        Range r;
        if (kind == Op.BinaryKind.ADD) {
          r = new Range(lo.add(cs), hi.add(cs));
        } else if (constantFirst) {
          r = new Range(cs.subtract(hi), cs.subtract(lo));
        } else {
          r = new Range(lo.subtract(cs), hi.subtract(cs));
        }
        int w = Math.max(Math.max(r.width(), new Range(lo, hi).width()), Range.point(cs).width()) + 1;
        String xv = f == fx ? Bits.value(xi, w, m) : "{" + Bits.value(xi, w - (f - fx), m) + ", " + (f - fx) + "'h0}";
        String cv = Bits.literal(cs, w);
        String expr = kind == Op.BinaryKind.ADD ? xv + " + " + cv : constantFirst ? cv + " - " + xv : xv + " - " + cv;
        v = m.wire("s" + i, w, true, r, expr, null);
      }
      Sig q = Quantize.emit(m, v, f, ty, false, "y" + i);
      ys.add(q);
      rs.add(q.range());
    }
    Emit.pack(m, ys, ty.width());
    return new LayerRtl(node, kind.name(), m, new TensorDesc(ty, outShape, rs), 0, 0, 0);
  }

  /** For each element of a sample of shape {@code sample}, the index of the constant element it reads. */
  static int[] broadcastIndex(long[] cShape, long[] sample) {
    int rank = sample.length + 1; // the batch axis
    if (cShape.length > rank) {
      throw new IllegalArgumentException("constant of rank " + cShape.length + " does not broadcast to a sample of "
          + "rank " + sample.length);
    }
    long[] full = new long[rank];
    full[0] = 1;
    System.arraycopy(sample, 0, full, 1, sample.length);
    long[] cs = new long[rank];
    java.util.Arrays.fill(cs, 1);
    System.arraycopy(cShape, 0, cs, rank - cShape.length, cShape.length);
    for (int a = 0; a < rank; a++) {
      if (cs[a] != 1 && cs[a] != full[a]) {
        throw new IllegalArgumentException("constant of shape " + java.util.Arrays.toString(cShape)
            + " does not broadcast to a sample of shape " + java.util.Arrays.toString(sample));
      }
    }
    int n = (int) Tensor.count(sample);
    int[] idx = new int[n];
    for (int e = 0; e < n; e++) {
      long rem = e;
      long ci = 0;
      long stride = 1;
      for (int a = rank - 1; a >= 1; a--) {
        long pos = rem % full[a];
        rem /= full[a];
        if (cs[a] != 1) {
          ci += pos * stride;
        }
        stride *= cs[a];
      }
      idx[e] = (int) ci;
    }
    return idx;
  }
}
