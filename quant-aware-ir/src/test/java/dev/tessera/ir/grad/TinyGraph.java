package dev.tessera.ir.grad;

import dev.tessera.ir.DType;
import dev.tessera.ir.Dim;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds small float graphs for gradient tests; node outputs get fresh symbolic dimensions of the given rank. */
final class TinyGraph {
  private final Graph.Builder b = Graph.builder("tiny");
  private final Map<String, NdArray> inputs = new LinkedHashMap<>();
  private int symbols;

  static TensorType floats(long... shape) {
    return new TensorType(DType.FLOAT, Shape.of(shape));
  }

  /** A graph input of the value's static shape. */
  TinyGraph input(String name, NdArray value) {
    b.input(name, floats(value.shape()));
    inputs.put(name, value);
    return this;
  }

  /** A graph input whose axis 0 is the symbolic batch (so that single samples can be run too). */
  TinyGraph batchedInput(String name, NdArray value) {
    long[] s = value.shape();
    b.input(name, new TensorType(DType.FLOAT, s.length == 0 ? Shape.of() : Shape.batched(
        java.util.Arrays.copyOfRange(s, 1, s.length))));
    inputs.put(name, value);
    return this;
  }

  TinyGraph constant(String name, NdArray value) {
    b.constant(name, Tensor.ofFloats(value.shape(), value.data().clone()));
    return this;
  }

  /** A node whose single output has rank {@code rank} (sizes bound at run time). */
  TinyGraph node(String name, Op op, List<String> ins, String out, int rank) {
    List<Dim> dims = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      dims.add(Dim.sym("s" + symbols++));
    }
    b.node(new Node(name, op, ins, List.of(out)), new TensorType(DType.FLOAT, new Shape(dims)));
    return this;
  }

  /** A node whose single output has a declared shape. */
  TinyGraph node(String name, Op op, List<String> ins, String out, Shape shape) {
    b.node(new Node(name, op, ins, List.of(out)), new TensorType(DType.FLOAT, shape));
    return this;
  }

  TinyGraph output(String name) {
    b.output(name);
    return this;
  }

  Graph graph() {
    return b.build();
  }

  Map<String, NdArray> inputs() {
    return inputs;
  }
}
