package dev.tessera.ir.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.ir.DType;
import dev.tessera.ir.Dim;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Small helpers that build one-node graphs and run them through the float interpreter. */
final class FloatTestGraphs {

  private FloatTestGraphs() {}

  static TensorType f(long... dims) {
    return new TensorType(DType.FLOAT, Shape.of(dims));
  }

  static TensorType t(DType type, long... dims) {
    return new TensorType(type, Shape.of(dims));
  }

  /** Float type with the symbolic batch on axis 0. */
  static TensorType fb(long... rest) {
    return new TensorType(DType.FLOAT, Shape.batched(rest));
  }

  /** A shape from numbers (fixed) and strings (symbols). */
  static Shape shape(Object... dims) {
    List<Dim> d = new ArrayList<>();
    for (Object o : dims) {
      d.add(o instanceof String s ? Dim.sym(s) : Dim.of(((Number) o).longValue()));
    }
    return new Shape(d);
  }

  static NdArray arr(long[] shape, double... values) {
    return new NdArray(shape, values);
  }

  static long[] s(long... dims) {
    return dims;
  }

  /** 0, 1, 2, ... in the given shape. */
  static NdArray iota(long... shape) {
    double[] v = new double[Math.toIntExact(Tensor.count(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    return new NdArray(shape, v);
  }

  static Tensor constant(long[] shape, double... values) {
    return Tensor.ofFloats(shape, values);
  }

  /**
   * A graph with one variable input {@code x} of type {@code xType}, the given constants (name, tensor pairs),
   * and one node {@code op} reading {@code inputs} and writing {@code y} of type {@code yType}.
   */
  static Graph oneNode(Op op, TensorType xType, TensorType yType, List<String> inputs, Object... constants) {
    Graph.Builder b = Graph.builder("t").input("x", xType);
    for (int i = 0; i < constants.length; i += 2) {
      b.constant((String) constants[i], (Tensor) constants[i + 1]);
    }
    b.node(new Node("n", op, inputs, List.of("y")), yType);
    return b.output("y").build();
  }

  /** Shorthand for an op with the single input x. */
  static Graph unary(Op op, TensorType xType, TensorType yType) {
    return oneNode(op, xType, yType, List.of("x"));
  }

  static NdArray run(Graph g, NdArray x) {
    return new FloatInterpreter(g).run(Map.of("x", x)).get("y");
  }

  static void assertShape(long[] expected, NdArray a) {
    assertArrayEquals(expected, a.shape(), () -> "shape " + Arrays.toString(a.shape()));
  }

  static void assertValues(double[] expected, NdArray a, double tol) {
    assertEquals(expected.length, a.size(), "element count");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double v = a.data()[i];
      if (Double.isNaN(e)) {
        assertEquals(e, v, "element " + i);
      } else {
        assertEquals(e, v, tol * Math.max(1, Math.abs(e)), "element " + i + " of " + Arrays.toString(a.data()));
      }
    }
  }

  static void assertExact(double[] expected, NdArray a) {
    assertArrayEquals(expected, a.data(), () -> "values " + Arrays.toString(a.data()));
  }
}
