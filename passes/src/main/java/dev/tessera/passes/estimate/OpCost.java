package dev.tessera.passes.estimate;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Node;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.intops.IntLayerNorm;
import dev.tessera.ir.intops.IntSqrt;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.ir.op.TableSpec;

/** The cost of every op other than the linear layers, from the {@link Primitives} of the target. */
final class OpCost {

  /** Default table when a float graph is estimated: 1024 entries of 18 bits, as in docs/fixed-point.md. */
  private static final int DEFAULT_TABLE_SIZE = 1024;
  private static final int DEFAULT_TABLE_WIDTH = 18;
  /** Register stages of the Verilog backend's i-exp (4 for the kernel, the product by A, Q_Ty) and i-GELU. */
  private static final int RTL_IEXP_LATENCY = 6;
  private static final int RTL_IGELU_LATENCY = 5;
  /** Adder levels between registers in the Verilog backend's integer-op row sums. */
  private static final int RTL_SUM_LEVELS = 3;

  private final Primitives p;
  private final Operands o;

  OpCost(Primitives p, Operands o) {
    this.p = p;
    this.o = o;
  }

  /** Resources, latency and initiation interval of a node. */
  LinearCost.Result of(Node n) {
    Op op = n.op();
    String x = n.input(0);
    String y = n.output();
    if (op instanceof Op.Reshape || op instanceof Op.Transpose || op instanceof Op.Slice || op instanceof Op.Pad
        || op instanceof Op.Gather || op instanceof Op.Identity || op instanceof Op.Cast || op instanceof Op.Concat) {
      Cost c = Cost.ZERO;
      for (String in : n.inputs()) {
        if (!in.isEmpty() && !o.isConstant(in)) {
          c = c.plus(p.requantize(o.type(n, in), o.type(n, y)).times(o.elements(in)));
        }
      }
      return new LinearCost.Result(c, 0, 1);
    }
    FixedType ty = o.type(n, y);
    long par = o.parallel(y);
    long pos = o.positions(y);
    if (op instanceof Op.Relu) {
      Cost c = p.relu(ty.width()).plus(p.requantize(o.type(n, x), ty));
      if (!p.hls()) {
        // the Verilog backend's Relu is combinational (its inputs come from a register)
        return new LinearCost.Result(c.times(par * pos), 0, 1);
      }
      return elementwise(c, par, pos);
    }
    if (op instanceof Op.LeakyRelu l) {
      int wx = o.width(n, x);
      Cost c = p.constantMultiply(o.param(l.alpha(), l.param()), wx, widthOr(l.param()))
          .plus(Cost.luts(Math.ceil(ty.width() / 2.0)));
      return elementwise(c, par, pos);
    }
    if (op instanceof Op.Clip) {
      int w = o.width(n, x);
      return elementwise(Cost.luts(2.0 * w + ty.width()), par, pos);
    }
    if (op instanceof Op.HardSigmoid h) {
      int wx = o.width(n, x);
      Cost c = p.constantMultiply(o.param(h.alpha(), h.param()), wx, widthOr(h.param()))
          .plus(p.adders(1, wx + widthOr(h.param()))).plus(Cost.luts(3.0 * ty.width()));
      return elementwise(c, par, pos);
    }
    if (op instanceof Op.Sigmoid s) {
      return elementwise(table(s.table(), 1), par, pos);
    }
    if (op instanceof Op.Tanh t) {
      return elementwise(table(t.table(), 1), par, pos);
    }
    if (op instanceof Op.Exp e) {
      return elementwise(table(e.table(), 1), par, pos);
    }
    if (op instanceof Op.Elu e) {
      return elementwise(table(e.table(), 1).plus(Cost.luts(Math.ceil(ty.width() / 2.0))), par, pos);
    }
    if (op instanceof Op.Selu s) {
      int wx = o.width(n, x);
      Cost c = table(s.table(), 1).plus(p.constantMultiply(o.param(s.gamma(), s.param()), wx, widthOr(s.param())))
          .plus(Cost.luts(Math.ceil(ty.width() / 2.0)));
      return elementwise(c, par, pos);
    }
    if (op instanceof Op.Binary b) {
      return binary(n, b.fn(), ty, par, pos);
    }
    if (op instanceof Op.Softmax s) {
      return softmax(n, s, ty);
    }
    if (op instanceof Op.IExp || op instanceof Op.ISoftmax || op instanceof Op.IGelu || op instanceof Op.ILayerNorm) {
      return integerOp(n, op, ty, par, pos);
    }
    if (op instanceof Op.MaxPool mp) {
      long k = product(mp.kernel());
      Cost c = p.max2(o.width(n, x)).times(k - 1);
      return streamed(c.times(par), Primitives.ceilLog2(k), pos);
    }
    if (op instanceof Op.AveragePool ap) {
      return average(n, product(ap.kernel()), par, pos);
    }
    if (op instanceof Op.GlobalMaxPool) {
      long k = o.positions(x);
      return accumulate(p.max2(o.width(n, x)).times(par), k);
    }
    if (op instanceof Op.GlobalAveragePool) {
      long k = o.positions(x);
      int wa = o.width(n, x) + Primitives.ceilLog2(k);
      Cost c = p.adders(1, wa).plus(Cost.ffs(wa)).plus(reciprocal(k, wa)).times(par);
      return accumulate(c, k);
    }
    if (op instanceof Op.ReduceMean) {
      long count = Math.max(1, o.elements(x) / Math.max(1, o.elements(y)));
      return average(n, count, o.elements(y), 1);
    }
    throw new UnsupportedOpException(n.name(), n.source(), "no hardware cost model for " + op.kind()
        + " (no fixed-point semantics; a pass must lower it first)");
  }

  private LinearCost.Result elementwise(Cost perElement, long par, long pos) {
    return streamed(perElement.times(par), 1, pos);
  }

  /** One instance for a position, {@code depth} adder levels, reused over {@code pos} positions. */
  private LinearCost.Result streamed(Cost perPosition, int depth, long pos) {
    return new LinearCost.Result(perPosition, Math.max(1, p.stages(depth)) + pos - 1, pos);
  }

  /** An accumulator per channel visited once per position. */
  private LinearCost.Result accumulate(Cost perChannels, long positions) {
    return new LinearCost.Result(perChannels, positions + 1, positions);
  }

  private LinearCost.Result average(Node n, long k, long outputs, long pos) {
    int w = o.width(n, n.input(0));
    int wa = w + Primitives.ceilLog2(k);
    Cost sum = Cost.ZERO;
    int live = (int) Math.min(k, Integer.MAX_VALUE);
    int levels = Primitives.ceilLog2(k);
    for (int l = 1; l <= levels; l++) {
      sum = sum.plus(p.adders(live / 2, Math.min(wa, w + l)));
      live = (live + 1) / 2;
    }
    Cost c = sum.plus(reciprocal(k, wa)).times(outputs);
    return streamed(c, levels + 1, pos);
  }

  /** Multiplication by {@code 1/k} as a ufixed<18,1> constant (free for powers of two). */
  private Cost reciprocal(long k, int wa) {
    if (Long.bitCount(k) == 1) {
      return Cost.ZERO;
    }
    FixedType r = FixedType.unsigned(18, 1);
    return p.constantMultiply(r.fromDouble(1.0 / k).longValue(), wa, 18);
  }

  private LinearCost.Result binary(Node n, Op.BinaryKind kind, FixedType ty, long par, long pos) {
    String a = n.input(0);
    String b = n.input(1);
    if (kind == Op.BinaryKind.ADD || kind == Op.BinaryKind.SUB) {
      int w = Math.max(o.width(n, a), o.width(n, b)) + 1;
      return elementwise(p.adders(1, w), par, pos);
    }
    if (kind == Op.BinaryKind.MUL) {
      if (o.isConstant(a) || o.isConstant(b)) {
        String c = o.isConstant(a) ? a : b;
        String v = c.equals(a) ? b : a;
        long[] raw = o.raw(n, c);
        Cost sum = Cost.ZERO;
        for (long r : raw) {
          sum = sum.plus(p.constantMultiply(r, o.width(n, v), o.width(n, c)));
        }
        long copies = Math.max(1, par * pos / raw.length);
        return new LinearCost.Result(sum.times(copies), 1, 1);
      }
      return elementwise(p.multiplier(o.width(n, a), o.width(n, b)), par, pos);
    }
    throw new UnsupportedOpException(n.name(), n.source(), "no hardware cost model for " + kind.opName()
        + " (no fixed-point semantics; a pass must lower it first)");
  }

  private LinearCost.Result softmax(Node n, Op.Softmax s, FixedType ty) {
    String x = n.input(0);
    long[] shape = o.graph().type(x).shape().sizes(1);
    long len = shape[s.axis()];
    long rows = Math.max(1, o.elements(x) / len);
    int wx = o.width(n, x);
    int levels = Primitives.ceilLog2(len);
    if (s.mode() == SoftmaxMode.ARGMAX) {
      Cost c = p.max2(wx).times(len - 1).plus(Cost.luts((double) len * wx)).times(rows);
      return new LinearCost.Result(c, Math.max(1, p.stages(levels + 1)), 1);
    }
    int wt = s.expTable() != null ? s.expTable().type().width() : DEFAULT_TABLE_WIDTH;
    Cost c = p.hls() ? table(s.expTable(), len) : rtlExpTable(s.expTable(), len, wx);
    int depth = 0;
    if (s.mode() == SoftmaxMode.STABLE) {
      c = c.plus(p.max2(wx).times(len - 1)).plus(p.adders(len, wx + 1));
      depth += levels + 1;
    }
    int wsum = wt + levels;
    c = c.plus(p.adders(len - 1, wsum)).plus(p.hls() ? table(s.invTable(), 1) : rtlInvTable(s.invTable()));
    if (!p.hls()) {
      // register stages of the backend's pipeline: the inputs past the maximum, the exp values, the sum's operands
      c = c.plus(Cost.ffs((double) len * (wx + 2 * wt)));
    }
    Cost mult = p.multiplier(wt, s.invTable() != null ? s.invTable().type().width() : DEFAULT_TABLE_WIDTH);
    c = c.plus(mult.times(len)).plus(Cost.ffs((double) len * ty.width()));
    depth += levels;
    long multCycles = mult.dsp() > 0 ? p.options().dspLatency() : 1;
    long latency = p.stages(depth) + 2 + multCycles;
    return new LinearCost.Result(c.times(rows), latency, 1);
  }

  /**
   * The I-BERT integer-only ops (docs/integer-ops.md), from the widths of their kernel steps at {@code k} working
   * fraction bits: i-exp = a multiplier by the constant 1/ln2 for the division, a squarer of k+1 bits, a barrel
   * shift of 2k+2 bits over 2k+2 positions and the product by A; i-GELU = a squarer of k+2 bits, the product by Ha
   * and the input times Phi; i-softmax = i-exp without A per element, the row sum, one divider per row
   * (Fo+3 quotient bits, one subtractor of the sum's width each) and a multiplier and rounding adder per element;
   * LayerNorm = two multipliers per element for the sums, the integer square root as (Tb+1) restoring steps of
   * 2Tb-bit subtractors per row, one divider per row and a multiplier per element. A model for ranking, like the
   * rest of the estimator. On the RTL target every element has its own pipeline (II = 1) and the latency is the
   * Verilog backend's exactly: i-exp 6, i-GELU 5, i-softmax {@code Fo + 12 + t}, LayerNorm
   * {@link #rtlLayerNormLatency}, with t the register stages of a row sum ({@link #sumStages}).
   */
  private LinearCost.Result integerOp(Node n, Op op, FixedType ty, long par, long pos) {
    int wx = o.width(n, n.input(0));
    if (op instanceof Op.IExp e) {
      int k = e.k();
      Cost c = p.multiplier(wx, k + 2).plus(p.multiplier(k + 1, k + 1))
          .plus(Cost.luts((double) (2 * k + 2) * Primitives.ceilLog2(2L * k + 2)))
          .plus(p.multiplier(k + 1, 2 * k + 2)).plus(p.adders(3, 2 * k + 2));
      if (!p.hls()) {
        return new LinearCost.Result(c.times(par * pos), RTL_IEXP_LATENCY, 1);
      }
      return streamed(c.times(par), 4, pos);
    }
    if (op instanceof Op.IGelu g) {
      int k = g.k();
      Cost c = p.multiplier(k + 2, k + 2).plus(p.multiplier(k + 2, 2 * k + 3)).plus(p.multiplier(wx, k + 1))
          .plus(p.adders(3, Math.max(wx, k + 2)));
      if (!p.hls()) {
        return new LinearCost.Result(c.times(par * pos), RTL_IGELU_LATENCY, 1);
      }
      return streamed(c.times(par), 4, pos);
    }
    long[] shape = o.graph().type(n.input(0)).shape().sizes(1);
    if (op instanceof Op.ISoftmax s) {
      int k = s.k();
      long len = shape[shape.length - 1];
      long rows = Math.max(1, o.elements(n.input(0)) / Math.max(1, len));
      int levels = Primitives.ceilLog2(len);
      int we = 2 * k + 2;
      Cost perElement = p.multiplier(wx, k + 2).plus(p.multiplier(k + 1, k + 1))
          .plus(Cost.luts((double) we * Primitives.ceilLog2(we))).plus(p.adders(2, wx + 1))
          .plus(p.multiplier(we, s.outFrac() + 4)).plus(p.adders(1, we + s.outFrac() + 4));
      Cost perRow = p.max2(wx).times(len - 1).plus(p.adders(len - 1, we + levels))
          .plus(p.adders(s.outFrac() + 3, we + levels + 1));
      Cost c = perElement.times(len).plus(perRow).plus(Cost.ffs((double) len * ty.width())).times(rows);
      long latency = p.hls() ? p.stages(2 * levels + 4) + s.outFrac() + 3 : s.outFrac() + 12L + sumStages(len);
      return new LinearCost.Result(c, latency, 1);
    }
    Op.ILayerNorm l = (Op.ILayerNorm) op;
    int axis = l.axis() < 0 ? l.axis() + shape.length : l.axis();
    long len = 1;
    for (int a = axis; a < shape.length; a++) {
      len *= shape[a];
    }
    long rows = Math.max(1, o.elements(n.input(0)) / Math.max(1, len));
    int levels = Primitives.ceilLog2(len);
    int tb = l.outFrac() + (levels + 1) / 2 + 3;
    Cost perElement = p.multiplier(wx, wx).plus(p.adders(2, 2 * wx + 2 * levels))
        .plus(p.multiplier(wx + levels + 1, tb + 2)).plus(p.adders(1, wx + levels + tb + 3));
    Cost perRow = p.adders((long) tb + 1, 2 * tb).plus(p.adders((long) tb + 2, 2 * tb + 1))
        .plus(p.multiplier(wx + levels, wx + levels));
    Cost c = perElement.times(len).plus(perRow).plus(Cost.ffs((double) len * ty.width())).times(rows);
    long latency = p.hls() ? p.stages(2 * levels + 4) + 2L * tb + 3 : rtlLayerNormLatency(len, l.outFrac());
    return new LinearCost.Result(c, latency, 1);
  }

  /**
   * Register stages of the Verilog backend's row sums over {@code n} terms (IntegerLayers.SUM_LEVELS,
   * LayerNormLayer.TREE_LEVELS): a register every 3 adder levels, at least one.
   */
  private static int sumStages(long n) {
    return Math.max(1, (Primitives.ceilLog2(n) + RTL_SUM_LEVELS - 1) / RTL_SUM_LEVELS);
  }

  /**
   * The Verilog backend's layer-normalization latency (LayerNormLayer.latency) for rows of {@code n} values and
   * {@code fo} output fraction bits: {@code 1 + t + 2 + 2 + 1 + (s - 1)(Tb + 2) + (Tb + 2) + 3} with
   * t = {@link #sumStages}, {@code Tb = Fo + IntLayerNorm.magnitudeBits(n) + 3} and
   * {@code s = IntSqrt.maxIterations(2 Tb) - 1} Newton updates.
   */
  private static long rtlLayerNormLatency(long n, int fo) {
    int tb = fo + IntLayerNorm.magnitudeBits(Math.toIntExact(n)) + 3;
    int steps = IntSqrt.maxIterations(2 * tb) - 1;
    return 1L + sumStages(n) + 2 + 2 + 1 + (long) (steps - 1) * (tb + 2) + (tb + 2) + 3;
  }

  /** {@code lookups} reads of a table (the default table of docs/fixed-point.md when none is set yet). */
  private Cost table(TableSpec t, long lookups) {
    TableSpec spec = t != null ? t : new TableSpec(DEFAULT_TABLE_SIZE, -8, 4,
        FixedType.signed(DEFAULT_TABLE_WIDTH, 8));
    return p.table(spec, lookups, spec.type().width());
  }

  /**
   * The exp tables of the RTL softmax: LUT ROMs of which only the {@code 2^wx} entries that {@code x - max} can
   * index are read, so Yosys keeps at most those (jet tagger at 8 bits: 450 LUTs for the whole softmax).
   */
  private Cost rtlExpTable(TableSpec t, long lookups, int wx) {
    int size = t != null ? t.size() : DEFAULT_TABLE_SIZE;
    int wt = t != null ? t.type().width() : DEFAULT_TABLE_WIDTH;
    long reachable = wx >= 30 ? size : Math.min(size, 1L << wx);
    return Cost.luts((double) lookups * wt * Math.ceil(reachable / 64.0));
  }

  /** The reciprocal table of the RTL softmax: Yosys infers one 18 Kb block ROM when it has bramMinBits or more. */
  private Cost rtlInvTable(TableSpec t) {
    int size = t != null ? t.size() : DEFAULT_TABLE_SIZE;
    int wt = t != null ? t.type().width() : DEFAULT_TABLE_WIDTH;
    long bits = (long) size * wt;
    if (bits >= p.options().bramMinBits()) {
      return new Cost(0, 0, 0, (long) Math.ceil(bits / 18432.0), 0, 0);
    }
    return table(t, 1);
  }

  private static int widthOr(FixedType t) {
    return t != null ? t.width() : 18;
  }

  private static long product(long[] a) {
    long n = 1;
    for (long v : a) {
      n *= v;
    }
    return n;
  }
}
