package dev.tessera.ir;

import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Size and cost of a graph: per node the parameter count (elements of its constant inputs) and the
 * multiply-accumulates per sample (symbolic dimensions count as 1), with totals. Dense: rows × in × out; Conv:
 * output elements × C/group × kernel size; MatMul: output elements × K; BatchNorm, LayerNorm and elementwise
 * Mul/Div/Pow: one per output element; data movement, additions, activations and quantizers: 0.
 *
 * @param nodes one entry per node, in graph order
 * @param parameters elements of all distinct constants read by nodes
 * @param macs multiply-accumulates per sample of the whole graph
 */
public record GraphStats(List<NodeStats> nodes, long parameters, long macs) {

  /** Statistics of one node. */
  public record NodeStats(String node, String op, long parameters, long macs) {}

  public GraphStats {
    nodes = List.copyOf(nodes);
  }

  /** Computes the statistics of a graph. */
  public static GraphStats of(Graph g) {
    List<NodeStats> out = new ArrayList<>();
    Set<String> counted = new HashSet<>();
    long params = 0;
    long macs = 0;
    for (Node n : g.nodes()) {
      long p = 0;
      for (String in : n.inputs()) {
        Tensor c = in.isEmpty() ? null : g.constant(in);
        if (c != null) {
          p += c.size();
          if (counted.add(in)) {
            params += c.size();
          }
        }
      }
      long m = macs(g, n);
      macs += m;
      out.add(new NodeStats(n.name(), n.op().kind(), p, m));
    }
    return new GraphStats(out, params, macs);
  }

  private static long perSample(Graph g, String tensor) {
    return g.type(tensor).shape().elementsPerSample();
  }

  private static long staticSize(Dim d) {
    return d.isSymbolic() ? 1 : d.size();
  }

  static long macs(Graph g, Node n) {
    Op op = n.op();
    String y = n.output();
    if (op instanceof Op.Dense || op instanceof Op.MatMul) {
      Shape a = g.type(n.inputs().get(0)).shape();
      return perSample(g, y) * staticSize(a.dim(-1));
    }
    if (op instanceof Op.Conv c) {
      Shape w = g.type(n.inputs().get(1)).shape();
      long k = 1;
      for (long s : c.kernel()) {
        k *= s;
      }
      return perSample(g, y) * staticSize(w.dim(1)) * k;
    }
    if (op instanceof Op.BatchNorm || op instanceof Op.LayerNorm) {
      return perSample(g, y);
    }
    if (op instanceof Op.Binary b && (b.fn() == Op.BinaryKind.MUL || b.fn() == Op.BinaryKind.DIV
        || b.fn() == Op.BinaryKind.POW)) {
      return perSample(g, y);
    }
    return 0;
  }
}
