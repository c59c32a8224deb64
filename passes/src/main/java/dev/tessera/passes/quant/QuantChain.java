package dev.tessera.passes.quant;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.GraphEdit;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain of float nodes that replaces one quantizer node: each step reads the previous step's tensor; the last step
 * writes the replaced node's output, so readers and graph outputs stay as they are. Every intermediate tensor has the
 * replaced node's output type.
 */
final class QuantChain {

  private final Graph.Builder b;
  private final Node replaced;
  private final TensorType type;
  private final List<Node> nodes = new ArrayList<>();
  private String value;
  private String nameOfNext;

  QuantChain(Graph g, Node replaced, String start) {
    this.b = g.toBuilder();
    this.replaced = replaced;
    this.type = g.type(replaced.output());
    this.value = start;
  }

  /** The next step gets this name (the replaced node's name goes to the step that carries its quantization). */
  QuantChain named(String name) {
    nameOfNext = name;
    return this;
  }

  /** A float constant. */
  String constant(String suffix, Tensor t) {
    return GraphEdit.addConstant(b, replaced.name() + "_" + suffix, t);
  }

  /** A scalar float constant. */
  String scalar(String suffix, double v) {
    return constant(suffix, Tensor.ofFloats(new long[0], v));
  }

  /** {@code value op c}. */
  QuantChain binary(Op.BinaryKind kind, String suffix, String c) {
    return step(suffix, new Op.Binary(kind), List.of(value, c));
  }

  /** A QONNX Quant with scale 1 and zero point 0: {@code round(clamp(value))} in the integer range of the bits. */
  QuantChain integerQuant(String suffix, boolean signed, boolean narrow, String rounding, int bits) {
    String one = scalar(suffix + "_unit", 1);
    String zero = scalar(suffix + "_no_zero", 0);
    String w = scalar(suffix + "_bits", bits);
    return step(suffix, new Op.Quant(signed, narrow, rounding), List.of(value, one, zero, w));
  }

  /** A QONNX Quant with the given scale and zero point 0 (not narrow). */
  QuantChain scaledQuant(String suffix, boolean signed, String rounding, int bits, double scale) {
    String s = scalar(suffix + "_scale", scale);
    String zero = scalar(suffix + "_no_zero", 0);
    String w = scalar(suffix + "_bits", bits);
    return step(suffix, new Op.Quant(signed, false, rounding), List.of(value, s, zero, w));
  }

  /** {@code op}'s Quant with scale 1, zero point 0 and the given bit width tensor. */
  QuantChain quantAs(String suffix, Op.Quant op, String bits) {
    String one = scalar("unit", 1);
    String zero = scalar("no_zero", 0);
    return step(suffix, new Op.Quant(op.signed(), op.narrow(), op.rounding()), List.of(value, one, zero, bits));
  }

  private QuantChain step(String suffix, Op op, List<String> ins) {
    String name = nameOfNext != null ? nameOfNext : GraphEdit.freshName(b, replaced.name() + "_" + suffix);
    nameOfNext = null;
    String out = GraphEdit.freshName(b, replaced.name() + "_" + suffix + "_out");
    b.type(out, type);
    nodes.add(new Node(name, op, ins, List.of(out), replaced.source()));
    value = out;
    return this;
  }

  /** The graph with the replaced node swapped for the chain (which must have at least one step). */
  Graph build() {
    if (nodes.isEmpty()) {
      throw new IllegalStateException("node '" + replaced.name() + "': empty replacement chain");
    }
    Node last = nodes.get(nodes.size() - 1);
    b.removeType(last.output());
    nodes.set(nodes.size() - 1, last.withOutputs(replaced.outputs()));
    int at = b.nodes().indexOf(replaced);
    b.nodes().remove(at);
    b.nodes().addAll(at, nodes);
    GraphEdit.prune(b);
    return b.build();
  }
}
