package dev.tessera.passes.estimate;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.op.Op;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Estimates the FPGA resources (LUT, FF, DSP, BRAM) and latency of a quantized graph, node by node, for an HLS
 * latency-strategy design or a shift-add RTL design. It is a model, not synthesis: docs/estimation.md gives the
 * formulas and their constants. The cost follows the precision of every tensor (weight, input, accumulator and
 * output widths) and the weights themselves (zero weights and removed units cost nothing; powers of two need no
 * multiplier), so precision search and pruning can use it as their objective. Read-only.
 */
public final class ResourceEstimator {

  private ResourceEstimator() {}

  /** Per-node rows, totals and the critical-path latency of {@code g} under {@code opts}. */
  public static Estimate estimate(Graph g, EstimateOptions opts) {
    Primitives p = new Primitives(opts);
    Operands o = new Operands(g, opts.assumeType());
    OpCost ops = new OpCost(p, o);
    List<NodeEstimate> rows = new ArrayList<>();
    Map<String, Long> arrival = new HashMap<>();
    long interval = 1;
    double lut = 0;
    double ff = 0;
    long dsp = 0;
    long bram = 0;
    long mults = 0;
    long adders = 0;
    long latency = 0;
    for (Node n : g.nodes()) {
      LinearCost.Result r = cost(n, o, p, ops);
      Cost c = r.cost();
      long rowLut = Math.round(Math.ceil(c.lut()));
      long rowFf = Math.round(Math.ceil(c.ff()));
      rows.add(new NodeEstimate(n.name(), n.source(), rowLut, rowFf, c.dsp(), c.bram18(), r.latency(),
          c.multipliers(), c.adders(), rowLut + (long) opts.lutsPerDsp() * c.dsp()));
      lut += rowLut;
      ff += rowFf;
      dsp += c.dsp();
      bram += c.bram18();
      mults += c.multipliers();
      adders += c.adders();
      interval = Math.max(interval, r.interval());
      long start = 0;
      for (String in : n.inputs()) {
        start = Math.max(start, arrival.getOrDefault(in, 0L));
      }
      for (String out : n.outputs()) {
        arrival.put(out, start + r.latency());
      }
    }
    for (String out : g.outputs()) {
      latency = Math.max(latency, arrival.getOrDefault(out, 0L));
    }
    NodeEstimate total = new NodeEstimate("total", "", (long) lut, (long) ff, dsp, bram, latency, mults, adders,
        (long) lut + (long) opts.lutsPerDsp() * dsp);
    return new Estimate(opts.target(), rows, total, interval);
  }

  private static LinearCost.Result cost(Node n, Operands o, Primitives p, OpCost ops) {
    int reuse = p.options().reuseFor(n.name(), o.graph().metadata());
    Op op = n.op();
    if (op instanceof Op.Dense d) {
      return LinearCost.of(dense(n, o, d.accum(), n.input(1), false), p, reuse);
    }
    if (op instanceof Op.MatMul && o.isConstant(n.input(1)) && o.graph().type(n.input(1)).shape().rank() == 2) {
      return LinearCost.of(dense(n, o, null, n.input(1), true), p, reuse);
    }
    if (op instanceof Op.Conv c) {
      return LinearCost.of(conv(n, o, c), p, reuse);
    }
    if (op instanceof Op.BatchNorm bn) {
      return LinearCost.of(batchNorm(n, o, bn), p, reuse);
    }
    if (op instanceof Op.MatMul) {
      return matMul(n, o, p);
    }
    return ops.of(n);
  }

  private static LinearLayer dense(Node n, Operands o, FixedType accum, String weight, boolean noBias) {
    String x = n.input(0);
    FixedType tx = o.type(n, x);
    FixedType tw = o.type(n, weight);
    long[] ws = o.graph().type(weight).shape().sizes(1);
    int in = Math.toIntExact(ws[0]);
    int out = Math.toIntExact(ws[1]);
    long[] w = o.raw(n, weight);
    long[][] perUnit = new long[out][in];
    for (int i = 0; i < in; i++) {
      for (int j = 0; j < out; j++) {
        perUnit[j][i] = w[i * out + j];
      }
    }
    boolean[] bias = biasFlags(n, o, noBias ? null : n.input(2), out);
    long positions = Math.max(1, o.elements(x) / in);
    FixedType ty = o.type(n, n.output());
    return new LinearLayer(perUnit, bias, tx.width(), tw.width(), accumulator(accum, tx, tw, in), ty, positions,
        rtl(n, o, tx, tw, noBias ? null : n.input(2), out, ty));
  }

  private static LinearLayer conv(Node n, Operands o, Op.Conv c) {
    String weight = n.input(1);
    long[] ws = o.graph().type(weight).shape().sizes(1);
    int units = Math.toIntExact(ws[0]);
    long[] w = o.raw(n, weight);
    int fan = w.length / Math.max(units, 1);
    long[][] perUnit = new long[units][fan];
    for (int m = 0; m < units; m++) {
      System.arraycopy(w, m * fan, perUnit[m], 0, fan);
    }
    FixedType tx = o.type(n, n.input(0));
    FixedType tw = o.type(n, weight);
    FixedType ty = o.type(n, n.output());
    return new LinearLayer(perUnit, biasFlags(n, o, n.input(2), units), tx.width(), tw.width(),
        accumulator(c.accum(), tx, tw, fan), ty, o.positions(n.output()),
        c.group() == 1 ? rtl(n, o, tx, tw, n.input(2), units, ty) : null);
  }

  /** An unfolded BatchNorm: per channel one constant multiplication by {@code γ/√(σ²+ε)} and a bias. */
  private static LinearLayer batchNorm(Node n, Operands o, Op.BatchNorm bn) {
    double[] gamma = o.graph().constant(n.input(1)).values();
    double[] beta = o.graph().constant(n.input(2)).values();
    double[] mean = o.graph().constant(n.input(3)).values();
    double[] var = o.graph().constant(n.input(4)).values();
    FixedType tx = o.type(n, n.input(0));
    FixedType tw = o.type(n, n.input(1));
    int ch = gamma.length;
    long perChannel = Math.max(1, o.parallel(n.output()) / ch);
    long[][] w = new long[Math.toIntExact(ch * perChannel)][1];
    boolean[] bias = new boolean[w.length];
    for (int c = 0; c < ch; c++) {
      double s = gamma[c] / Math.sqrt(var[c] + bn.epsilon());
      long raw = tw.fromDouble(s).longValue();
      for (int k = 0; k < perChannel; k++) {
        w[(int) (c * perChannel + k)][0] = raw;
        bias[(int) (c * perChannel + k)] = beta[c] - mean[c] * s != 0;
      }
    }
    return new LinearLayer(w, bias, tx.width(), tw.width(), accumulator(null, tx, tw, 1), o.type(n, n.output()),
        o.positions(n.output()), null);
  }

  /** MatMul of two variables: {@code m·k·n} multipliers and {@code m·n·(k-1)} adders per sample. */
  private static LinearCost.Result matMul(Node n, Operands o, Primitives p) {
    String a = n.input(0);
    String b = n.input(1);
    long[] as = o.graph().type(a).shape().sizes(1);
    long k = as[as.length - 1];
    long outputs = o.elements(n.output());
    int wa = o.width(n, a);
    int wb = o.width(n, b);
    int wacc = wa + wb + Primitives.ceilLog2(k);
    Cost c = p.multiplier(wa, wb).times(outputs * k).plus(p.adders(outputs * (k - 1), wacc));
    Cost mult = p.multiplier(wa, wb);
    long multCycles = mult.dsp() > 0 ? p.options().dspLatency() : 1;
    int reuse = p.options().reuseFor(n.name(), o.graph().metadata());
    long latency = multCycles + p.stages(Primitives.ceilLog2(k)) + reuse - 1;
    return new LinearCost.Result(c.reused(reuse).plus(Cost.ffs((double) outputs * o.width(n, n.output()))),
        latency, reuse);
  }

  /**
   * The backend's view of a Dense or Conv (backends/verilog LinearLayer): the exact sum has the larger of the
   * products' and the bias's fraction bits, weights and bias are shifted to it, the rounding constant of the output
   * type is folded into the offsets; the inputs span their type's raw range, from 0 when a Relu makes them.
   */
  private static LinearLayer.Rtl rtl(Node n, Operands o, FixedType tx, FixedType tw, String bias, int units,
      FixedType ty) {
    FixedType tb = bias == null ? null : o.type(n, bias);
    int fp = tx.fractionBits() + tw.fractionBits();
    int fs = tb == null ? fp : Math.max(fp, tb.fractionBits());
    BigInteger fold = ShiftAddCost.foldable(fs, ty);
    BigInteger[] off = new BigInteger[units];
    long[] raw = bias == null ? null : o.raw(n, bias);
    for (int j = 0; j < units; j++) {
      off[j] = raw == null ? fold : BigInteger.valueOf(raw[j]).shiftLeft(fs - tb.fractionBits()).add(fold);
    }
    if (tx.width() > 62) {
      return null;
    }
    Node producer = o.graph().producer(n.input(0));
    boolean relu = producer != null && producer.op() instanceof Op.Relu;
    long lo = relu ? 0 : tx.minRaw().longValueExact();
    return new LinearLayer.Rtl(off, fs - fp, lo, tx.maxRaw().longValueExact());
  }

  private static boolean[] biasFlags(Node n, Operands o, String bias, int units) {
    boolean[] flags = new boolean[units];
    if (bias == null) {
      return flags;
    }
    long[] raw = o.raw(n, bias);
    if (raw.length != units) {
      throw new NodeException(n.name(), n.source(), "bias has " + raw.length + " values for " + units + " units");
    }
    for (int j = 0; j < units; j++) {
      flags[j] = raw[j] != 0;
    }
    return flags;
  }

  /**
   * The accumulator: the op's own type, else the exact default of docs/fixed-point.md: product width plus
   * {@code ceil(log2(fanIn + 1))} growth bits.
   */
  static FixedType accumulator(FixedType accum, FixedType tx, FixedType tw, int fanIn) {
    if (accum != null) {
      return accum;
    }
    int growth = Primitives.ceilLog2(fanIn + 1L);
    return FixedType.signed(tx.width() + tw.width() + growth, tx.integerBits() + tw.integerBits() + growth);
  }
}
