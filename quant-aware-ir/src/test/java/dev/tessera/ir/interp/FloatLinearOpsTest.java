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
import static dev.tessera.ir.interp.FloatTestGraphs.unary;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dense, MatMul, Conv, BatchNorm, LayerNorm, Softmax and ReduceMean on hand-computed cases. */
class FloatLinearOpsTest {

  @Test
  void denseWithBiasOverABatch() {
    // W = [[1, 2], [3, 4], [5, 6]], b = [0.5, -1]
    Graph g = oneNode(new Op.Dense(null), fb(3), fb(2), List.of("x", "W", "b"),
        "W", constant(s(3, 2), 1, 2, 3, 4, 5, 6), "b", constant(s(2), 0.5, -1));
    NdArray y = run(g, arr(s(2, 3), 1, 0, -1, 2, 1, 1));
    assertShape(s(2, 2), y);
    assertExact(new double[] {1 - 5 + 0.5, 2 - 6 - 1, 2 + 3 + 5 + 0.5, 4 + 4 + 6 - 1}, y);
  }

  @Test
  void denseWithoutBiasOnRank3Input() {
    Graph g = oneNode(new Op.Dense(null), fb(2, 2), fb(2, 1), List.of("x", "W"), "W", constant(s(2, 1), 1, 10));
    NdArray y = run(g, iota(1, 2, 2));
    assertShape(s(1, 2, 1), y);
    assertExact(new double[] {10, 32}, y);
  }

  @Test
  void denseFeatureMismatchNamesBothSizes() {
    Graph g = oneNode(new Op.Dense(null), fb(4), fb(2), List.of("x", "W"), "W", constant(s(3, 2), 1, 2, 3, 4, 5,
        6));
    NodeException e = assertThrows(NodeException.class,
        () -> new FloatInterpreter(g).run(Map.of("x", iota(1, 4))));
    assertTrue(e.getMessage().contains("input has 4 features but the weight expects 3"), e.getMessage());
  }

  @Test
  void matmulBroadcastsBatchAxes() {
    // a [2,2,3] x b [3,2] (b shared by both batches)
    Graph g = oneNode(new Op.MatMul(), f(2, 2, 3), f(2, 2, 2), List.of("x", "b"),
        "b", constant(s(3, 2), 1, 0, 0, 1, 1, 1));
    NdArray y = run(g, iota(2, 2, 3));
    // row r = [a0, a1, a2] -> [a0 + a2, a1 + a2]
    assertExact(new double[] {2, 3, 8, 9, 14, 15, 20, 21}, y);
  }

  @Test
  void matmulWithVectorOperands() {
    Graph left = oneNode(new Op.MatMul(), f(3), f(2), List.of("x", "b"), "b", constant(s(3, 2), 1, 2, 3, 4, 5, 6));
    assertExact(new double[] {1 * 1 + 2 * 3 + 3 * 5, 1 * 2 + 2 * 4 + 3 * 6}, run(left, arr(s(3), 1, 2, 3)));
    Graph right = oneNode(new Op.MatMul(), f(2, 3), f(2), List.of("x", "b"), "b", constant(s(3), 1, 1, 2));
    assertExact(new double[] {0 + 1 + 4, 3 + 4 + 10}, run(right, iota(2, 3)));
    // two variable operands: x [N,2,3] times its own transpose-like constant-free partner
    Graph both = Graph.builder("t").input("x", fb(2, 3)).input("z", fb(3, 1))
        .node(new Node("n", new Op.MatMul(), List.of("x", "z"), List.of("y")), fb(2, 1)).output("y").build();
    NdArray y = new FloatInterpreter(both).run(Map.of("x", iota(2, 2, 3), "z", arr(s(2, 3, 1), 1, 1, 1, 2, 0,
        0))).get("y");
    assertExact(new double[] {3, 12, 12, 18}, y);
  }

  private static Op.Conv conv2(long[] k, long[] strides, long[] pads, long[] dil, int group) {
    return new Op.Conv(k, strides, pads, pads, dil, group, null);
  }

  @Test
  void conv2dValidPaddedStridedAndDilated() {
    NdArray x = arr(s(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
    dev.tessera.ir.Tensor ones = constant(s(1, 1, 2, 2), 1, 1, 1, 1);
    Graph valid = oneNode(conv2(s(2, 2), s(1, 1), s(0, 0), s(1, 1), 1), f(1, 1, 3, 3), f(1, 1, 2, 2),
        List.of("x", "W"), "W", ones);
    assertExact(new double[] {12, 16, 24, 28}, run(valid, x));
    Graph padded = oneNode(conv2(s(2, 2), s(2, 2), s(1, 1), s(1, 1), 1), f(1, 1, 3, 3), f(1, 1, 2, 2),
        List.of("x", "W"), "W", ones);
    assertExact(new double[] {1, 5, 11, 28}, run(padded, x));
    Graph dilated = oneNode(conv2(s(2, 2), s(1, 1), s(0, 0), s(2, 2), 1), f(1, 1, 3, 3), f(1, 1, 1, 1),
        List.of("x", "W"), "W", constant(s(1, 1, 2, 2), 1, 2, 3, 4));
    assertExact(new double[] {1 * 1 + 2 * 3 + 3 * 7 + 4 * 9}, run(dilated, x));
  }

  @Test
  void conv2dAsymmetricPadsAndBias() {
    // pad only the top row and the right column; kernel 2x2 of ones; bias 100
    Op.Conv c = new Op.Conv(s(2, 2), s(1, 1), s(1, 0), s(0, 1), s(1, 1), 1, null);
    Graph g = oneNode(c, f(1, 1, 2, 2), f(1, 1, 2, 2), List.of("x", "W", "b"),
        "W", constant(s(1, 1, 2, 2), 1, 1, 1, 1), "b", constant(s(1), 100));
    // x = [[1,2],[3,4]] padded to [[0,0,0],[1,2,0],[3,4,0]]
    assertExact(new double[] {103, 102, 110, 106}, run(g, arr(s(1, 1, 2, 2), 1, 2, 3, 4)));
  }

  @Test
  void conv1dWithGroups() {
    // x [1, 4, 3], group 2, W [2, 2, 1]: out0 = 1*x0 + 2*x1, out1 = 3*x2 + 4*x3
    Op.Conv c = new Op.Conv(s(1), s(1), s(0), s(0), s(1), 2, null);
    Graph g = oneNode(c, f(1, 4, 3), f(1, 2, 3), List.of("x", "W"), "W", constant(s(2, 2, 1), 1, 2, 3, 4));
    NdArray y = run(g, iota(1, 4, 3));
    assertExact(new double[] {0 + 2 * 3, 1 + 2 * 4, 2 + 2 * 5, 3 * 6 + 4 * 9, 3 * 7 + 4 * 10, 3 * 8 + 4 * 11}, y);
  }

  @Test
  void depthwiseConv1dStrideTwo() {
    // x [1, 2, 5], group 2, W [2, 1, 3], stride 2, pad 1: channel c uses kernel c
    Op.Conv c = new Op.Conv(s(3), s(2), s(1), s(1), s(1), 2, null);
    Graph g = oneNode(c, f(1, 2, 5), f(1, 2, 3), List.of("x", "W"), "W", constant(s(2, 1, 3), 1, 0, -1, 1, 1, 1));
    NdArray y = run(g, arr(s(1, 2, 5), 1, 2, 3, 4, 5, 1, 2, 3, 4, 5));
    // ch0 windows [pad,1,2], [2,3,4], [4,5,pad] with [1,0,-1]: -2, -2, 4; ch1 sums: 3, 9, 9
    assertExact(new double[] {-2, -2, 4, 3, 9, 9}, y);
  }

  @Test
  void convGroupMustDivideChannels() {
    Op.Conv c = new Op.Conv(s(1), s(1), s(0), s(0), s(1), 3, null);
    UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> new FloatInterpreter(
        oneNode(c, f(1, 4, 3), f(1, 2, 3), List.of("x", "W"), "W", constant(s(2, 2, 1), 1, 2, 3, 4))));
    assertTrue(e.getMessage().startsWith("node 'n' (Conv): group 3"), e.getMessage());
  }

  @Test
  void batchNormPerChannel() {
    Graph g = oneNode(new Op.BatchNorm(0), f(1, 2, 2), f(1, 2, 2), List.of("x", "s", "b", "m", "v"),
        "s", constant(s(2), 1, 2), "b", constant(s(2), 0, 1), "m", constant(s(2), 1, 0), "v", constant(s(2), 4, 1));
    assertExact(new double[] {0.5, 1, 5, 7}, run(g, arr(s(1, 2, 2), 2, 3, 2, 3)));
  }

  @Test
  void layerNormOverTheLastAxes() {
    Graph g = oneNode(new Op.LayerNorm(1, 0), f(2, 4), f(2, 4), List.of("x", "s", "b"),
        "s", constant(s(4), 1, 1, 2, 2), "b", constant(s(4), 0, 0, 0, 1));
    NdArray y = run(g, arr(s(2, 4), 1, 2, 3, 4, 2, 4, 6, 8));
    double sd = Math.sqrt(1.25);
    double s5 = Math.sqrt(5);
    assertValues(new double[] {-1.5 / sd, -0.5 / sd, 2 * 0.5 / sd, 2 * 1.5 / sd + 1, -3 / s5, -1 / s5, 2 / s5,
        2 * 3 / s5 + 1}, y, 1e-15);
    Graph eps = oneNode(new Op.LayerNorm(0, 1e-5), f(2, 2), f(2, 2), List.of("x", "s"), "s", constant(s(), 1));
    double d = 1 / Math.sqrt(1.25 + 1e-5);
    assertValues(new double[] {-1.5 * d, -0.5 * d, 0.5 * d, 1.5 * d}, run(eps, arr(s(2, 2), 1, 2, 3, 4)), 1e-15);
  }

  @Test
  void softmaxOnLastAndMiddleAxis() {
    Graph g = unary(new Op.Softmax(1, null, null, null), fb(3), fb(3));
    NdArray y = run(g, arr(s(2, 3), 0, Math.log(2), Math.log(3), 1000, 1000, 1000));
    assertValues(new double[] {1 / 6.0, 2 / 6.0, 3 / 6.0, 1 / 3.0, 1 / 3.0, 1 / 3.0}, y, 1e-15);
    // axis 1 of [1,2,2]: pairs (x[0,0,j], x[0,1,j])
    Graph mid = unary(new Op.Softmax(1, null, null, null), f(1, 2, 2), f(1, 2, 2));
    NdArray m = run(mid, arr(s(1, 2, 2), 0, 5, Math.log(3), 5));
    assertValues(new double[] {0.25, 0.5, 0.75, 0.5}, m, 1e-15);
  }

  @Test
  void reduceMeanKeepAndDrop() {
    Graph drop = unary(new Op.ReduceMean(new int[] {1}, false), f(2, 3), f(2));
    assertExact(new double[] {1, 4}, run(drop, iota(2, 3)));
    Graph keep = unary(new Op.ReduceMean(new int[] {0, 2}, true), f(2, 2, 2), f(1, 2, 1));
    assertExact(new double[] {(0 + 1 + 4 + 5) / 4.0, (2 + 3 + 6 + 7) / 4.0}, run(keep, iota(2, 2, 2)));
    Graph all = unary(new Op.ReduceMean(new int[0], false), f(2, 2), f());
    assertExact(new double[] {1.5}, run(all, iota(2, 2)));
  }
}
