package dev.tessera.ir;

import dev.tessera.ir.op.Op;
import java.util.List;

/**
 * One operation of the graph. {@code name} is stable across passes (it is what users see in reports and configs);
 * {@code source} names the ONNX op it came from, e.g. {@code Gemm} or {@code qonnx.custom_op.general:Quant}.
 * Inputs and outputs are tensor names; an empty string marks an omitted optional input.
 */
public record Node(String name, Op op, List<String> inputs, List<String> outputs, String source) {

  public Node {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("node needs a name");
    }
    if (op == null) {
      throw new IllegalArgumentException("node '" + name + "' needs an op");
    }
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    if (source == null) {
      source = op.kind();
    }
  }

  public Node(String name, Op op, List<String> inputs, List<String> outputs) {
    this(name, op, inputs, outputs, op.kind());
  }

  /** Input {@code i}, or null when absent or omitted. */
  public String input(int i) {
    return i < inputs.size() && !inputs.get(i).isEmpty() ? inputs.get(i) : null;
  }

  /** The single output (most ops have one). */
  public String output() {
    return outputs.get(0);
  }

  public Node withOp(Op newOp) {
    return new Node(name, newOp, inputs, outputs, source);
  }

  public Node withInputs(List<String> newInputs) {
    return new Node(name, op, newInputs, outputs, source);
  }

  public Node withOutputs(List<String> newOutputs) {
    return new Node(name, op, inputs, newOutputs, source);
  }

  /** {@code node 'name' (Op)}, the prefix of every diagnostic about this node. */
  public String describe() {
    return "node '" + name + "' (" + source + ")";
  }
}
