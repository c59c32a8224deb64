package dev.tessera.passes.quant.search;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.interp.FixedConstants;
import dev.tessera.ir.op.Op;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fraction bits at which every node result holds its exact value, for already-quantized models: graph inputs
 * at the grid of their samples, constants at their own grid (or the maximum width when they are on none), results
 * propagated by the op's exact arithmetic (a product adds fraction bits, a sum takes the larger, ops that move
 * values keep them, a table gives its entry type, a quantizer its type). A table op read only by a quantizer gets
 * that quantizer's type as its entry type, so its value is rounded once, as in the model. Combined with proven
 * integer bits, the quantized graph computes the model's own arithmetic without a rounding or overflow of its own.
 */
final class ExactFractions {
  /** Fraction bits beyond which a result is capped (and no longer exact). */
  static final int CAP = 48;
  /**
   * Fraction bits of a graph input at most: float32 samples of magnitude above 2^-16 are exact with 40 (their 24-bit
   * significands), so the model's first quantizer rounds the sample itself, not a rounded copy.
   */
  static final int INPUT_CAP = 40;

  /**
   * Fractions per knob and table entry types per node.
   *
   * @param fraction fraction bits per knob, in the space's order
   * @param tables table entry type per node name
   * @param inexact knob labels whose exact fraction exceeded the cap or the maximum width
   */
  record Plan(int[] fraction, Map<String, FixedType> tables, List<String> inexact) {}

  private ExactFractions() {}

  static Plan of(SearchSpace space, FloatProfile profile) {
    Graph g = space.graph();
    Map<String, Integer> f = new HashMap<>();
    Map<String, Integer> knobOf = new HashMap<>();
    int[] fraction = new int[space.size()];
    List<String> inexact = new java.util.ArrayList<>();
    for (int i = 0; i < space.size(); i++) {
      SearchSpace.KnobInfo k = space.get(i);
      knobOf.put(k.knob().role() + ":" + k.knob().node(), i);
      if (k.knob().role() == Knob.Role.INPUT || k.knob().role() == Knob.Role.WEIGHT
          || k.knob().role() == Knob.Role.BIAS) {
        fraction[i] = k.exactFraction() != null ? k.exactFraction() : k.maxFraction();
        if (k.knob().role() == Knob.Role.INPUT) {
          fraction[i] = Math.max(k.maxFraction(), Math.min(INPUT_CAP,
              profile.inputGrid().getOrDefault(k.knob().node(), INPUT_CAP)));
        }
        if (k.knob().role() != Knob.Role.INPUT && k.exactFraction() == null) {
          inexact.add(k.knob().label());
        }
        f.put(k.knob().tensor(), fraction[i]);
      }
    }
    Map<String, FixedType> tables = new LinkedHashMap<>();
    Map<String, FixedType> quantizers = space.quantizerTypes();
    for (Node n : g.nodes()) {
      Integer r;
      if (quantizers.containsKey(n.name())) {
        r = quantizers.get(n.name()).fractionBits();
      } else {
        FixedType reader = tableReader(g, n, quantizers);
        if (reader != null) {
          tables.put(n.name(), reader);
        }
        r = result(n, g, f, reader);
      }
      Integer ki = knobOf.get(Knob.Role.RESULT + ":" + n.name());
      if (r == null || r > CAP) {
        if (ki != null) {
          inexact.add(space.get(ki).knob().label());
          r = space.get(ki).maxFraction();
        } else {
          r = CAP;
        }
      }
      f.put(n.output(), r);
      if (ki != null) {
        fraction[ki] = r;
      }
    }
    return new Plan(fraction, tables, inexact);
  }

  /** The quantizer type when {@code n} is a table op whose only reader is an exact quantizer, else null. */
  private static FixedType tableReader(Graph g, Node n, Map<String, FixedType> quantizers) {
    Op op = n.op();
    if (!(op instanceof Op.Sigmoid || op instanceof Op.Tanh)) {
      return null;
    }
    List<Node> readers = g.consumers(n.output());
    if (readers.size() != 1 || g.outputs().contains(n.output()) || !quantizers.containsKey(readers.get(0).name())) {
      return null;
    }
    return quantizers.get(readers.get(0).name()).withModes(dev.tessera.ir.Rounding.RND_CONV, Overflow.SAT);
  }

  private static Integer result(Node n, Graph g, Map<String, Integer> f, FixedType table) {
    Op op = n.op();
    Integer x = n.input(0) == null ? null : f.get(n.input(0));
    if (op instanceof Op.Dense || op instanceof Op.Conv || (op instanceof Op.MatMul && g.isConstant(n.input(1)))) {
      Integer w = f.get(n.input(1));
      Integer b = n.input(2) == null ? null : f.get(n.input(2));
      return x == null || w == null ? null : Math.max(x + w, b == null ? Integer.MIN_VALUE : b);
    }
    if (op instanceof Op.BatchNorm) {
      Integer s = f.get(n.input(1));
      Integer t = f.get(n.input(2));
      return x == null || s == null || t == null ? null : Math.max(x + s, t);
    }
    if (op instanceof Op.Binary b) {
      Integer y = f.get(n.input(1));
      if (x == null || y == null) {
        return null;
      }
      return switch (b.fn()) {
        case ADD, SUB -> Math.max(x, y);
        case MUL -> x + y;
        default -> null;
      };
    }
    if (op instanceof Op.MatMul) {
      Integer y = f.get(n.input(1));
      return x == null || y == null ? null : x + y;
    }
    if (op instanceof Op.Relu || op instanceof Op.Clip || op instanceof Op.MaxPool || op instanceof Op.GlobalMaxPool
        || op instanceof Op.Reshape || op instanceof Op.Transpose || op instanceof Op.Slice || op instanceof Op.Pad
        || op instanceof Op.Gather || op instanceof Op.Identity) {
      return x;
    }
    if (op instanceof Op.Concat) {
      Integer m = null;
      for (String in : n.inputs()) {
        Integer v = f.get(in);
        if (v == null) {
          return null;
        }
        m = m == null ? v : Math.max(m, v);
      }
      return m;
    }
    if (op instanceof Op.LeakyRelu l) {
      FixedType p = l.param() != null ? l.param() : FixedConstants.PARAM_TYPE;
      return x == null ? null : x + p.fractionBits();
    }
    if (op instanceof Op.AveragePool || op instanceof Op.GlobalAveragePool) {
      return x == null ? null : x + FixedConstants.RECIPROCAL_TYPE.fractionBits();
    }
    if (op instanceof Op.Sigmoid || op instanceof Op.Tanh || op instanceof Op.Exp || op instanceof Op.Elu
        || op instanceof Op.Selu) {
      return (table != null ? table : FixedConstants.TABLE_TYPE).fractionBits();
    }
    if (op instanceof Op.Softmax s) {
      return s.mode() == dev.tessera.ir.op.SoftmaxMode.ARGMAX ? 0 : 2 * FixedConstants.TABLE_TYPE.fractionBits();
    }
    if (op instanceof Op.ISoftmax s) {
      return s.outFrac();
    }
    if (op instanceof Op.ILayerNorm l) {
      return l.outFrac();
    }
    if (op instanceof Op.IExp e) {
      return 3 * e.k() + 2;
    }
    if (op instanceof Op.IGelu ge) {
      return x == null ? null : x + ge.k();
    }
    return null;
  }
}
