package dev.tessera.passes.prune;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.op.Op;
import java.util.Arrays;

/**
 * Unstructured magnitude pruning: in the weight of every Dense and Conv node, the given fraction of the entries with
 * the smallest magnitude becomes 0 (a zero weight costs nothing in the shift-add RTL and no multiplier in HLS).
 * Preserves shapes, names and every other value; ties at the threshold are zeroed in index order.
 */
public final class MagnitudePruning {

  private MagnitudePruning() {}

  /** The graph with {@code fraction} (in [0, 1)) of each Dense/Conv weight zeroed. */
  public static Graph apply(Graph g, double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("magnitude pruning fraction " + fraction + " must be in [0, 1)");
    }
    if (fraction == 0) {
      return g;
    }
    Graph.Builder b = g.toBuilder();
    for (Node n : g.nodes()) {
      if ((n.op() instanceof Op.Dense || n.op() instanceof Op.Conv) && UnitAnalysis.floatConstant(g, n.input(1))) {
        Tensor w = g.constant(n.input(1));
        b.constant(n.input(1), Tensor.ofValues((DType) w.type(), w.shape(), zeroSmallest(w.values(), fraction)));
      }
    }
    return b.build();
  }

  /** Zero weights in the graph's Dense and Conv weights, and their total. */
  public static long[] zeros(Graph g) {
    long zeros = 0;
    long total = 0;
    for (Node n : g.nodes()) {
      if ((n.op() instanceof Op.Dense || n.op() instanceof Op.Conv) && g.constant(n.input(1)) != null) {
        for (double v : g.constant(n.input(1)).values()) {
          zeros += v == 0 ? 1 : 0;
          total++;
        }
      }
    }
    return new long[] {zeros, total};
  }

  private static double[] zeroSmallest(double[] v, double fraction) {
    int count = (int) Math.floor(fraction * v.length);
    Integer[] order = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, c) -> Double.compare(Math.abs(v[a]), Math.abs(v[c])));
    double[] out = v.clone();
    for (int i = 0; i < count; i++) {
      out[order[i]] = 0;
    }
    return out;
  }
}
