package dev.tessera.ir.grad;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode differentiation of a float graph. Given the value of every tensor from one forward run (the map of
 * {@code FloatInterpreter.runAll}) and the gradient of a scalar loss with respect to one or more tensors (the
 * seeds), it returns the gradient of that loss with respect to every tensor. Gradients are exact derivatives of
 * the float semantics (in double precision); docs/gradients.md lists the rule of each op.
 */
public final class Backprop {

  private Backprop() {}

  /** Gradients of every graph input and node output; constants get none. */
  public static Map<String, NdArray> backward(Graph g, Map<String, NdArray> activations,
      Map<String, NdArray> seeds) {
    return backward(g, activations, seeds, false);
  }

  /**
   * Gradients of the loss whose partial derivatives are {@code seeds} (tensor name to dL/d(tensor), same shape as
   * the tensor's activation; seeds on several tensors add up).
   *
   * @param activations every graph input and node output of the forward run, by name; constants are read from the
   *     graph when absent
   * @param constants also return the gradients of constants (weights, biases, BatchNorm parameters)
   * @return dL/d(tensor) for every graph input and node output (and constant when asked), zeros where the loss does
   *     not depend on the tensor; in graph order
   * @throws UnsupportedOpException for a node on the path from the seeds that has no gradient rule
   */
  public static Map<String, NdArray> backward(Graph g, Map<String, NdArray> activations,
      Map<String, NdArray> seeds, boolean constants) {
    Values values = new Values(g, activations);
    Map<String, double[]> acc = new HashMap<>();
    for (Map.Entry<String, NdArray> e : seeds.entrySet()) {
      NdArray a = values.get(e.getKey());
      if (!Arrays.equals(a.shape(), e.getValue().shape())) {
        throw new IllegalArgumentException("seed for '" + e.getKey() + "' has shape "
            + Shape.toString(e.getValue().shape()) + " but the tensor has shape " + Shape.toString(a.shape()));
      }
      add(acc, e.getKey(), e.getValue().data());
    }
    List<Node> nodes = g.nodes();
    for (int k = nodes.size() - 1; k >= 0; k--) {
      Node n = nodes.get(k);
      double[] gOut = acc.get(n.output());
      for (int o = 1; o < n.outputs().size(); o++) {
        if (acc.containsKey(n.outputs().get(o))) {
          throw new UnsupportedOpException(n.name(), n.source(), "no gradient through output "
              + o + " of a node with several outputs");
        }
      }
      if (gOut == null) {
        continue;
      }
      int arity = n.inputs().size();
      NdArray[] in = new NdArray[arity];
      boolean[] need = new boolean[arity];
      boolean any = false;
      for (int i = 0; i < arity; i++) {
        String t = n.input(i);
        if (t != null) {
          in[i] = values.get(t);
          need[i] = constants || !g.isConstant(t);
          any |= need[i];
        }
      }
      if (!any) {
        continue;
      }
      NdArray out = values.get(n.output());
      Step step = new Step(n, in, out, new NdArray(out.shape(), gOut), need);
      NdArray[] dIn = Rules.backward(step);
      for (int i = 0; i < arity; i++) {
        if (dIn[i] != null && need[i]) {
          add(acc, n.input(i), dIn[i].data());
        }
      }
    }
    return collect(g, values, acc, constants);
  }

  private static Map<String, NdArray> collect(Graph g, Values values, Map<String, double[]> acc,
      boolean constants) {
    Map<String, NdArray> result = new LinkedHashMap<>();
    for (String t : g.inputs()) {
      result.put(t, array(values.get(t), acc.get(t)));
    }
    if (constants) {
      for (String t : g.constants().keySet()) {
        result.put(t, array(values.get(t), acc.get(t)));
      }
    }
    for (Node n : g.nodes()) {
      for (String t : n.outputs()) {
        if (values.has(t)) {
          result.put(t, array(values.get(t), acc.get(t)));
        }
      }
    }
    return result;
  }

  private static NdArray array(NdArray value, double[] grad) {
    return new NdArray(value.shape(), grad != null ? grad : new double[value.size()]);
  }

  private static void add(Map<String, double[]> acc, String tensor, double[] g) {
    double[] have = acc.get(tensor);
    if (have == null) {
      acc.put(tensor, g.clone());
    } else {
      for (int i = 0; i < g.length; i++) {
        have[i] += g[i];
      }
    }
  }

  /** Forward values: the activations, with constants converted from the graph on first use. */
  private static final class Values {
    private final Graph graph;
    private final Map<String, NdArray> activations;
    private final Map<String, NdArray> constants = new HashMap<>();

    Values(Graph graph, Map<String, NdArray> activations) {
      this.graph = graph;
      this.activations = activations;
    }

    boolean has(String t) {
      return activations.containsKey(t) || graph.isConstant(t);
    }

    NdArray get(String t) {
      NdArray a = activations.get(t);
      if (a != null) {
        return a;
      }
      Tensor c = graph.constant(t);
      if (c != null) {
        return constants.computeIfAbsent(t, k -> NdArray.of(c));
      }
      throw new IllegalArgumentException("no value for tensor '" + t
          + "': pass every activation of the forward run (FloatInterpreter.runAll)");
    }
  }

  /** The gradient rule of each op kind. */
  private static final class Rules {
    private Rules() {}

    static NdArray[] backward(Step s) {
      Op op = s.node().op();
      if (UnaryGrad.handles(op)) {
        return UnaryGrad.backward(s);
      }
      if (op instanceof Op.Binary b) {
        return BinaryGrad.backward(s, b.fn());
      }
      if (op instanceof Op.Dense) {
        return LinearGrad.dense(s);
      }
      if (op instanceof Op.MatMul) {
        return LinearGrad.matMul(s);
      }
      if (op instanceof Op.Conv c) {
        return ConvGrad.backward(s, c);
      }
      if (op instanceof Op.Softmax sm) {
        return NormGrad.softmax(s, sm);
      }
      if (op instanceof Op.BatchNorm bn) {
        return NormGrad.batchNorm(s, bn);
      }
      if (op instanceof Op.LayerNorm ln) {
        return NormGrad.layerNorm(s, ln);
      }
      if (op instanceof Op.MaxPool mp) {
        return PoolGrad.maxPool(s, mp);
      }
      if (op instanceof Op.AveragePool ap) {
        return PoolGrad.averagePool(s, ap);
      }
      if (op instanceof Op.GlobalAveragePool) {
        return PoolGrad.global(s, false);
      }
      if (op instanceof Op.GlobalMaxPool) {
        return PoolGrad.global(s, true);
      }
      if (op instanceof Op.ReduceMean rm) {
        return MoveGrad.reduceMean(s, rm);
      }
      if (op instanceof Op.Reshape) {
        return MoveGrad.reshape(s);
      }
      if (op instanceof Op.Transpose t) {
        return MoveGrad.transpose(s, t);
      }
      if (op instanceof Op.Concat c) {
        return MoveGrad.concat(s, c);
      }
      if (op instanceof Op.Slice sl) {
        return MoveGrad.slice(s, sl);
      }
      if (op instanceof Op.Pad p) {
        return MoveGrad.pad(s, p);
      }
      if (op instanceof Op.Gather ga) {
        return MoveGrad.gather(s, ga);
      }
      throw s.unsupported("no gradient rule for " + op.kind()
          + (isQuantizer(op) ? " (its rounding has a zero gradient almost everywhere; remove the quantizers or "
              + "differentiate the float graph)" : ""));
    }

    private static boolean isQuantizer(Op op) {
      return op instanceof Op.Quant || op instanceof Op.BipolarQuant || op instanceof Op.Trunc
          || op instanceof Op.QuantizeLinear || op instanceof Op.DequantizeLinear;
    }
  }
}
