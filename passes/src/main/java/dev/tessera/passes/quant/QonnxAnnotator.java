package dev.tessera.passes.quant;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Rounding;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.GraphEdit;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the types of a quantized graph into its float graph as QONNX Quant nodes, for tools that read QONNX: a
 * Quant with scale {@code 2^-F}, zero point 0 and bit width W after every graph input and after every node whose
 * result type differs from its input's, and a Quant on every weight and bias constant (on its values quantized to
 * its type, so the Quant changes nothing). The float graph computes what the quantized graph computes wherever the
 * float arithmetic is exact (sums and products of values on the grids), since QONNX's Quant is {@code Q_T} with
 * saturation and the proven results never reach their type's ends. Rounding modes map to QONNX's names (RND_CONV:
 * ROUND, TRN: FLOOR, TRN_ZERO: ROUND_TO_ZERO, RND_INF: HALF_UP, RND_ZERO: HALF_DOWN); types with another mode are
 * left out and listed by {@link Result#skipped()}.
 */
public final class QonnxAnnotator {

  /**
   * The annotated float graph.
   *
   * @param graph the float graph with Quant nodes
   * @param skipped tensors whose type has no QONNX rounding mode (left without a Quant)
   */
  public record Result(Graph graph, List<String> skipped) {}

  private QonnxAnnotator() {}

  /** {@code prepared} is the float graph, {@code quantized} what ApplyPrecision made of it (same node names). */
  public static Result annotate(Graph prepared, Graph quantized) {
    Graph.Builder b = prepared.toBuilder();
    List<String> skipped = new ArrayList<>();
    int at = 0;
    for (String in : prepared.inputs()) {
      Node q = quant(b, in, in + "_quant", quantized.type(in).fixed(), skipped);
      if (q != null) {
        for (Node r : GraphEdit.readers(b, in)) {
          List<String> ins = new ArrayList<>(r.inputs());
          ins.replaceAll(v -> v.equals(in) ? q.output() : v);
          b.nodes().set(b.nodes().indexOf(r), r.withInputs(ins));
        }
        b.nodes().add(at++, q);
      }
    }
    for (Node n : prepared.nodes()) {
      Node qn = quantized.node(n.name());
      if (qn == null || (qn.op() instanceof Op.Identity && n.op() instanceof Op.Quant)) {
        continue;
      }
      weights(b, n, qn, quantized, skipped);
      FixedType ty = quantized.type(qn.output()).fixed();
      String x = qn.input(0);
      boolean moves = x != null && !quantized.isConstant(x) && quantized.type(x).elementType().equals(ty)
          && NodeQuantizer.movesValues(n.op());
      if (!moves) {
        // the node writes <out>_raw and a Quant turns it into <out>, so readers and graph outputs stay as they are
        Node cur = GraphEdit.producer(b, n.output());
        String raw = GraphEdit.freshName(b, n.output() + "_raw");
        b.type(raw, b.types().get(n.output()));
        Node q = quant(b, raw, n.name() + "_quant", ty, skipped);
        if (q == null) {
          b.removeType(raw);
          continue;
        }
        int idx = b.nodes().indexOf(cur);
        b.nodes().set(idx, cur.withOutputs(List.of(raw)));
        b.nodes().add(idx + 1, q.withOutputs(List.of(n.output())));
        b.removeType(q.output());
      }
    }
    return new Result(b.build(), skipped);
  }

  /** Puts a Quant over the quantized values of each weight and bias constant of a node, right before it. */
  private static void weights(Graph.Builder b, Node n, Node qn, Graph quantized, List<String> skipped) {
    if (n.op() instanceof Op.BatchNorm || n.op() instanceof Op.Quant) {
      return;
    }
    for (int i = 0; i < n.inputs().size() && i < qn.inputs().size(); i++) {
      String c = n.input(i);
      String qc = qn.input(i);
      if (c == null || qc == null || !b.constants().containsKey(c) || !quantized.isConstant(qc)) {
        continue;
      }
      Tensor raw = quantized.constant(qc);
      if (!raw.isFixed()) {
        continue;
      }
      String values = GraphEdit.addConstant(b, c + "_values", Tensor.ofFloats(raw.shape(), raw.values()));
      Node q = quant(b, values, n.name() + "_" + (i == 2 ? "bias" : "weight") + "_quant", (FixedType) raw.type(),
          skipped);
      if (q == null) {
        b.removeConstant(values);
        continue;
      }
      Node cur = GraphEdit.producer(b, n.output());
      int at = b.nodes().indexOf(cur);
      List<String> ins = new ArrayList<>(cur.inputs());
      ins.set(i, q.output());
      b.nodes().set(at, cur.withInputs(ins));
      b.nodes().add(at, q);
    }
    GraphEdit.prune(b);
  }

  /** A {@code Quant(x)} node of type t (not yet in the node list), or null when t has no QONNX rounding mode. */
  private static Node quant(Graph.Builder b, String x, String name, FixedType t, List<String> skipped) {
    String mode = rounding(t.rounding());
    if (mode == null) {
      skipped.add(x);
      return null;
    }
    String nodeName = GraphEdit.freshName(b, name);
    String s = GraphEdit.addConstant(b, nodeName + "_scale", Tensor.ofFloats(new long[0], t.lsb()));
    String z = GraphEdit.addConstant(b, nodeName + "_zeropt", Tensor.ofFloats(new long[0], 0));
    String w = GraphEdit.addConstant(b, nodeName + "_bitwidth", Tensor.ofFloats(new long[0], t.width()));
    String out = GraphEdit.freshName(b, x + "_q");
    b.type(out, b.types().get(x));
    return new Node(nodeName, new Op.Quant(t.signed(), false, mode), List.of(x, s, z, w), List.of(out), "Quant");
  }

  /** QONNX's name for an ap_fixed rounding mode, or null. */
  static String rounding(Rounding r) {
    return switch (r) {
      case RND_CONV -> "ROUND";
      case TRN -> "FLOOR";
      case TRN_ZERO -> "ROUND_TO_ZERO";
      case RND_INF -> "HALF_UP";
      case RND_ZERO -> "HALF_DOWN";
      default -> null;
    };
  }
}
