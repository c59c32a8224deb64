package dev.tessera.ir.interp;

import static dev.tessera.ir.interp.FloatTestGraphs.arr;
import static dev.tessera.ir.interp.FloatTestGraphs.assertExact;
import static dev.tessera.ir.interp.FloatTestGraphs.assertShape;
import static dev.tessera.ir.interp.FloatTestGraphs.assertValues;
import static dev.tessera.ir.interp.FloatTestGraphs.constant;
import static dev.tessera.ir.interp.FloatTestGraphs.f;
import static dev.tessera.ir.interp.FloatTestGraphs.fb;
import static dev.tessera.ir.interp.FloatTestGraphs.iota;
import static dev.tessera.ir.interp.FloatTestGraphs.oneNode;
import static dev.tessera.ir.interp.FloatTestGraphs.run;
import static dev.tessera.ir.interp.FloatTestGraphs.s;
import static dev.tessera.ir.interp.FloatTestGraphs.t;
import static dev.tessera.ir.interp.FloatTestGraphs.unary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Activations, elementwise math, Cast and the broadcasting binary ops. */
class FloatElementwiseOpsTest {

  private static final double[] X = {-2, -0.5, 0, 0.5, 3};

  private static NdArray act(Op op) {
    return run(unary(op, fb(5), fb(5)), arr(s(1, 5), X));
  }

  @Test
  void reluLeakyReluClip() {
    assertExact(new double[] {0, 0, 0, 0.5, 3}, act(new Op.Relu()));
    assertExact(new double[] {-0.2, -0.05, 0, 0.5, 3}, act(new Op.LeakyRelu(0.1, null)));
    assertExact(new double[] {-1, -0.5, 0, 0.5, 1}, act(new Op.Clip(-1, 1)));
    assertExact(new double[] {0, 0, 0, 0.5, 3}, act(new Op.Clip(0, Double.POSITIVE_INFINITY)));
  }

  @Test
  void hardSigmoidSeluElu() {
    assertValues(new double[] {0.1, 0.4, 0.5, 0.6, 1}, act(new Op.HardSigmoid(0.2, 0.5, null)), 1e-15);
    assertExact(new double[] {0, 0, 0.5, 1, 1}, act(new Op.HardSigmoid(1, 0.5, null)));
    double a = 1.6732632423543772;
    double g = 1.0507009873554805;
    assertValues(new double[] {g * a * (Math.exp(-2) - 1), g * a * (Math.exp(-0.5) - 1), 0, g * 0.5, g * 3},
        act(new Op.Selu(a, g, null, null)), 1e-15);
    assertValues(new double[] {0.5 * (Math.exp(-2) - 1), 0.5 * (Math.exp(-0.5) - 1), 0, 0.5, 3},
        act(new Op.Elu(0.5, null, null)), 1e-15);
  }

  @Test
  void transcendentalFunctions() {
    assertValues(new double[] {1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(0.5)), 0.5, 1 / (1 + Math.exp(-0.5)),
        1 / (1 + Math.exp(-3))}, act(new Op.Sigmoid(null)), 1e-15);
    assertValues(new double[] {Math.tanh(-2), Math.tanh(-0.5), 0, Math.tanh(0.5), Math.tanh(3)},
        act(new Op.Tanh(null)), 1e-15);
    assertValues(new double[] {Math.exp(-2), Math.exp(-0.5), 1, Math.exp(0.5), Math.exp(3)},
        act(new Op.Exp(null)), 1e-15);
    assertValues(new double[] {-0.9953222650189527, -0.5204998778130465, 0, 0.5204998778130465,
        0.9999779095030014}, act(new Op.Erf()), 1e-15);
    NdArray r = act(new Op.Sqrt());
    assertTrue(Double.isNaN(r.data()[0]));
    assertEquals(Math.sqrt(3), r.data()[4]);
  }

  @Test
  void castToIntegerAndBackIdentity() {
    Graph g = unary(new Op.Cast(DType.INT8), fb(5), new dev.tessera.ir.TensorType(DType.INT8,
        dev.tessera.ir.Shape.batched(5)));
    assertExact(new double[] {-2, 0, 0, 0, 3}, run(g, arr(s(1, 5), X)));
    NdArray in = arr(s(1, 5), X);
    NdArray same = run(unary(new Op.Identity(), fb(5), fb(5)), in);
    assertExact(X, same);
  }

  private static Graph binary(Op.BinaryKind k, dev.tessera.ir.TensorType a, dev.tessera.ir.TensorType b,
      dev.tessera.ir.TensorType y, dev.tessera.ir.Tensor bValue) {
    return oneNode(new Op.Binary(k), a, y, List.of("x", "b"), "b", bValue);
  }

  @Test
  void binaryOpsOnEqualShapes() {
    NdArray x = arr(s(1, 3), 1, -2, 9);
    dev.tessera.ir.Tensor b = constant(s(1, 3), 4, 4, 0.5);
    assertExact(new double[] {5, 2, 9.5}, run(binary(Op.BinaryKind.ADD, f(1, 3), f(1, 3), f(1, 3), b), x));
    assertExact(new double[] {-3, -6, 8.5}, run(binary(Op.BinaryKind.SUB, f(1, 3), f(1, 3), f(1, 3), b), x));
    assertExact(new double[] {4, -8, 4.5}, run(binary(Op.BinaryKind.MUL, f(1, 3), f(1, 3), f(1, 3), b), x));
    assertExact(new double[] {0.25, -0.5, 18}, run(binary(Op.BinaryKind.DIV, f(1, 3), f(1, 3), f(1, 3), b), x));
    assertExact(new double[] {1, 16, 3}, run(binary(Op.BinaryKind.POW, f(1, 3), f(1, 3), f(1, 3), b), x));
  }

  @Test
  void broadcastingOfRankDifferentTensors() {
    // a [2,1,3] + b [4,1] -> [2,4,3], y[i,j,k] = a[i,0,k] + b[j,0]
    dev.tessera.ir.Tensor b = constant(s(4, 1), 10, 20, 30, 40);
    NdArray y = run(binary(Op.BinaryKind.ADD, f(2, 1, 3), f(4, 1), f(2, 4, 3), b), iota(2, 1, 3));
    assertShape(s(2, 4, 3), y);
    double[] e = new double[24];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 4; j++) {
        for (int k = 0; k < 3; k++) {
          e[(i * 4 + j) * 3 + k] = (i * 3 + k) + 10 * (j + 1);
        }
      }
    }
    assertExact(e, y);
  }

  @Test
  void broadcastingWithTheConstantFirstAndAScalar() {
    // Sub(c, x) with c [3] and x [N, 3]; Div(x, scalar)
    Graph g = Graph.builder("t").input("x", fb(3)).constant("c", constant(s(3), 1, 2, 3))
        .constant("k", constant(s(), 4))
        .node(new dev.tessera.ir.Node("sub", new Op.Binary(Op.BinaryKind.SUB), List.of("c", "x"),
            List.of("d")), fb(3))
        .node(new dev.tessera.ir.Node("div", new Op.Binary(Op.BinaryKind.DIV), List.of("d", "k"),
            List.of("y")), fb(3))
        .output("y").build();
    NdArray y = run(g, arr(s(2, 3), 1, 1, 1, 5, 6, 7));
    assertExact(new double[] {0, 0.25, 0.5, -1, -1, -1}, y);
  }

  @Test
  void integerDivisionTruncatesTowardZero() {
    Graph g = oneNode(new Op.Binary(Op.BinaryKind.DIV), t(DType.INT64, 4), t(DType.INT64, 4), List.of("x", "b"),
        "b", dev.tessera.ir.Tensor.ofValues(DType.INT64, s(4), new double[] {2, 2, -2, 3}));
    assertExact(new double[] {3, -3, -3, 2}, run(g, arr(s(4), 7, -7, 7, 8)));
  }

  @Test
  void incompatibleShapesAreANodeError() {
    Graph g = binary(Op.BinaryKind.ADD, f(2, 3), f(4), f(2, 3), constant(s(4), 1, 2, 3, 4));
    NodeException e = assertThrows(NodeException.class,
        () -> new FloatInterpreter(g).run(Map.of("x", iota(2, 3))));
    assertTrue(e.getMessage().startsWith("node 'n' (Add): shapes [2,3] and [4] do not broadcast"),
        e.getMessage());
  }
}
