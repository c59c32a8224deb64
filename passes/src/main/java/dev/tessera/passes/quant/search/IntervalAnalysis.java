package dev.tessera.passes.quant.search;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.interp.FixedConstants;
import dev.tessera.ir.interp.Tables;
import dev.tessera.ir.intops.IntExp;
import dev.tessera.ir.intops.IntGelu;
import dev.tessera.ir.intops.IntLayerNorm;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.ir.op.TableSpec;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Proves, by exact interval arithmetic on the raw integers of a quantized graph, which node results can overflow:
 * starting from the full range of every input type (or given input bounds), each node's exact value range before
 * its {@code Q_Ty} is computed from its input ranges and its actual quantized constants (weights, biases, table
 * entries), one interval per channel (axis 1) where the op keeps channels apart. Read-only; the bounds are rigorous
 * for every input the input types can hold, not only for sample data. Ops without a rule get the full range of
 * their result type and are marked unproven.
 */
public final class IntervalAnalysis {

  /**
   * The value range of one node result (or graph input) at its type's fraction bits.
   *
   * @param tensor the tensor
   * @param type its type
   * @param lo smallest raw value after rounding to the type, before the overflow step
   * @param hi largest raw value likewise
   * @param proven false when no interval rule covers the op (the bounds are then the type's range)
   */
  public record TensorBounds(String tensor, FixedType type, BigInteger lo, BigInteger hi, boolean proven) {

    /** True when no value can overflow the type. */
    public boolean fits() {
      return proven && lo.compareTo(type.minRaw()) >= 0 && hi.compareTo(type.maxRaw()) <= 0;
    }

    /** Whether the range needs a sign. */
    public boolean needsSign() {
      return lo.signum() < 0;
    }

    /** The smallest integer bits of a type with this type's fraction bits that holds the range. */
    public int neededIntegerBits(boolean signed) {
      int f = type.fractionBits();
      int w;
      if (signed) {
        w = Math.max(hi.max(BigInteger.ZERO).bitLength(), lo.min(BigInteger.ZERO).negate().subtract(BigInteger.ONE)
            .max(BigInteger.ZERO).bitLength()) + 1;
      } else {
        w = Math.max(1, hi.max(BigInteger.ZERO).bitLength());
      }
      return w - f;
    }

    public double minValue() {
      return Math.scalb(lo.doubleValue(), -type.fractionBits());
    }

    public double maxValue() {
      return Math.scalb(hi.doubleValue(), -type.fractionBits());
    }
  }

  private final Graph g;
  private final Map<String, Bounds> bounds = new LinkedHashMap<>();
  private final Map<String, TensorBounds> results = new LinkedHashMap<>();

  private IntervalAnalysis(Graph g) {
    this.g = g;
  }

  /** Bounds of every graph input (its full type range) and node result of a quantized graph. */
  public static Map<String, TensorBounds> analyze(Graph quantized) {
    return analyze(quantized, Map.of());
  }

  /**
   * As {@link #analyze(Graph)}, with narrower ranges for some graph inputs (values; they are rounded to the input
   * type and clamped into it).
   */
  public static Map<String, TensorBounds> analyze(Graph quantized, Map<String, double[]> inputRanges) {
    IntervalAnalysis a = new IntervalAnalysis(quantized);
    for (String in : quantized.inputs()) {
      FixedType t = quantized.type(in).fixed();
      Bounds b = Bounds.ofType(t);
      double[] r = inputRanges.get(in);
      if (r != null) {
        b = Bounds.uniform(t.fromDouble(r[0]), t.fromDouble(r[1]), t.fractionBits());
      }
      a.bounds.put(in, b);
      a.results.put(in, new TensorBounds(in, t, b.min(), b.max(), true));
    }
    for (Node n : quantized.nodes()) {
      a.visit(n);
    }
    return a.results;
  }

  private void visit(Node n) {
    FixedType ty = g.type(n.output()).fixed();
    Bounds pre;
    try {
      pre = exact(n, ty);
    } catch (ArithmeticException | IllegalArgumentException | IllegalStateException e) {
      pre = null;
    }
    if (pre == null) {
      bounds.put(n.output(), Bounds.ofType(ty));
      results.put(n.name(), new TensorBounds(n.output(), ty, ty.minRaw(), ty.maxRaw(), false));
      return;
    }
    Bounds rounded = pre.round(ty);
    boolean fits = rounded.fits(ty);
    boolean saturates = ty.overflow() != dev.tessera.ir.Overflow.WRAP;
    bounds.put(n.output(), fits || saturates ? rounded.clamp(ty) : Bounds.ofType(ty));
    BigInteger lo = rounded.min();
    BigInteger hi = rounded.max();
    if (n.op() instanceof Op.Clip) {
      // a Clip quantizes its input to its own type before it clamps (docs/fixed-point.md): that step can overflow
      // although the clamped result always fits, so the reported range is the input's, rounded to the type
      Bounds before = in(n, 0).round(ty);
      lo = lo.min(before.min());
      hi = hi.max(before.max());
    }
    results.put(n.name(), new TensorBounds(n.output(), ty, lo, hi, true));
  }

  private Bounds in(Node n, int i) {
    String t = n.input(i);
    Bounds b = bounds.get(t);
    if (b != null) {
      return b;
    }
    Tensor c = g.constant(t);
    if (c == null) {
      throw new IllegalStateException("no bounds for '" + t + "'");
    }
    return Bounds.ofValues(c.raw(), ((FixedType) c.type()).fractionBits());
  }

  private int channels(String tensor) {
    Shape s = g.type(tensor).shape();
    if (s.rank() < 2 || s.dim(1).isSymbolic()) {
      return 1;
    }
    return (int) s.size(1);
  }

  /** The exact bounds of a node's value before Q_Ty, or null when no rule applies. */
  private Bounds exact(Node n, FixedType ty) {
    Op op = n.op();
    if (op instanceof Op.Dense) {
      return dense(n);
    }
    if (op instanceof Op.Conv c) {
      return conv(n, c);
    }
    if (op instanceof Op.MatMul && g.isConstant(n.input(1)) && g.type(n.input(1)).shape().rank() == 2) {
      return dense(n);
    }
    if (op instanceof Op.Relu) {
      Bounds x = in(n, 0);
      return map(x, (lo, hi) -> new BigInteger[] {lo.max(BigInteger.ZERO), hi.max(BigInteger.ZERO)}, x.frac());
    }
    if (op instanceof Op.LeakyRelu l) {
      FixedType p = l.param() != null ? l.param() : FixedConstants.PARAM_TYPE;
      BigInteger a = p.fromDouble(l.alpha());
      int fp = p.fractionBits();
      Bounds x = in(n, 0);
      return map(x, (lo, hi) -> {
        BigInteger l0 = lo.max(BigInteger.ZERO).shiftLeft(fp);
        BigInteger h0 = hi.max(BigInteger.ZERO).shiftLeft(fp);
        if (lo.signum() >= 0) {
          return new BigInteger[] {l0, h0};
        }
        BigInteger[] neg = scale(lo, hi.min(BigInteger.ZERO), a);
        return new BigInteger[] {hi.signum() > 0 ? neg[0].min(BigInteger.ZERO) : neg[0],
            hi.signum() > 0 ? neg[1].max(h0) : neg[1]};
      }, x.frac() + fp);
    }
    if (op instanceof Op.Clip c) {
      BigInteger lo = FixedConstants.clipBound(ty, c.min());
      BigInteger hi = FixedConstants.clipBound(ty, c.max());
      Bounds q = in(n, 0).round(ty);
      if (!q.fits(ty) && ty.overflow() == dev.tessera.ir.Overflow.WRAP) {
        return Bounds.uniform(lo, hi, ty.fractionBits());
      }
      Bounds x = q.clamp(ty);
      return map(x, (l, h) -> new BigInteger[] {l.max(lo).min(hi), h.max(lo).min(hi)}, x.frac());
    }
    if (op instanceof Op.HardSigmoid) {
      return Bounds.uniform(BigInteger.ZERO, BigInteger.ONE, 0);
    }
    if (op instanceof Op.BatchNorm) {
      return batchNorm(n);
    }
    if (op instanceof Op.Binary b) {
      return binary(n, b.fn());
    }
    if (op instanceof Op.Sigmoid s) {
      return table(n, s.table() != null ? s.table() : Tables.sigmoidSpec(FixedConstants.TABLE_SIZE,
          FixedConstants.TABLE_TYPE), Tables::sigmoid);
    }
    if (op instanceof Op.Tanh t) {
      return table(n, t.table() != null ? t.table() : Tables.sigmoidSpec(FixedConstants.TABLE_SIZE,
          FixedConstants.TABLE_TYPE), Tables::tanh);
    }
    if (op instanceof Op.Exp e && e.table() != null) {
      return table(n, e.table(), Tables::exp);
    }
    if (op instanceof Op.Softmax s) {
      return softmax(s);
    }
    if (op instanceof Op.Identity || op instanceof Op.Reshape || op instanceof Op.Transpose
        || op instanceof Op.Slice || op instanceof Op.Gather) {
      Bounds x = in(n, 0);
      if (op instanceof Op.Reshape) {
        return reshape(x, n);
      }
      boolean keepsChannels = op instanceof Op.Identity
          || (op instanceof Op.Transpose t && t.perm().length > 1 && t.perm()[0] == 0 && t.perm()[1] == 1);
      return keepsChannels ? x : x.union();
    }
    if (op instanceof Op.Pad p) {
      return p.mode() == Op.PadMode.CONSTANT && p.value() == 0.0 ? in(n, 0).withZero().union() : null;
    }
    if (op instanceof Op.Concat c) {
      return concat(n, c);
    }
    if (op instanceof Op.MaxPool || op instanceof Op.GlobalMaxPool) {
      return in(n, 0);
    }
    if (op instanceof Op.GlobalAveragePool) {
      Shape s = g.type(n.input(0)).shape();
      long count = 1;
      for (int a = 2; a < s.rank(); a++) {
        count *= s.size(a);
      }
      BigInteger k = BigInteger.valueOf(count * FixedConstants.poolReciprocal(count));
      Bounds x = in(n, 0);
      return map(x, (lo, hi) -> new BigInteger[] {lo.multiply(k), hi.multiply(k)},
          x.frac() + FixedConstants.RECIPROCAL_TYPE.fractionBits());
    }
    if (op instanceof Op.AveragePool p) {
      long window = 1;
      for (long k : p.kernel()) {
        window *= k;
      }
      BigInteger f = BigInteger.ZERO;
      for (long d = 1; d <= window; d++) {
        f = f.max(BigInteger.valueOf(d * FixedConstants.poolReciprocal(d)));
      }
      BigInteger k = f;
      Bounds x = in(n, 0).withZero();
      return map(x, (lo, hi) -> new BigInteger[] {lo.multiply(k), hi.multiply(k)},
          x.frac() + FixedConstants.RECIPROCAL_TYPE.fractionBits());
    }
    return integerOp(n, op);
  }

  /** The I-BERT ops: monotone i-exp, softmax in [0, 1], GELU's sign-split product, LayerNorm's magnitude bound. */
  private Bounds integerOp(Node n, Op op) {
    if (op instanceof Op.ISoftmax s) {
      return Bounds.uniform(BigInteger.ZERO, BigInteger.ONE.shiftLeft(s.outFrac()), s.outFrac());
    }
    if (op instanceof Op.ILayerNorm l) {
      Shape sh = g.type(n.input(0)).shape();
      int axis = l.axis() < 0 ? l.axis() + sh.rank() : l.axis();
      long len = 1;
      for (int a = axis; a < sh.rank(); a++) {
        len *= sh.size(a);
      }
      FixedType t = new IntLayerNorm(l.outFrac(), l.epsilon()).outputType(Math.toIntExact(len));
      return Bounds.ofType(t);
    }
    FixedType tx = g.type(n.input(0)).fixed();
    Bounds x = in(n, 0);
    if (op instanceof Op.IExp e) {
      IntExp exp = new IntExp(e.k());
      return map(x, (lo, hi) -> new BigInteger[] {
          BigInteger.valueOf(exp.apply(Math.min(lo.longValueExact(), 0), tx)),
          BigInteger.valueOf(exp.apply(Math.min(hi.longValueExact(), 0), tx))}, exp.scaleBits());
    }
    if (op instanceof Op.IGelu ge) {
      IntGelu gelu = new IntGelu(ge.k());
      BigInteger one = BigInteger.ONE.shiftLeft(ge.k());
      BigInteger hmax = BigInteger.valueOf(gelu.phi(-1, FixedType.signed(62, 62 - ge.k() - 4)));
      return map(x, (lo, hi) -> new BigInteger[] {lo.min(BigInteger.ZERO).multiply(hmax),
          hi.max(BigInteger.ZERO).multiply(one)}, x.frac() + ge.k());
    }
    return null;
  }

  private interface Pair {
    BigInteger[] apply(BigInteger lo, BigInteger hi);
  }

  private static Bounds map(Bounds x, Pair f, int frac) {
    BigInteger[] lo = new BigInteger[x.channels()];
    BigInteger[] hi = new BigInteger[x.channels()];
    for (int c = 0; c < lo.length; c++) {
      BigInteger[] r = f.apply(x.lo()[c], x.hi()[c]);
      lo[c] = r[0];
      hi[c] = r[1];
    }
    return new Bounds(lo, hi, frac);
  }

  /** {@code [lo, hi] * w} as an interval. */
  static BigInteger[] scale(BigInteger lo, BigInteger hi, BigInteger w) {
    BigInteger a = lo.multiply(w);
    BigInteger b = hi.multiply(w);
    return a.compareTo(b) <= 0 ? new BigInteger[] {a, b} : new BigInteger[] {b, a};
  }

  private Bounds dense(Node n) {
    Tensor w = g.constant(n.input(1));
    FixedType tw = (FixedType) w.type();
    Bounds x = in(n, 0);
    int inputs = (int) w.dim(0);
    int outputs = (int) w.dim(1);
    boolean perInput = x.perChannel() && x.channels() == inputs && g.type(n.input(0)).shape().rank() == 2;
    Tensor b = n.input(2) == null ? null : g.constant(n.input(2));
    int fp = x.frac() + tw.fractionBits();
    int f = b == null ? fp : Math.max(fp, ((FixedType) b.type()).fractionBits());
    long[] raw = w.raw();
    BigInteger[] lo = new BigInteger[outputs];
    BigInteger[] hi = new BigInteger[outputs];
    for (int j = 0; j < outputs; j++) {
      BigInteger l = BigInteger.ZERO;
      BigInteger h = BigInteger.ZERO;
      for (int i = 0; i < inputs; i++) {
        long v = raw[i * outputs + j];
        if (v == 0) {
          continue;
        }
        BigInteger[] p = scale(perInput ? x.lo(i) : x.lo(0), perInput ? x.hi(i) : x.hi(0), BigInteger.valueOf(v));
        l = l.add(p[0]);
        h = h.add(p[1]);
      }
      l = l.shiftLeft(f - fp);
      h = h.shiftLeft(f - fp);
      if (b != null) {
        BigInteger bj = BigInteger.valueOf(b.raw()[j]).shiftLeft(f - ((FixedType) b.type()).fractionBits());
        l = l.add(bj);
        h = h.add(bj);
      }
      lo[j] = l;
      hi[j] = h;
    }
    Bounds out = new Bounds(lo, hi, f);
    Op op = n.op();
    if (op instanceof Op.Dense d && d.accum() != null) {
      out = out.round(d.accum());
      if (!out.fits(d.accum())) {
        return null;
      }
    }
    return g.type(n.output()).shape().rank() == 2 ? out : out.union();
  }

  private Bounds conv(Node n, Op.Conv c) {
    Tensor w = g.constant(n.input(1));
    FixedType tw = (FixedType) w.type();
    Bounds x = in(n, 0);
    boolean padded = false;
    for (int i = 0; i < c.padsBegin().length; i++) {
      padded |= c.padsBegin()[i] != 0 || c.padsEnd()[i] != 0;
    }
    if (padded) {
      x = x.withZero();
    }
    int m = (int) w.dim(0);
    int cg = (int) w.dim(1);
    int taps = w.size() / (m * cg);
    int group = Math.max(1, c.group());
    int perGroup = m / group;
    int inChannels = channels(n.input(0));
    boolean perInput = x.perChannel() && x.channels() == inChannels;
    Tensor b = n.input(2) == null ? null : g.constant(n.input(2));
    int fp = x.frac() + tw.fractionBits();
    int f = b == null ? fp : Math.max(fp, ((FixedType) b.type()).fractionBits());
    long[] raw = w.raw();
    BigInteger[] lo = new BigInteger[m];
    BigInteger[] hi = new BigInteger[m];
    for (int o = 0; o < m; o++) {
      int gi = o / perGroup;
      BigInteger l = BigInteger.ZERO;
      BigInteger h = BigInteger.ZERO;
      for (int ci = 0; ci < cg; ci++) {
        int ch = gi * cg + ci;
        BigInteger xl = perInput ? x.lo(ch) : x.lo(0);
        BigInteger xh = perInput ? x.hi(ch) : x.hi(0);
        for (int k = 0; k < taps; k++) {
          long v = raw[(o * cg + ci) * taps + k];
          if (v != 0) {
            BigInteger[] p = scale(xl, xh, BigInteger.valueOf(v));
            l = l.add(p[0]);
            h = h.add(p[1]);
          }
        }
      }
      l = l.shiftLeft(f - fp);
      h = h.shiftLeft(f - fp);
      if (b != null) {
        BigInteger bj = BigInteger.valueOf(b.raw()[o]).shiftLeft(f - ((FixedType) b.type()).fractionBits());
        l = l.add(bj);
        h = h.add(bj);
      }
      lo[o] = l;
      hi[o] = h;
    }
    Bounds out = new Bounds(lo, hi, f);
    if (c.accum() != null) {
      out = out.round(c.accum());
      if (!out.fits(c.accum())) {
        return null;
      }
    }
    return out;
  }

  private Bounds batchNorm(Node n) {
    Tensor s = g.constant(n.input(1));
    Tensor t = g.constant(n.input(2));
    Tensor mean = g.constant(n.input(3));
    Tensor var = g.constant(n.input(4));
    for (int i = 0; i < mean.size(); i++) {
      if (mean.value(i) != 0 || var.value(i) != 1) {
        return null; // only the form ApplyPrecision writes: y = x s + t
      }
    }
    if (((Op.BatchNorm) n.op()).epsilon() != 0) {
      return null;
    }
    Bounds x = in(n, 0).expand(s.size());
    int fs = ((FixedType) s.type()).fractionBits();
    int ft = ((FixedType) t.type()).fractionBits();
    int fp = x.frac() + fs;
    int f = Math.max(fp, ft);
    BigInteger[] lo = new BigInteger[s.size()];
    BigInteger[] hi = new BigInteger[s.size()];
    for (int c = 0; c < lo.length; c++) {
      BigInteger[] p = scale(x.lo(c), x.hi(c), BigInteger.valueOf(s.raw()[c]));
      BigInteger tc = BigInteger.valueOf(t.raw()[c]).shiftLeft(f - ft);
      lo[c] = p[0].shiftLeft(f - fp).add(tc);
      hi[c] = p[1].shiftLeft(f - fp).add(tc);
    }
    return new Bounds(lo, hi, f);
  }

  private Bounds binary(Node n, Op.BinaryKind fn) {
    if (fn == Op.BinaryKind.DIV || fn == Op.BinaryKind.POW) {
      return null;
    }
    Bounds a = in(n, 0);
    Bounds b = in(n, 1);
    int ch = channels(n.output());
    boolean aKeeps = a.perChannel() && a.channels() == ch && channels(n.input(0)) == ch;
    boolean bKeeps = b.perChannel() && b.channels() == ch && !g.isConstant(n.input(1)) && channels(n.input(1)) == ch;
    if (!aKeeps) {
      a = a.union();
    }
    if (!bKeeps) {
      b = b.union();
    }
    int len = Math.max(a.channels(), b.channels());
    BigInteger[] lo = new BigInteger[len];
    BigInteger[] hi = new BigInteger[len];
    int f = fn == Op.BinaryKind.MUL ? a.frac() + b.frac() : Math.max(a.frac(), b.frac());
    if (fn != Op.BinaryKind.MUL) {
      a = a.align(f);
      b = b.align(f);
    }
    for (int c = 0; c < len; c++) {
      BigInteger al = a.lo(c);
      BigInteger ah = a.hi(c);
      BigInteger bl = b.lo(c);
      BigInteger bh = b.hi(c);
      if (fn == Op.BinaryKind.ADD) {
        lo[c] = al.add(bl);
        hi[c] = ah.add(bh);
      } else if (fn == Op.BinaryKind.SUB) {
        lo[c] = al.subtract(bh);
        hi[c] = ah.subtract(bl);
      } else {
        BigInteger[] p = {al.multiply(bl), al.multiply(bh), ah.multiply(bl), ah.multiply(bh)};
        BigInteger l = p[0];
        BigInteger h = p[0];
        for (BigInteger v : p) {
          l = l.min(v);
          h = h.max(v);
        }
        lo[c] = l;
        hi[c] = h;
      }
    }
    return new Bounds(lo, hi, f);
  }

  private interface TableFn {
    long[] entries(TableSpec spec);
  }

  /** The smallest and largest table entry that the input range can index, per channel. */
  private Bounds table(Node n, TableSpec spec, TableFn fn) {
    long[] e = fn.entries(spec);
    Bounds x = in(n, 0);
    return map(x, (lo, hi) -> {
      int a = Tables.index(spec, x.frac(), lo);
      int b = Tables.index(spec, x.frac(), hi);
      long l = Long.MAX_VALUE;
      long h = Long.MIN_VALUE;
      for (int i = a; i <= b; i++) {
        l = Math.min(l, e[i]);
        h = Math.max(h, e[i]);
      }
      return new BigInteger[] {BigInteger.valueOf(l), BigInteger.valueOf(h)};
    }, spec.type().fractionBits());
  }

  /**
   * y = e * inv with e an exp-table entry and inv a reciprocal-table entry. In the stable mode the row maximum gives
   * d = 0, whose entry is the last one, so the sum S is at least that entry and inv at most the reciprocal table's
   * largest entry from S's index on.
   */
  private Bounds softmax(Op.Softmax s) {
    if (s.mode() == SoftmaxMode.ARGMAX) {
      return Bounds.uniform(BigInteger.ZERO, BigInteger.ONE, 0);
    }
    if (s.expTable() == null || s.invTable() == null) {
      return null;
    }
    long[] e = Tables.exp(s.expTable());
    long[] r = Tables.reciprocal(s.invTable());
    BigInteger[] pe = minMax(e);
    int from = 0;
    if (s.mode() == null || s.mode() == SoftmaxMode.STABLE) {
      long last = e[e.length - 1];
      if (last > 0) {
        from = Tables.index(s.invTable(), s.expTable().type().fractionBits(), BigInteger.valueOf(last));
      }
    }
    BigInteger[] pr = minMax(java.util.Arrays.copyOfRange(r, from, r.length));
    BigInteger[] p = {pe[0].multiply(pr[0]), pe[0].multiply(pr[1]), pe[1].multiply(pr[0]), pe[1].multiply(pr[1])};
    BigInteger lo = p[0];
    BigInteger hi = p[0];
    for (BigInteger v : p) {
      lo = lo.min(v);
      hi = hi.max(v);
    }
    return Bounds.uniform(lo, hi, s.expTable().type().fractionBits() + s.invTable().type().fractionBits());
  }

  private static BigInteger[] minMax(long[] v) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (long x : v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    return new BigInteger[] {BigInteger.valueOf(lo), BigInteger.valueOf(hi)};
  }

  /** A reshape that moves channels into features ([N, C, ...] to [N, C*k]) keeps them, repeated; others union. */
  private Bounds reshape(Bounds x, Node n) {
    if (!x.perChannel()) {
      return x;
    }
    Shape si = g.type(n.input(0)).shape();
    Shape so = g.type(n.output()).shape();
    if (so.rank() < 2 || so.dim(1).isSymbolic() || !si.dropFirst().isStatic()) {
      return x.union();
    }
    long inner = si.elementsPerSample() / si.size(1);
    long outCh = so.size(1);
    if (outCh == si.size(1)) {
      return x;
    }
    if (outCh == si.size(1) * inner && outCh <= 1 << 20) {
      BigInteger[] lo = new BigInteger[(int) outCh];
      BigInteger[] hi = new BigInteger[(int) outCh];
      for (int i = 0; i < outCh; i++) {
        lo[i] = x.lo((int) (i / inner));
        hi[i] = x.hi((int) (i / inner));
      }
      return new Bounds(lo, hi, x.frac());
    }
    return x.union();
  }

  private Bounds concat(Node n, Op.Concat c) {
    List<String> ins = n.inputs();
    int f = 0;
    for (int i = 0; i < ins.size(); i++) {
      f = Math.max(f, in(n, i).frac());
    }
    if (c.axis() != 1) {
      BigInteger lo = null;
      BigInteger hi = null;
      for (int i = 0; i < ins.size(); i++) {
        Bounds b = in(n, i).align(Math.max(f, in(n, i).frac()));
        lo = lo == null ? b.min() : lo.min(b.min());
        hi = hi == null ? b.max() : hi.max(b.max());
      }
      return Bounds.uniform(lo, hi, f);
    }
    List<BigInteger> lo = new java.util.ArrayList<>();
    List<BigInteger> hi = new java.util.ArrayList<>();
    for (int i = 0; i < ins.size(); i++) {
      Bounds b = in(n, i).align(f).expand(channels(ins.get(i)));
      for (int k = 0; k < b.channels(); k++) {
        lo.add(b.lo(k));
        hi.add(b.hi(k));
      }
    }
    return new Bounds(lo.toArray(new BigInteger[0]), hi.toArray(new BigInteger[0]), f);
  }
}
