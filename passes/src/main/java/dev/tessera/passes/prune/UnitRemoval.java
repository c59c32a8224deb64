package dev.tessera.passes.prune;

import dev.tessera.ir.DType;
import dev.tessera.ir.Dim;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.GraphEdit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Removes units physically (smaller weight matrices, BatchNorm parameters and tensor shapes) and folds per-unit scale
 * factors and bias corrections into a layer's consumer. Node names, the graph interface and every value not computed
 * from a removed unit are preserved; a unit's removal is exactly a mask of 0 on it.
 */
public final class UnitRemoval {

  private UnitRemoval() {}

  /**
   * The graph with, for every layer named in {@code keep} (by producer), only the units listed there (ascending unit
   * indices of {@code g}); other layers stay as they are.
   *
   * @throws IllegalArgumentException when a layer would keep no unit or an index is out of range or repeated
   */
  public static Graph remove(Graph g, List<PrunableLayer> layers, Map<String, int[]> keep) {
    Graph.Builder b = g.toBuilder();
    boolean changed = false;
    for (PrunableLayer l : layers) {
      int[] k = keep.get(l.producer());
      if (k == null || k.length == l.units()) {
        continue;
      }
      check(l, k);
      removeUnits(b, l, k);
      changed = true;
    }
    if (!changed) {
      return g;
    }
    GraphEdit.prune(b);
    return b.build();
  }

  /**
   * Multiplies every consumer input that unit i feeds by {@code scale[i]} and adds {@code shift} (one value per output
   * channel of the consumer, or null) to the consumer's bias, creating a bias when it has none. Values of float32
   * constants are rounded to float32.
   */
  public static Graph rescale(Graph g, PrunableLayer l, double[] scale, double[] shift) {
    if (scale.length != l.units()) {
      throw new IllegalArgumentException(scale.length + " scales for " + l.units() + " units of '" + l.producer()
          + "'");
    }
    Graph.Builder b = g.toBuilder();
    Node c = node(b, l.consumer());
    Tensor w = g.constant(c.input(1));
    if (c.op() instanceof Op.Dense) {
      int[][] f = features(g, l);
      double[] rows = new double[Math.toIntExact(w.dim(0))];
      for (int j = 0; j < f.length; j++) {
        for (int r : f[j]) {
          rows[r] = scale[j];
        }
      }
      replaceInput(b, c, 1, Tensors.scale(w, 0, rows));
    } else {
      replaceInput(b, c, 1, Tensors.scale(w, 1, scale));
    }
    if (shift != null) {
      c = node(b, l.consumer());
      int outs = Math.toIntExact(c.op() instanceof Op.Dense ? w.dim(1) : w.dim(0));
      if (shift.length != outs) {
        throw new IllegalArgumentException(shift.length + " bias corrections for " + outs + " outputs of '"
            + l.consumer() + "'");
      }
      DType dt = (DType) w.type();
      double[] bias = c.input(2) == null ? new double[outs] : g.constant(c.input(2)).values().clone();
      for (int o = 0; o < outs; o++) {
        bias[o] += shift[o];
      }
      Tensor t = Tensor.ofValues(dt, new long[] {outs}, Tensors.rounded(dt, bias));
      if (c.input(2) == null) {
        String name = GraphEdit.addConstant(b, c.name() + "_bias", t);
        List<String> ins = new ArrayList<>(c.inputs().subList(0, 2));
        ins.add(name);
        b.nodes().set(b.nodes().indexOf(c), c.withInputs(ins));
      } else {
        replaceInput(b, c, 2, t);
      }
    }
    GraphEdit.prune(b);
    return b.build();
  }

  /**
   * The consumer inputs each unit feeds: indices into the rows of a Dense consumer's weight (its input features,
   * after the flatten when there is one), or the input channel of a Conv consumer.
   */
  static int[][] features(Graph g, PrunableLayer l) {
    int[][] f = new int[l.units()][];
    if (!l.flatten()) {
      for (int j = 0; j < f.length; j++) {
        f[j] = new int[] {j};
      }
      return f;
    }
    long[] sample = g.type(l.maskTensor()).shape().dropFirst().sizes();
    int a = l.maskAxis() - 1;
    int stride = 1;
    for (int i = a + 1; i < sample.length; i++) {
      stride *= Math.toIntExact(sample[i]);
    }
    int total = Math.toIntExact(Tensor.count(sample));
    int per = total / l.units();
    int[] fill = new int[l.units()];
    for (int j = 0; j < f.length; j++) {
      f[j] = new int[per];
    }
    for (int x = 0; x < total; x++) {
      int j = (x / stride) % l.units();
      f[j][fill[j]++] = x;
    }
    return f;
  }

  private static void check(PrunableLayer l, int[] k) {
    if (k.length == 0) {
      throw new IllegalArgumentException("layer '" + l.producer() + "' must keep at least one of its " + l.units()
          + " units");
    }
    for (int i = 0; i < k.length; i++) {
      if (k[i] < 0 || k[i] >= l.units() || (i > 0 && k[i] <= k[i - 1])) {
        throw new IllegalArgumentException("kept units of '" + l.producer() + "' must be ascending indices in [0, "
            + l.units() + "), got " + Arrays.toString(k));
      }
    }
  }

  private static void removeUnits(Graph.Builder b, PrunableLayer l, int[] keep) {
    Graph g = b.build();
    Node p = node(b, l.producer());
    Tensor w = g.constant(p.input(1));
    replaceInput(b, p, 1, Tensors.select(w, p.op() instanceof Op.Dense ? 1 : 0, keep));
    if (p.input(2) != null) {
      replaceInput(b, node(b, l.producer()), 2, Tensors.select(g.constant(p.input(2)), 0, keep));
    }
    setDim(b, p.output(), l.unitAxis(), keep.length);
    int axis = l.unitAxis();
    for (PrunableLayer.Step s : l.chain()) {
      Node n = node(b, s.node());
      if (n.op() instanceof Op.BatchNorm) {
        for (int i = 1; i <= 4; i++) {
          replaceInput(b, node(b, s.node()), i, Tensors.select(g.constant(n.input(i)), 0, keep));
        }
      } else if (n.op() instanceof Op.Binary) {
        for (int i = 0; i < 2; i++) {
          Tensor c = g.constant(n.input(i));
          if (c != null) {
            int rank = g.type(n.output()).shape().rank();
            int a = Tensors.unitAxisOf(c, rank, axis, l.units());
            if (a >= 0) {
              replaceInput(b, node(b, s.node()), i, Tensors.select(c, a, keep));
            }
          }
        }
      }
      if (n.op() instanceof Op.Reshape) {
        long per = g.type(n.output()).shape().size(1) / l.units();
        setDim(b, n.output(), 1, per * keep.length);
      } else {
        setDim(b, n.output(), s.axis(), keep.length);
      }
      axis = s.axis();
    }
    Node c = node(b, l.consumer());
    Tensor cw = g.constant(c.input(1));
    if (c.op() instanceof Op.Dense) {
      int[][] f = features(g, l);
      int[] rows = Arrays.stream(keep).flatMap(j -> Arrays.stream(f[j])).sorted().toArray();
      replaceInput(b, c, 1, Tensors.select(cw, 0, rows));
    } else {
      replaceInput(b, c, 1, Tensors.select(cw, 1, keep));
    }
  }

  private static void setDim(Graph.Builder b, String tensor, int axis, long size) {
    TensorType t = b.types().get(tensor);
    Shape s = t.shape().withDim(axis, Dim.of(size));
    b.type(tensor, t.withShape(s));
  }

  /** Node input {@code i} becomes {@code value}: in place when only this input reads the constant, else a copy. */
  static void replaceInput(Graph.Builder b, Node n, int i, Tensor value) {
    String name = n.input(i);
    int uses = b.outputs().contains(name) ? 1 : 0;
    for (Node m : b.nodes()) {
      for (String in : m.inputs()) {
        if (in.equals(name)) {
          uses++;
        }
      }
    }
    if (uses == 1) {
      b.constant(name, value);
      return;
    }
    String fresh = GraphEdit.addConstant(b, n.name() + "_" + name, value);
    List<String> ins = new ArrayList<>(n.inputs());
    ins.set(i, fresh);
    b.nodes().set(b.nodes().indexOf(n), n.withInputs(ins));
  }

  private static Node node(Graph.Builder b, String name) {
    for (Node n : b.nodes()) {
      if (n.name().equals(name)) {
        return n;
      }
    }
    throw new IllegalArgumentException("no node named '" + name + "'");
  }
}
