package dev.tessera.passes.estimate;

import java.util.List;

/**
 * The estimated cost of a graph: one row per node in graph order and their total. The total's resources are the
 * sums of the rows; its latency is the longest input-to-output path through the nodes (the sum of the rows for a
 * chain).
 *
 * @param target the modelled implementation
 * @param rows per-node estimates, in graph order
 * @param total the graph's estimate
 * @param interval initiation interval in cycles: the largest reuse factor or streamed position count of any node
 */
public record Estimate(Target target, List<NodeEstimate> rows, NodeEstimate total, long interval) {

  public Estimate {
    rows = List.copyOf(rows);
  }

  /** The row of a node; an error when there is none. */
  public NodeEstimate row(String node) {
    for (NodeEstimate r : rows) {
      if (r.node().equals(node)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no estimate for node '" + node + "'");
  }

  /** A fixed-width text table with a header, the rows and the total. */
  public String table() {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%-24s %-14s %9s %9s %6s %6s %7s %8s %8s %11s%n", "node", "op", "lut", "ff", "dsp",
        "bram18", "latency", "mults", "adders", "lut-equiv"));
    for (NodeEstimate r : rows) {
      b.append(r).append('\n');
    }
    b.append(total).append('\n');
    b.append("target ").append(target.name().toLowerCase(java.util.Locale.ROOT)).append(", initiation interval ")
        .append(interval).append(" cycle").append(interval == 1 ? "" : "s").append('\n');
    return b.toString();
  }
}
