package dev.tessera.ir.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One-node graphs for the fixed-point interpreter tests, run on the long and the BigInteger paths. */
final class FixedTestGraphs {

  private FixedTestGraphs() {}

  static FixedType t(String s) {
    return FixedType.parse(s);
  }

  static Tensor raw(String type, long[] shape, long... raw) {
    return Tensor.ofRaw(t(type), shape, raw);
  }

  static long[] s(long... dims) {
    return dims;
  }

  /** A graph {@code y = op(x0, ..., consts...)} with variable inputs x0.. and the given constants after them. */
  static Graph graph(Op op, List<TensorType> inputs, List<Tensor> consts, TensorType out) {
    Graph.Builder b = Graph.builder("t");
    List<String> ins = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      b.input("x" + i, inputs.get(i));
      ins.add("x" + i);
    }
    for (int i = 0; i < consts.size(); i++) {
      b.constant("c" + i, consts.get(i));
      ins.add("c" + i);
    }
    b.node(new Node("n", op, ins, List.of("y")), out);
    b.output("y");
    return b.build();
  }

  static Graph unary(Op op, String tx, long[] xs, String ty, long[] ys, Tensor... consts) {
    return graph(op, List.of(new TensorType(t(tx), Shape.of(xs))), List.of(consts), new TensorType(t(ty),
        Shape.of(ys)));
  }

  /**
   * Runs the graph on raw inputs (one array per graph input, shaped as declared) on the long path and the forced
   * BigInteger path, checks both agree and returns the raw output as longs.
   */
  static long[] run(Graph g, long[]... inputs) {
    Map<String, FixedArray> in = new LinkedHashMap<>();
    for (int i = 0; i < inputs.length; i++) {
      TensorType tt = g.type(g.inputs().get(i));
      BigInteger[] r = new BigInteger[inputs[i].length];
      for (int k = 0; k < r.length; k++) {
        r[k] = BigInteger.valueOf(inputs[i][k]);
      }
      in.put(g.inputs().get(i), new FixedArray(tt.fixed(), tt.shape().sizes(), r));
    }
    FixedArray fast = new FixedInterpreter(g).runRaw(in).get("y");
    FixedArray slow = new FixedInterpreter(g, true).runRaw(in).get("y");
    assertArrayEquals(slow.raw(), fast.raw(), "long and BigInteger paths differ");
    assertArrayEquals(slow.shape(), fast.shape());
    assertEquals(g.type("y").fixed(), fast.type());
    long[] out = new long[fast.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = fast.raw()[i].longValueExact();
    }
    return out;
  }
}
