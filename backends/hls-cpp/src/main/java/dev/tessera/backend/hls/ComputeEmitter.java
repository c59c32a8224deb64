package dev.tessera.backend.hls;

import dev.tessera.backend.hls.LayerEmitter.Cfg;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.interp.FixedConstants;
import dev.tessera.ir.interp.Kernels;
import dev.tessera.ir.op.Op;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Emits the arithmetic layers: Dense, Conv, MatMul, BatchNorm and pooling. */
final class ComputeEmitter {

  private final ProjectBuilder b;
  private final LayerEmitter layers;

  ComputeEmitter(ProjectBuilder b, LayerEmitter layers) {
    this.b = b;
    this.layers = layers;
  }

  void dense(Node n, Op.Dense d) {
    String x = n.input(0);
    String y = n.output();
    Tensor w = LayerEmitter.constant(b, n, 1, "weight");
    Tensor bias = n.input(2) == null ? null : LayerEmitter.constant(b, n, 2, "bias");
    long[] ws = w.shape();
    if (ws.length != 2) {
      throw new NodeException(n.name(), n.source(), "weight must be [in, out], got " + Shape.toString(ws));
    }
    long in = ws[0];
    long out = ws[1];
    long[] xs = b.shape(x);
    if (xs.length == 0 || xs[xs.length - 1] != in) {
      throw new NodeException(n.name(), n.source(), "input " + Shape.toString(xs) + " does not end in " + in
          + " features (weight '" + n.input(1) + "' is " + Shape.toString(ws) + ")");
    }
    if (bias != null && bias.size() != out) {
      throw new NodeException(n.name(), n.source(), "bias '" + n.input(2) + "' has " + bias.size()
          + " values but the weight has " + out + " outputs");
    }
    long rows = b.size(x) / in;
    FixedType tw = (FixedType) w.type();
    FixedType acc = d.accum() != null ? d.accum()
        : exactAccumulator(b.fixed(x), w, bias, (int) out, (int) in, j -> j, (int) out);
    Strategy strategy = b.options.strategyFor(n.name());
    int reuse = validReuse(n, in * out, in + " x " + out);
    String wName = b.weight(n.name() + "_w", n.input(1), w, "weight of " + n.describe());
    String bName = bias(n, bias, tw, out);
    FixedType tb = bias == null ? tw : (FixedType) bias.type();
    String cfg = new Cfg(b, n, "Dense " + in + " -> " + out).type("accum_t", acc).type("weight_t", tw)
        .type("bias_t", tb).ctype("weight_raw_t", CppText.rawType(tw)).ctype("bias_raw_t", CppText.rawType(tb))
        .u("n_rows", rows).u("n_in", in).u("n_out", out).flag("has_bias", bias != null)
        .e("tessera::strategy_t", "strategy", strategy.cpp()).u("reuse_factor", reuse).add();
    b.summary(n.name() + " (" + n.source() + "): Dense " + in + " -> " + out + ", " + b.fixed(x) + " x " + tw
        + " -> " + b.fixed(y) + ", accumulator " + acc + ", " + strategy.name().toLowerCase(java.util.Locale.ROOT)
        + ", reuse " + reuse);
    b.call(new Views.Call(n.describe(), "tessera::dense", List.of(b.type(x), b.type(y), cfg),
        List.of(b.read(x), b.write(y, n), wName, bName)));
  }

  void conv(Node n, Op.Conv c) {
    String x = n.input(0);
    String y = n.output();
    Tensor w = LayerEmitter.constant(b, n, 1, "weight");
    Tensor bias = n.input(2) == null ? null : LayerEmitter.constant(b, n, 2, "bias");
    long[] xs = b.shape(x);
    long[] ys = b.shape(y);
    long[] ws = w.shape();
    int rank = xs.length - 2;
    if (rank != 1 && rank != 2) {
      throw new UnsupportedOpException(n.name(), n.source(), "the HLS backend supports 1D and 2D convolutions, "
          + "not an input of shape " + Shape.toString(xs));
    }
    if (ws.length != rank + 2 || ys.length != rank + 2) {
      throw new NodeException(n.name(), n.source(), "weight " + Shape.toString(ws) + " and output "
          + Shape.toString(ys) + " do not match the input " + Shape.toString(xs));
    }
    int groups = Math.max(1, c.group());
    long chan = xs[1];
    long filt = ws[0];
    if (chan % groups != 0 || filt % groups != 0 || ws[1] != chan / groups || ys[1] != filt) {
      throw new NodeException(n.name(), n.source(), "channels do not match: input " + Shape.toString(xs)
          + ", weight " + Shape.toString(ws) + ", output " + Shape.toString(ys) + ", " + groups + " groups");
    }
    if (bias != null && bias.size() != filt) {
      throw new NodeException(n.name(), n.source(), "bias has " + bias.size() + " values for " + filt + " filters");
    }
    long[] k = at(c.kernel(), rank, 0, "kernel", n);
    for (int a = 0; a < rank; a++) {
      if (k[a] != ws[2 + a]) {
        throw new NodeException(n.name(), n.source(), "kernel " + Shape.toString(k) + " does not match the weight "
            + Shape.toString(ws));
      }
    }
    long[] st = at(c.strides(), rank, 1, "strides", n);
    long[] pb = at(c.padsBegin(), rank, 0, "pads", n);
    long[] dl = at(c.dilations(), rank, 1, "dilations", n);
    FixedType tw = (FixedType) w.type();
    int perFilter = (int) (ws[1] * LayerEmitter.prod(ws, 2, ws.length));
    FixedType acc = c.accum() != null ? c.accum()
        : exactAccumulator(b.fixed(x), w, bias, (int) filt, perFilter, j -> j * perFilter, 1);
    int reuse = b.options.reuseFor(n.name());
    String wName = b.weight(n.name() + "_w", n.input(1), w, "weight of " + n.describe());
    String bName = bias(n, bias, tw, filt);
    FixedType tb = bias == null ? tw : (FixedType) bias.type();
    Cfg cfg = new Cfg(b, n, "Conv" + rank + "D " + LayerEmitter.dims(k) + ", " + chan + " -> " + filt
        + " channels").type("accum_t", acc).type("weight_t", tw).type("bias_t", tb)
        .ctype("weight_raw_t", CppText.rawType(tw)).ctype("bias_raw_t", CppText.rawType(tb))
        .u("n_batch", xs[0]).u("n_chan", chan).u("n_filt", filt);
    if (rank == 2) {
      cfg.u("in_h", xs[2]).u("out_h", ys[2]).u("k_h", k[0]).u("stride_h", st[0]).u("pad_top", pb[0])
          .u("dil_h", dl[0]);
    }
    String name = cfg.u("in_w", xs[rank + 1]).u("out_w", ys[rank + 1]).u("k_w", k[rank - 1])
        .u("stride_w", st[rank - 1]).u("pad_left", pb[rank - 1]).u("dil_w", dl[rank - 1]).u("groups", groups)
        .flag("has_bias", bias != null).u("reuse_factor", reuse).add();
    b.summary(n.name() + " (" + n.source() + "): Conv" + rank + "D " + Shape.toString(xs) + " -> "
        + Shape.toString(ys) + ", kernel " + LayerEmitter.dims(k) + ", " + b.fixed(x) + " x " + tw + " -> "
        + b.fixed(y) + ", accumulator " + acc);
    b.call(new Views.Call(n.describe(), rank == 2 ? "tessera::conv2d" : "tessera::conv1d",
        List.of(b.type(x), b.type(y), name), List.of(b.read(x), b.write(y, n), wName, bName)));
  }

  void matmul(Node n) {
    String a = n.input(0);
    String bb = n.input(1);
    String y = n.output();
    long[] as = b.shape(a);
    long[] bs = b.shape(bb);
    Kernels.MatMul p = Kernels.matmul(as, bs);
    if (Tensor.count(p.shape()) != b.size(y)) {
      throw new NodeException(n.name(), n.source(), Shape.toString(as) + " x " + Shape.toString(bs) + " gives "
          + Shape.toString(p.shape()) + ", not the declared " + Shape.toString(b.shape(y)));
    }
    FixedType ta = b.fixed(a);
    FixedType tb = b.fixed(bb);
    FixedType prod = new FixedType(ta.signed() || tb.signed(), ta.width() + tb.width(),
        ta.integerBits() + tb.integerBits(), dev.tessera.ir.Rounding.TRN, dev.tessera.ir.Overflow.WRAP);
    FixedType sum = CppText.widened(prod, CppText.sumBits(p.k()));
    String aOff = b.rawArray(n.name() + "_a_offset", "unsigned", longs(p.aOffset()),
        List.of("MatMul of " + n.describe() + ": start of operand a for each batch"));
    String bOff = b.rawArray(n.name() + "_b_offset", "unsigned", longs(p.bOffset()),
        List.of("MatMul of " + n.describe() + ": start of operand b for each batch"));
    String cfg = new Cfg(b, n, "MatMul " + p.m() + "x" + p.k() + " * " + p.k() + "x" + p.n()).type("sum_t", sum)
        .u("n_batch", p.batch()).u("n_m", p.m()).u("n_k", p.k()).u("n_n", p.n()).add();
    b.summary(n.name() + " (" + n.source() + "): MatMul " + Shape.toString(as) + " x " + Shape.toString(bs) + " -> "
        + Shape.toString(b.shape(y)) + ", exact sum " + sum);
    b.call(new Views.Call(n.describe(), "tessera::matmul", List.of(b.type(a), b.type(bb), b.type(y), cfg),
        List.of(b.read(a), b.read(bb), b.write(y, n), aOff, bOff)));
  }

  static long[] longs(int[] v) {
    long[] r = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = v[i];
    }
    return r;
  }

  void batchNorm(Node n, Op.BatchNorm bn) {
    String x = n.input(0);
    String y = n.output();
    long[] xs = b.shape(x);
    if (xs.length < 2) {
      throw new NodeException(n.name(), n.source(), "input " + Shape.toString(xs) + " has no channel axis 1");
    }
    FixedConstants.ScaleShift k;
    try {
      k = FixedConstants.batchNorm(LayerEmitter.constant(b, n, 1, "scale"), LayerEmitter.constant(b, n, 2, "bias"),
          LayerEmitter.constant(b, n, 3, "mean"), LayerEmitter.constant(b, n, 4, "variance"), bn.epsilon());
    } catch (IllegalArgumentException e) {
      throw new NodeException(n.name(), n.source(), e.getMessage());
    }
    if (k.scale().length != xs[1]) {
      throw new NodeException(n.name(), n.source(), "has " + k.scale().length + " channels but the input is "
          + Shape.toString(xs));
    }
    String s = b.rawArray(n.name() + "_scale", CppText.rawType(k.scaleType()), k.scale(),
        List.of("BatchNorm scale s = gamma / sqrt(var + eps) of " + n.describe(), "type " + k.scaleType()
            + ", raw integers (value = raw * 2^" + (-k.scaleType().fractionBits()) + ")"));
    String t = b.rawArray(n.name() + "_shift", CppText.rawType(k.shiftType()), k.shift(),
        List.of("BatchNorm shift t = beta - mean * s of " + n.describe(), "type " + k.shiftType()
            + ", raw integers (value = raw * 2^" + (-k.shiftType().fractionBits()) + ")"));
    String cfg = new Cfg(b, n, "BatchNorm scale and shift").type("scale_t", k.scaleType())
        .type("bias_t", k.shiftType()).ctype("scale_raw_t", CppText.rawType(k.scaleType()))
        .ctype("bias_raw_t", CppText.rawType(k.shiftType())).u("n_batch", xs[0]).u("n_chan", xs[1])
        .u("n_inner", LayerEmitter.prod(xs, 2, xs.length)).add();
    b.summary(n.name() + " (" + n.source() + "): BatchNorm, " + xs[1] + " channels, scale " + k.scaleType()
        + ", shift " + k.shiftType() + ", " + b.fixed(x) + " -> " + b.fixed(y));
    b.call(new Views.Call(n.describe(), "tessera::batchnorm", List.of(b.type(x), b.type(y), cfg),
        List.of(b.read(x), b.write(y, n), s, t)));
  }

  void pool(Node n, boolean max, long[] kernel, long[] strides, long[] padsBegin, long[] padsEnd, long[] dilations,
      boolean countIncludePad) {
    String x = n.input(0);
    String y = n.output();
    long[] xs = b.shape(x);
    long[] ys = b.shape(y);
    int rank = xs.length - 2;
    if ((rank != 1 && rank != 2) || ys.length != xs.length) {
      throw new UnsupportedOpException(n.name(), n.source(), "the HLS backend pools over 1 or 2 spatial axes, not "
          + Shape.toString(xs) + " -> " + Shape.toString(ys));
    }
    long[] k = at(kernel, rank, 0, "kernel", n);
    long[] st = at(strides, rank, 1, "strides", n);
    long[] pb = at(padsBegin, rank, 0, "pads", n);
    long[] pe = at(padsEnd, rank, 0, "pads", n);
    long[] dl = at(dilations, rank, 1, "dilations", n);
    boolean two = rank == 2;
    Cfg cfg = new Cfg(b, n, (max ? "MaxPool " : "AveragePool ") + LayerEmitter.dims(k)).u("n_batch", xs[0])
        .u("n_chan", xs[1]).u("in_h", two ? xs[2] : 1).u("in_w", xs[rank + 1]).u("out_h", two ? ys[2] : 1)
        .u("out_w", ys[rank + 1]).u("k_h", two ? k[0] : 1).u("k_w", k[rank - 1]).u("stride_h", two ? st[0] : 1)
        .u("stride_w", st[rank - 1]).u("pad_top", two ? pb[0] : 0).u("pad_left", pb[rank - 1])
        .u("pad_bottom", two ? pe[0] : 0).u("pad_right", pe[rank - 1]).u("dil_h", two ? dl[0] : 1)
        .u("dil_w", dl[rank - 1]);
    long window = LayerEmitter.prod(k, 0, rank);
    b.summary(n.name() + " (" + n.source() + "): " + (max ? "MaxPool " : "AveragePool ") + LayerEmitter.dims(k)
        + ", " + Shape.toString(xs) + " -> " + Shape.toString(ys) + ", " + b.fixed(x) + " -> " + b.fixed(y));
    if (max) {
      String name = cfg.add();
      b.call(new Views.Call(n.describe(), "tessera::max_pool2d", List.of(b.type(x), b.type(y), name),
          List.of(b.read(x), b.write(y, n))));
      return;
    }
    long[] recip = new long[(int) window + 1];
    for (int c = 1; c <= window; c++) {
      recip[c] = FixedConstants.poolReciprocal(c);
    }
    FixedType rt = FixedConstants.RECIPROCAL_TYPE;
    String r = b.rawArray(n.name() + "_recip", CppText.rawType(rt), recip, List.of("reciprocals of the window "
        + "counts of " + n.describe() + ": entry n = Q(1/n), type " + rt + " (entry 0 unused)"));
    String name = cfg.flag("count_include_pad", countIncludePad).type("sum_t", CppText.widened(b.fixed(x),
        CppText.sumBits(window))).type("recip_t", rt).ctype("recip_raw_t", CppText.rawType(rt)).add();
    b.call(new Views.Call(n.describe(), "tessera::avg_pool2d", List.of(b.type(x), b.type(y), name),
        List.of(b.read(x), b.write(y, n), r)));
  }

  void globalPool(Node n, boolean max) {
    String x = n.input(0);
    String y = n.output();
    long[] xs = b.shape(x);
    if (xs.length < 3) {
      throw new NodeException(n.name(), n.source(), "input " + Shape.toString(xs) + " has no spatial axes");
    }
    long inner = LayerEmitter.prod(xs, 2, xs.length);
    Cfg cfg = new Cfg(b, n, (max ? "GlobalMaxPool" : "GlobalAveragePool") + " over " + inner + " positions")
        .u("n_batch", xs[0]).u("n_chan", xs[1]).u("n_inner", inner);
    b.summary(n.name() + " (" + n.source() + "): " + (max ? "GlobalMaxPool " : "GlobalAveragePool ")
        + Shape.toString(xs) + " -> " + Shape.toString(b.shape(y)) + ", " + b.fixed(x) + " -> " + b.fixed(y));
    if (!max) {
      FixedType rt = FixedConstants.RECIPROCAL_TYPE;
      cfg.type("sum_t", CppText.widened(b.fixed(x), CppText.sumBits(inner))).type("recip_t", rt)
          .raw("recip_raw", FixedConstants.poolReciprocal(inner));
    }
    String name = cfg.add();
    b.call(new Views.Call(n.describe(), max ? "tessera::global_max_pool" : "tessera::global_avg_pool",
        List.of(b.type(x), b.type(y), name), List.of(b.read(x), b.write(y, n))));
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private String bias(Node n, Tensor bias, FixedType tw, long out) {
    if (bias != null) {
      return b.weight(n.name() + "_b", n.input(2), bias, "bias of " + n.describe());
    }
    return b.rawArray(n.name() + "_b", CppText.rawType(tw), new long[(int) out],
        List.of("no bias in " + n.describe() + ": zeros, never read (has_bias = false)"));
  }

  /** The reuse factor of a Dense node: the requested one if it divides the weight count, else the nearest. */
  private int validReuse(Node n, long total, String what) {
    int want = b.options.reuseFor(n.name());
    if (want <= total && total % want == 0) {
      return want;
    }
    List<Long> valid = new ArrayList<>();
    for (long r = 1; r <= total; r++) {
      if (total % r == 0) {
        valid.add(r);
      }
    }
    long best = valid.get(0);
    for (long r : valid) {
      if (Math.abs(r - want) < Math.abs(best - want)) {
        best = r;
      }
    }
    b.warnings.add(n.describe() + ": reuse factor " + want + " is not valid for " + what + " (it must divide "
        + total + "); using " + best + "; valid: " + valid);
    return (int) best;
  }

  private static long[] at(long[] v, int rank, long fill, String what, Node n) {
    if (v == null) {
      long[] d = new long[rank];
      java.util.Arrays.fill(d, fill);
      return d;
    }
    if (v.length != rank) {
      throw new NodeException(n.name(), n.source(), what + " " + Shape.toString(v) + " must have " + rank
          + " entries");
    }
    return v;
  }

  /** Maps an output index to the start of its weights in a flat weight array. */
  private interface Offset {
    int of(int output);
  }

  /**
   * An accumulator type in which every partial sum is exact, for layers whose precision left the accumulator
   * unset: the bound of |bias| + sum of |w| * max|x| over each output, in units of the exact sum's LSB.
   */
  static FixedType exactAccumulator(FixedType tx, Tensor w, Tensor bias, int outputs, int terms, Offset offset,
      int stride) {
    FixedType tw = (FixedType) w.type();
    int fx = tx.fractionBits();
    int fw = tw.fractionBits();
    int fb = bias == null ? fx + fw : ((FixedType) bias.type()).fractionBits();
    int fs = Math.max(fx + fw, fb);
    BigInteger xmax = tx.minRaw().abs().max(tx.maxRaw());
    long[] wr = w.raw();
    BigInteger bound = BigInteger.ZERO;
    for (int j = 0; j < outputs; j++) {
      BigInteger s = bias == null ? BigInteger.ZERO : BigInteger.valueOf(bias.raw()[j]).abs().shiftLeft(fs - fb);
      BigInteger sw = BigInteger.ZERO;
      for (int i = 0; i < terms; i++) {
        sw = sw.add(BigInteger.valueOf(wr[offset.of(j) + i * stride]).abs());
      }
      s = s.add(sw.multiply(xmax).shiftLeft(fs - fx - fw));
      bound = bound.max(s);
    }
    int width = Math.max(2, bound.bitLength() + 2);
    return FixedType.signed(width, width - fs);
  }
}
