package dev.tessera.passes.quant.search;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.quant.ApplyPrecision;
import dev.tessera.passes.quant.calib.IntegerBits;
import dev.tessera.passes.quant.calib.Range;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The knobs of a prepared float graph and what is fixed about each: its sign, its integer bits where they do not
 * depend on the search (inputs; results in saturating mode), the values of constants, and the fraction bits of
 * tensors the model already quantizes exactly (QONNX quantizers, constants on a power-of-two grid), which the search
 * does not change.
 */
public final class SearchSpace {

  /**
   * What is known about one knob.
   *
   * @param knob the knob
   * @param saturating a result whose integer bits come from its calibrated range and which saturates (every result
   *     in saturating mode; in safe mode the inputs of tables that span their input type's range, which an
   *     interval bound would make uselessly coarse)
   * @param signed whether its type is signed (for safe-mode results: decided per plan)
   * @param integerBits fixed integer bits, or null when they follow from the fraction bits (constants, safe results)
   * @param values the float values of a constant (weights, biases, BatchNorm scale and shift), else null
   * @param range the calibrated range (inputs and results), else null
   * @param exactFraction fraction bits that keep an already-quantized tensor exact, or null
   * @param minFraction smallest fraction bits the search may reach
   * @param maxFraction the start (widest) fraction bits
   */
  public record KnobInfo(Knob knob, boolean saturating, boolean signed, Integer integerBits, double[] values,
      Range range, Integer exactFraction, int minFraction, int maxFraction) {

    /** Searched (not fixed by the model). */
    public boolean free() {
      return exactFraction == null && minFraction < maxFraction;
    }

    KnobInfo withFractions(int min, int max) {
      return new KnobInfo(knob, saturating, signed, integerBits, values, range, exactFraction, min, max);
    }
  }

  private final Graph graph;
  private final List<KnobInfo> knobs;
  private final Map<String, FixedType> quantizerTypes;

  private SearchSpace(Graph graph, List<KnobInfo> knobs, Map<String, FixedType> quantizerTypes) {
    this.graph = graph;
    this.knobs = List.copyOf(knobs);
    this.quantizerTypes = Collections.unmodifiableMap(quantizerTypes);
  }

  public Graph graph() {
    return graph;
  }

  public List<KnobInfo> knobs() {
    return knobs;
  }

  /** Result types the model's own quantizers fix (node name to type). */
  public Map<String, FixedType> quantizerTypes() {
    return quantizerTypes;
  }

  public int size() {
    return knobs.size();
  }

  public KnobInfo get(int i) {
    return knobs.get(i);
  }

  SearchSpace withKnobs(List<KnobInfo> k) {
    return new SearchSpace(graph, k, quantizerTypes);
  }

  /** Builds the knobs of {@code g} (the float graph as ApplyPrecision will see it) from a float profile. */
  public static SearchSpace of(Graph g, FloatProfile profile, SearchOptions opts) {
    Map<String, FixedType> quantizers = quantizerTypes(g);
    List<KnobInfo> knobs = new ArrayList<>();
    int w = opts.maxWidth();
    for (String in : g.inputs()) {
      Range r = profile.range(in);
      if (r == null) {
        throw new IllegalArgumentException("no calibration data for input '" + in + "'");
      }
      boolean signed = r.lo() < 0;
      int ib = IntegerBits.forRange(r, signed, opts.method().clips());
      Integer exact = inputGrid(profile, in, w - ib);
      int max = exact != null ? exact : w - ib;
      knobs.add(new KnobInfo(new Knob(Knob.Role.INPUT, in, in), true, signed, ib, null, r, null,
          Math.min(max, opts.minWidth() - ib), max));
    }
    for (Node n : g.nodes()) {
      if (quantizers.containsKey(n.name())) {
        continue;
      }
      Op op = n.op();
      if (hasResultKnob(op)) {
        Range r = profile.range(n.output());
        if (r == null) {
          r = new Range(0, 0);
        }
        boolean signed = r.lo() < 0;
        boolean sat = opts.overflow() == OverflowMode.SATURATE || (!opts.exact() && feedsRangeTable(g, n.output()));
        Integer ib = sat ? IntegerBits.forRange(r, signed, opts.method().clips()) : null;
        if (op instanceof Op.Clip c && Double.isFinite(c.min()) && Double.isFinite(c.max())) {
          // a Clip quantizes before it clamps: a saturating type that holds both bounds clamps exactly, where a
          // wrapping type would have to hold the whole input range
          sat = true;
          signed = c.min() < 0;
          ib = IntegerBits.forRange(new Range(c.min(), c.max()), signed, false);
        }
        int guess = ib != null ? ib : IntegerBits.forRange(r, signed, false);
        knobs.add(new KnobInfo(new Knob(Knob.Role.RESULT, n.name(), n.output()), sat, signed, ib, null, r, null,
            opts.minWidth() - guess, w - guess));
      }
      for (Map.Entry<Knob.Role, double[]> e : constantRoles(g, n).entrySet()) {
        double[] v = e.getValue();
        boolean signed = false;
        double lo = 0;
        double hi = 0;
        for (double x : v) {
          signed |= x < 0;
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
        int ib = IntegerBits.forRange(new Range(lo, hi), signed, false);
        int grid = Grid.fractionBits(v);
        Integer exact = null;
        if (grid != Integer.MIN_VALUE && Grid.integerBits(v, grid, signed) + grid <= w) {
          exact = grid;
        } else if (grid == Integer.MIN_VALUE) {
          exact = 0;
        }
        String tensor = e.getKey() == Knob.Role.WEIGHT ? weightTensor(n, g) : biasTensor(n, g);
        int max = exact != null ? exact : w - ib;
        knobs.add(new KnobInfo(new Knob(e.getKey(), n.name(), tensor), false, signed, null, v, null, exact,
            exact != null ? exact : opts.minWidth() - ib, max));
      }
    }
    return new SearchSpace(g, knobs, quantizers);
  }

  /**
   * Whether a tensor (through ops that only move values) feeds a Softmax or Exp, whose tables span the range of
   * their input type: a proven, wide input type would make the table too coarse.
   */
  static boolean feedsRangeTable(Graph g, String tensor) {
    for (Node c : g.consumers(tensor)) {
      if (c.op() instanceof Op.Softmax || c.op() instanceof Op.Exp) {
        return true;
      }
      if (!hasResultKnob(c.op()) && feedsRangeTable(g, c.output())) {
        return true;
      }
    }
    return false;
  }

  /** Ops whose result type the search sets; the others (moves of values) keep their input's type. */
  static boolean hasResultKnob(Op op) {
    return !(op instanceof Op.Reshape || op instanceof Op.Transpose || op instanceof Op.Slice || op instanceof Op.Pad
        || op instanceof Op.Gather || op instanceof Op.Identity || op instanceof Op.MaxPool
        || op instanceof Op.GlobalMaxPool);
  }

  /**
   * The nodes that ApplyPrecision turns into exact fixed-point types by themselves (QONNX Quant with a power-of-two
   * scale), found by applying a throw-away precision: a Quant that became an Identity.
   */
  static Map<String, FixedType> quantizerTypes(Graph g) {
    boolean any = false;
    for (Node n : g.nodes()) {
      any |= n.op() instanceof Op.Quant;
    }
    Map<String, FixedType> out = new LinkedHashMap<>();
    if (!any) {
      return out;
    }
    Graph q = new ApplyPrecision(PrecisionConfig.uniform(PrecisionConfig.HLS4ML_DEFAULT)).run(g, PassContext.create());
    for (Node n : g.nodes()) {
      if (n.op() instanceof Op.Quant) {
        Node m = q.node(n.name());
        if (m != null && m.op() instanceof Op.Identity) {
          out.put(n.name(), q.type(m.output()).fixed());
        }
      }
    }
    return out;
  }

  /** The constant operands of a node by config role, with the values ApplyPrecision quantizes. */
  static Map<Knob.Role, double[]> constantRoles(Graph g, Node n) {
    Map<Knob.Role, double[]> m = new LinkedHashMap<>();
    Op op = n.op();
    if (op instanceof Op.BatchNorm bn) {
      if (!allConstant(g, n, 1, 4)) {
        return m;
      }
      double[] gamma = g.constant(n.input(1)).values();
      double[] beta = g.constant(n.input(2)).values();
      double[] mean = g.constant(n.input(3)).values();
      double[] var = g.constant(n.input(4)).values();
      double[] s = new double[gamma.length];
      double[] t = new double[gamma.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = gamma[i] / Math.sqrt(var[i] + bn.epsilon());
        t[i] = beta[i] - mean[i] * s[i];
      }
      m.put(Knob.Role.WEIGHT, s);
      m.put(Knob.Role.BIAS, t);
      return m;
    }
    for (int i = 0; i < n.inputs().size(); i++) {
      String x = n.input(i);
      if (x == null || !g.isConstant(x)) {
        continue;
      }
      boolean bias = (i == 2 && (op instanceof Op.Dense || op instanceof Op.Conv)) || (op instanceof Op.Binary b
          && (b.fn() == Op.BinaryKind.ADD || b.fn() == Op.BinaryKind.SUB));
      Knob.Role role = bias ? Knob.Role.BIAS : Knob.Role.WEIGHT;
      Tensor c = g.constant(x);
      double[] v = c.values();
      double[] have = m.get(role);
      if (have != null) {
        double[] both = new double[have.length + v.length];
        System.arraycopy(have, 0, both, 0, have.length);
        System.arraycopy(v, 0, both, have.length, v.length);
        v = both;
      }
      m.put(role, v);
    }
    return m;
  }

  private static boolean allConstant(Graph g, Node n, int from, int to) {
    for (int i = from; i <= to; i++) {
      if (n.input(i) == null || !g.isConstant(n.input(i))) {
        return false;
      }
    }
    return true;
  }

  private static String weightTensor(Node n, Graph g) {
    for (int i = 0; i < n.inputs().size(); i++) {
      String x = n.input(i);
      boolean bias = i == 2 && (n.op() instanceof Op.Dense || n.op() instanceof Op.Conv);
      if (x != null && g.isConstant(x) && !bias) {
        return x;
      }
    }
    return n.input(1) != null ? n.input(1) : n.name();
  }

  private static String biasTensor(Node n, Graph g) {
    if (n.op() instanceof Op.BatchNorm) {
      return n.input(2);
    }
    for (int i = n.inputs().size() - 1; i >= 0; i--) {
      String x = n.input(i);
      if (x != null && g.isConstant(x)) {
        return x;
      }
    }
    return n.name();
  }

  /** The fraction bits of the input samples' grid when it is at most {@code max} (e.g. pixels / 16). */
  private static Integer inputGrid(FloatProfile p, String input, int max) {
    return p.inputGrid().getOrDefault(input, Integer.MAX_VALUE) <= max ? p.inputGrid().get(input) : null;
  }
}
