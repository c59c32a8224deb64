package dev.tessera.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphVerifier;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builders for small float graphs and the numeric check every pass test makes. */
public final class FloatGraphs {

  private FloatGraphs() {}

  /** A float tensor type. */
  public static TensorType f(Shape s) {
    return new TensorType(DType.FLOAT, s);
  }

  public static Tensor floats(long[] shape, double... v) {
    return Tensor.ofFloats(shape, v);
  }

  public static Tensor random(Random rnd, long... shape) {
    double[] v = new double[Math.toIntExact(Tensor.count(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.rint(rnd.nextGaussian() * 64) / 64;
    }
    return Tensor.ofFloats(shape, v);
  }

  public static Node node(String name, Op op, List<String> in, String out) {
    return new Node(name, op, in, List.of(out));
  }

  /**
   * Random float32 inputs for every graph input, with {@code batch} in place of symbolic dimensions (float32 values,
   * because a Cast to float rounds a double to float32 in the float interpreter, as ONNX has no doubles there).
   */
  public static Map<String, NdArray> inputs(Graph g, int batch, long seed) {
    Random rnd = new Random(seed);
    Map<String, NdArray> m = new LinkedHashMap<>();
    for (String in : g.inputs()) {
      long[] s = g.type(in).shape().sizes(batch);
      double[] v = new double[Math.toIntExact(Tensor.count(s))];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) rnd.nextGaussian();
      }
      m.put(in, new NdArray(s, v));
    }
    return m;
  }

  /**
   * The rewritten graph verifies, has the same interface and computes the same outputs as the original on random
   * inputs, within {@code tol} (0 for exact rewrites).
   */
  public static void assertSameFunction(Graph before, Graph after, double tol) {
    GraphVerifier.verify(after);
    assertEquals(before.inputs(), after.inputs(), "graph inputs");
    assertEquals(before.outputs(), after.outputs(), "graph outputs");
    Map<String, NdArray> in = inputs(before, 3, 42);
    Map<String, NdArray> a = new FloatInterpreter(before).run(in);
    Map<String, NdArray> b = new FloatInterpreter(after).run(in);
    for (String o : before.outputs()) {
      assertArrayEquals(a.get(o).shape(), b.get(o).shape(), o);
      assertArrayEquals(a.get(o).data(), b.get(o).data(), tol, "output " + o);
    }
  }

  /** Node op kinds in order, e.g. [Dense, Relu]. */
  public static List<String> kinds(Graph g) {
    return g.nodes().stream().map(n -> n.op().kind()).toList();
  }
}
