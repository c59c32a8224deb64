package dev.tessera.cli;

import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphStats;
import dev.tessera.ir.Node;
import dev.tessera.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code inspect} shows of a graph: its inputs and outputs, and per node the op, tensors, parameters and
 * multiply-accumulates per sample (from {@link GraphStats}), with totals. A constant read by several nodes counts in
 * each node's parameters but once in the total.
 */
record ModelSummary(String name, List<TensorInfo> inputs, List<TensorInfo> outputs, List<NodeRow> nodes,
    long totalParams, long totalMacs) {

  /** A tensor: name, static type, and whether it is a constant (weights, biases). */
  record TensorInfo(String name, TensorType type, boolean constant) {}

  /** One node of the table. */
  record NodeRow(String name, String op, String source, List<TensorInfo> inputs, List<TensorInfo> outputs,
      long params, long macs) {}

  static ModelSummary of(Graph g) {
    GraphStats stats = GraphStats.of(g);
    List<NodeRow> rows = new ArrayList<>();
    for (int k = 0; k < g.nodes().size(); k++) {
      Node n = g.nodes().get(k);
      GraphStats.NodeStats ns = stats.nodes().get(k);
      List<TensorInfo> in = new ArrayList<>();
      for (String t : n.inputs()) {
        if (!t.isEmpty()) {
          in.add(tensor(g, t));
        }
      }
      List<TensorInfo> out = new ArrayList<>();
      for (String t : n.outputs()) {
        out.add(tensor(g, t));
      }
      rows.add(new NodeRow(n.name(), n.op().kind(), n.source(), in, out, ns.parameters(), ns.macs()));
    }
    List<TensorInfo> ins = new ArrayList<>();
    for (String t : g.inputs()) {
      ins.add(tensor(g, t));
    }
    List<TensorInfo> outs = new ArrayList<>();
    for (String t : g.outputs()) {
      outs.add(tensor(g, t));
    }
    return new ModelSummary(g.name(), ins, outs, rows, stats.parameters(), stats.macs());
  }

  private static TensorInfo tensor(Graph g, String name) {
    return new TensorInfo(name, g.type(name), g.isConstant(name));
  }
}
