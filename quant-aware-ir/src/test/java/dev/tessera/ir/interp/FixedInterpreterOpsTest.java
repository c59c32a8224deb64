package dev.tessera.ir.interp;

import static dev.tessera.ir.interp.FixedTestGraphs.graph;
import static dev.tessera.ir.interp.FixedTestGraphs.raw;
import static dev.tessera.ir.interp.FixedTestGraphs.run;
import static dev.tessera.ir.interp.FixedTestGraphs.s;
import static dev.tessera.ir.interp.FixedTestGraphs.t;
import static dev.tessera.ir.interp.FixedTestGraphs.unary;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each op on a tiny graph with raw values computed by hand from docs/fixed-point.md section 5. */
class FixedInterpreterOpsTest {

  private static final double SELU_ALPHA = 1.6732632423543772;
  private static final double SELU_GAMMA = 1.0507009873554805;

  // ------------------------------------------------------------------------------------------------ dense

  private static Graph dense(String accum, String ty, long rows, long[] x) {
    return unary(new Op.Dense(accum == null ? null : t(accum)), "fixed<8,4>", s(rows, 2), ty, s(rows, 2),
        raw("fixed<8,2>", s(2, 2), 64, 32, -64, 96), raw("fixed<8,3>", s(2), 16, -32));
  }

  @Test
  void denseSumsExactlyThenQuantizesTheOutput() {
    // W = [[1, 0.5], [-1, 1.5]], b = [0.5, -1]; x = [1, -0.5] -> [2, -1.25]
    assertArrayEquals(new long[] {32, -20}, run(dense(null, "fixed<8,4>", 1, null), new long[] {16, -8}));
    // x = [1/16, 0] -> [0.5625, -0.96875]; -15.5 LSB floors to -16
    assertArrayEquals(new long[] {9, -16}, run(dense(null, "fixed<8,4>", 1, null), new long[] {1, 0}));
    // x = [7.9375, 7.9375] -> [0.5, 14.875]: the second saturates
    assertArrayEquals(new long[] {8, 127, 32, -20},
        run(dense(null, "fixed<8,4,TRN,SAT>", 2, null), new long[] {127, 127, 16, -8}));
    // a sized accumulator gives the same result as the exact one
    assertArrayEquals(new long[] {32, -20}, run(dense("fixed<24,12>", "fixed<8,4>", 1, null), new long[] {16, -8}));
  }

  private static Graph narrow(String accum) {
    return unary(new Op.Dense(accum == null ? null : t(accum)), "int<8>", s(1, 3), "int<8>", s(1, 1),
        raw("int<8>", s(3, 1), 1, 1, 1));
  }

  @Test
  void aNarrowAccumulatorFollowsTheDocumentedOrder() {
    long[] x = {7, 7, -6};
    assertArrayEquals(new long[] {8}, run(narrow(null), x));
    assertArrayEquals(new long[] {8}, run(narrow("fixed<8,8>"), x));
    assertArrayEquals(new long[] {1}, run(narrow("fixed<4,4,TRN,SAT>"), x)); // 7, 14 -> 7, 1
    assertArrayEquals(new long[] {-8}, run(narrow("fixed<4,4>"), x)); // 7, 14 -> -2, -8
  }

  @Test
  void aNarrowAccumulatorRoundsEachProduct() {
    Graph exact = unary(new Op.Dense(null), "fixed<8,4>", s(1, 1), "fixed<16,8>", s(1, 1),
        raw("fixed<8,4>", s(1, 1), 1));
    Graph coarse = unary(new Op.Dense(t("fixed<16,12>")), "fixed<8,4>", s(1, 1), "fixed<16,8>", s(1, 1),
        raw("fixed<8,4>", s(1, 1), 1));
    assertArrayEquals(new long[] {1}, run(exact, new long[] {1})); // 2^-8
    assertArrayEquals(new long[] {0}, run(coarse, new long[] {1})); // floor to 2^-4
    assertArrayEquals(new long[] {-16}, run(coarse, new long[] {-1})); // floor of -2^-8 is -2^-4
  }

  @Test
  void wideTypesTakeTheBigIntegerPath() {
    Graph g = unary(new Op.Dense(null), "fixed<100,50>", s(1, 1), "fixed<8,4,TRN,SAT>", s(1, 1),
        raw("fixed<8,4>", s(1, 1), 24));
    assertArrayEquals(new long[] {127}, run(g, new long[] {1L << 60})); // 2^10 * 1.5 saturates
    assertArrayEquals(new long[] {-24}, run(g, new long[] {-(1L << 50)})); // -1 * 1.5
  }

  // ------------------------------------------------------------------------------------------------ conv

  private static Op.Conv conv(long[] kernel, long[] strides, long[] pb, long[] pe, long[] dil, int group,
      String accum) {
    return new Op.Conv(kernel, strides, pb, pe, dil, group, accum == null ? null : t(accum));
  }

  @Test
  void conv1dWithPaddingBiasAndSaturation() {
    Op.Conv op = conv(s(3), s(1), s(1), s(1), s(1), 1, null);
    Graph g = unary(op, "int<8>", s(1, 1, 4), "fixed<5,5,TRN,SAT>", s(1, 1, 4), raw("int<8>", s(1, 1, 3), 1, -1, 2),
        raw("int<8>", s(1), 10));
    // windows [pad,1,2] [1,2,3] [2,3,4] [3,4,pad] . [1,-1,2] = 3, 5, 7, -1; + 10
    assertArrayEquals(new long[] {13, 15, 15, 9}, run(g, new long[] {1, 2, 3, 4}));
  }

  @Test
  void conv1dWithStrideAndDilation() {
    Op.Conv op = conv(s(2), s(2), s(0), s(0), s(2), 1, null);
    Graph g = unary(op, "int<8>", s(1, 1, 5), "int<8>", s(1, 1, 2), raw("int<8>", s(1, 1, 2), 1, 1));
    assertArrayEquals(new long[] {4, 8}, run(g, new long[] {1, 2, 3, 4, 5}));
  }

  @Test
  void conv2dGroupsTakeTheirOwnChannels() {
    Op.Conv op = conv(s(2, 2), s(1, 1), s(0, 0), s(0, 0), s(1, 1), 2, null);
    Graph g = unary(op, "int<8>", s(1, 2, 2, 2), "int<8>", s(1, 2, 1, 1),
        raw("int<8>", s(2, 1, 2, 2), 1, 0, 0, 1, 0, 1, 1, 0));
    assertArrayEquals(new long[] {5, 13}, run(g, new long[] {1, 2, 3, 4, 5, 6, 7, 8}));
  }

  @Test
  void convAccumulatesChannelFirstThenKernelRowThenColumn() {
    // channels [7, 7] and [-7, -7], 1x2 kernel of ones: channel-first order is 7, 14 -> 7 (SAT), 0, -7
    Op.Conv op = conv(s(1, 2), s(1, 1), s(0, 0), s(0, 0), s(1, 1), 1, "fixed<4,4,TRN,SAT>");
    Graph g = unary(op, "int<8>", s(1, 2, 1, 2), "int<8>", s(1, 1, 1, 1), raw("int<8>", s(1, 2, 1, 2), 1, 1, 1, 1));
    assertArrayEquals(new long[] {-7}, run(g, new long[] {7, 7, -7, -7}));
    // one channel [[7, 7], [-7, -7]], 2x2 kernel: row-major order is 7, 14 -> 7, 0, -7
    Op.Conv op2 = conv(s(2, 2), s(1, 1), s(0, 0), s(0, 0), s(1, 1), 1, "fixed<4,4,TRN,SAT>");
    Graph g2 = unary(op2, "int<8>", s(1, 1, 2, 2), "int<8>", s(1, 1, 1, 1), raw("int<8>", s(1, 1, 2, 2), 1, 1, 1, 1));
    assertArrayEquals(new long[] {-7}, run(g2, new long[] {7, 7, -7, -7}));
    // the exact accumulator gives 0
    Op.Conv exact = conv(s(2, 2), s(1, 1), s(0, 0), s(0, 0), s(1, 1), 1, null);
    Graph g3 = unary(exact, "int<8>", s(1, 1, 2, 2), "int<8>", s(1, 1, 1, 1),
        raw("int<8>", s(1, 1, 2, 2), 1, 1, 1, 1));
    assertArrayEquals(new long[] {0}, run(g3, new long[] {7, 7, -7, -7}));
  }

  // ------------------------------------------------------------------------------------------------ binary

  private static Graph binary(Op.BinaryKind k, long[] as, long[] bs, long[] ys, String ty) {
    return graph(new Op.Binary(k), List.of(new TensorType(t("fixed<8,4>"), Shape.of(as)),
        new TensorType(t("fixed<8,6>"), Shape.of(bs))), List.of(), new TensorType(t(ty), Shape.of(ys)));
  }

  @Test
  void addAndSubAlignFractionsExactlyAndRoundTiesToEven() {
    String ty = "fixed<6,4,RND_CONV,WRAP>"; // two fraction bits
    long[] a = {2, -2, 6, 10}; // 0.125, -0.125, 0.375, 0.625
    long[] b = {1, -1, 0, 0}; // 0.25, -0.25, 0, 0
    assertArrayEquals(new long[] {2, -2, 2, 2}, run(binary(Op.BinaryKind.ADD, s(4), s(4), s(4), ty), a, b));
    assertArrayEquals(new long[] {0, 0, 2, 2}, run(binary(Op.BinaryKind.SUB, s(4), s(4), s(4), ty), a, b));
    // 7.9375 + 31.75 = 39.6875 -> 158.75 LSB -> 159 -> wraps in 6 bits to 31
    assertArrayEquals(new long[] {31}, run(binary(Op.BinaryKind.ADD, s(1), s(1), s(1), ty), s(127), s(127)));
  }

  @Test
  void mulIsExactAndBroadcasts() {
    String ty = "fixed<6,4,RND_CONV,WRAP>";
    // [[0.75, -0.75], [0.25, 0.5]] * [1.25, 0.5] = [[0.9375, -0.375], [0.3125, 0.25]] -> 3.75, -1.5, 1.25, 1 LSB
    assertArrayEquals(new long[] {4, -2, 1, 1},
        run(binary(Op.BinaryKind.MUL, s(2, 2), s(2), s(2, 2), ty), new long[] {12, -12, 4, 8}, new long[] {5, 2}));
  }

  @Test
  void matMulOfTwoVariablesIsExact() {
    Graph g = graph(new Op.MatMul(), List.of(new TensorType(t("fixed<8,4>"), Shape.of(2, 2)),
        new TensorType(t("fixed<8,4>"), Shape.of(2, 1))), List.of(), new TensorType(t("fixed<8,4>"), Shape.of(2, 1)));
    // [[1, 2], [-1, 0.5]] . [1, -0.5] = [0, -1.25]
    assertArrayEquals(new long[] {0, -20}, run(g, new long[] {16, 32, -16, 8}, new long[] {16, -8}));
  }

  // ------------------------------------------------------------------------------------------------ activations

  @Test
  void reluQuantizesTheMaximumWithZero() {
    Graph g = unary(new Op.Relu(), "fixed<8,4>", s(5), "fixed<4,2,TRN,SAT>", s(5));
    assertArrayEquals(new long[] {0, 0, 0, 1, 7}, run(g, new long[] {-128, -1, 0, 5, 127}));
  }

  @Test
  void leakyReluQuantizesAlphaToTheParameterType() {
    // alpha = 0.1 -> 1638 * 2^-14 by default
    Graph g = unary(new Op.LeakyRelu(0.1, null), "fixed<8,4>", s(3), "fixed<16,6>", s(3));
    assertArrayEquals(new long[] {-103, 1024, -7}, run(g, new long[] {-16, 16, -1}));
    // alpha in fixed<8,1,RND,SAT>: 12.8 -> 13 * 2^-7
    Graph p = unary(new Op.LeakyRelu(0.1, t("fixed<8,1,RND,SAT>")), "fixed<8,4>", s(1), "fixed<16,6>", s(1));
    assertArrayEquals(new long[] {-104}, run(p, new long[] {-16}));
  }

  @Test
  void clipQuantizesFirstThenClampsToBoundsRoundedInTheOutputType() {
    // bounds -0.3 -> -4.8 -> -5 and 0.71 -> 11.36 -> 11 LSB
    Graph g = unary(new Op.Clip(-0.3, 0.71), "fixed<8,4>", s(6), "fixed<8,4>", s(6));
    assertArrayEquals(new long[] {-5, -5, -4, 11, 11, 0}, run(g, new long[] {-128, -5, -4, 11, 12, 0}));
    // in fixed<6,3> (WRAP): -8 wraps to 0 before the clamp; bounds -2.4 -> -2, 5.68 -> 6
    Graph w = unary(new Op.Clip(-0.3, 0.71), "fixed<8,4>", s(4), "fixed<6,3>", s(4));
    assertArrayEquals(new long[] {0, 6, 6, -2}, run(w, new long[] {-128, 12, 13, -5}));
    Graph open = unary(new Op.Clip(Double.NEGATIVE_INFINITY, 0.5), "fixed<8,4>", s(2), "fixed<8,4>", s(2));
    assertArrayEquals(new long[] {-128, 8}, run(open, new long[] {-128, 100}));
  }

  @Test
  void hardSigmoidIsExactInsideAndClampsToOne() {
    // alpha 0.2 -> 3277, beta 0.5 -> 8192 (2^-14); output ufixed<9,1>, 8 fraction bits
    Graph g = unary(new Op.HardSigmoid(0.2, 0.5, null), "fixed<8,4>", s(4), "ufixed<9,1>", s(4));
    assertArrayEquals(new long[] {179, 256, 0, 128}, run(g, new long[] {16, 48, -48, 0}));
  }

  @Test
  void seluUsesTheScaledInputAboveZeroAndTheTableBelow() {
    Graph g = unary(new Op.Selu(SELU_ALPHA, SELU_GAMMA, null, null), "fixed<8,4>", s(4), "fixed<16,6>", s(4));
    // gamma -> 17215 * 2^-14; x = 1: 1075.94 -> 1075. x = -1: entry 896 (v = -0.99609375); -8: entry 0; -1/16: 1016
    assertArrayEquals(new long[] {1075, -1135, -1800, -102}, run(g, new long[] {16, -16, -128, -1}));
  }

  @Test
  void eluHasAnExactUnitSlopeAboveZero() {
    Graph g = unary(new Op.Elu(1.0, null, null), "fixed<8,4>", s(2), "fixed<16,6>", s(2));
    assertArrayEquals(new long[] {1024, -646}, run(g, new long[] {16, -16}));
  }

  @Test
  void sigmoidAndTanhIndexTheirTableAndClampAtBothEnds() {
    Graph g = unary(new Op.Sigmoid(null), "fixed<8,4>", s(3), "fixed<16,6>", s(3));
    assertArrayEquals(new long[] {514, 0, 1024}, run(g, new long[] {0, -128, 127}));
    Graph ints = unary(new Op.Sigmoid(null), "int<8>", s(3), "fixed<16,6>", s(3));
    assertArrayEquals(new long[] {0, 1024, 976}, run(ints, new long[] {-100, 100, 3}));
    Graph tanh = unary(new Op.Tanh(null), "fixed<8,4>", s(1), "fixed<16,6>", s(1));
    assertArrayEquals(new long[] {8}, run(tanh, new long[] {0}));
  }

  // ------------------------------------------------------------------------------------------------ softmax

  @Test
  void stableSoftmaxFollowsTheTableSteps() {
    // R = 4: exp over [-16, 0); d = 0, -1, -2 -> entries 1023, 960, 896 -> 1016, 380, 140 (2^-10)
    // S = 1536 (1.5) -> inverse entry 384 -> 682; y = e * 682 >> 10 -> 676, 253, 93
    Graph g = unary(new Op.Softmax(1, SoftmaxMode.STABLE, null, null), "fixed<8,4>", s(1, 3), "fixed<16,6>",
        s(1, 3));
    assertArrayEquals(new long[] {676, 253, 93}, run(g, new long[] {16, 0, -16}));
  }

  @Test
  void latencySoftmaxSkipsTheMaximum() {
    // exp over [-8, 8): entries 576, 512, 448 -> 2805, 1032, 380; S = 4217 -> last inverse entry -> 256
    Graph g = unary(new Op.Softmax(1, SoftmaxMode.LATENCY, null, null), "fixed<8,4>", s(1, 3), "fixed<16,6>",
        s(1, 3));
    assertArrayEquals(new long[] {701, 258, 95}, run(g, new long[] {16, 0, -16}));
  }

  @Test
  void argmaxSoftmaxIsOneHotAtTheFirstMaximumAlongItsAxis() {
    Graph g = unary(new Op.Softmax(1, SoftmaxMode.ARGMAX, null, null), "fixed<8,4>", s(1, 4), "fixed<16,6>",
        s(1, 4));
    assertArrayEquals(new long[] {0, 1024, 0, 0}, run(g, new long[] {3, 7, 7, -1}));
    Graph mid = unary(new Op.Softmax(1, SoftmaxMode.ARGMAX, null, null), "fixed<8,4>", s(1, 3, 2), "fixed<16,6>",
        s(1, 3, 2));
    assertArrayEquals(new long[] {0, 1024, 1024, 0, 0, 0}, run(mid, new long[] {1, 9, 5, 2, 3, 4}));
  }

  // ------------------------------------------------------------------------------------------------ batch norm

  @Test
  void batchNormComputesScaleAndShiftInDoubleThenQuantizesThem() {
    // eps 1: s = [1/2, 2/sqrt(1.25) = 1.789 -> 1.75], t = [0, -1]
    Graph g = unary(new Op.BatchNorm(1.0), "fixed<8,4>", s(1, 2, 2), "fixed<8,4>", s(1, 2, 2),
        raw("fixed<8,4>", s(2), 16, 32), raw("fixed<8,4>", s(2), 8, -16), raw("fixed<8,4>", s(2), 16, 0),
        raw("ufixed<8,4>", s(2), 48, 4));
    assertArrayEquals(new long[] {8, -8, 12, -11}, run(g, new long[] {16, -16, 16, 3}));
  }

  // ------------------------------------------------------------------------------------------------ pooling

  @Test
  void maxPoolNeverPicksPadding() {
    Op.MaxPool op = new Op.MaxPool(s(2), s(2), s(1), s(0), s(1));
    Graph g = unary(op, "fixed<8,4>", s(1, 1, 5), "fixed<8,4>", s(1, 1, 3));
    assertArrayEquals(new long[] {-5, -3, -1}, run(g, new long[] {-5, -3, -8, -1, -2}));
    Graph narrow = unary(op, "fixed<8,4>", s(1, 1, 5), "fixed<4,2,TRN,SAT>", s(1, 1, 3));
    assertArrayEquals(new long[] {-2, -1, -1}, run(narrow, new long[] {-5, -3, -8, -1, -2}));
    Graph global = unary(new Op.GlobalMaxPool(), "fixed<8,4>", s(1, 2, 2, 2), "fixed<8,4>", s(1, 2, 1, 1));
    assertArrayEquals(new long[] {3, -6}, run(global, new long[] {1, -2, 3, 0, -7, -6, -9, -8}));
  }

  @Test
  void averagePoolMultipliesTheExactSumByTheQuantizedReciprocal() {
    Graph g = unary(new Op.AveragePool(s(3), s(1), s(0), s(0), false), "int<8>", s(1, 1, 3), "fixed<8,4>",
        s(1, 1, 1));
    assertArrayEquals(new long[] {32}, run(g, new long[] {1, 2, 3})); // 6 * 43691 * 2^-17 = 2.0000153
    Graph incl = unary(new Op.AveragePool(s(3), s(1), s(1), s(1), true), "int<8>", s(1, 1, 3), "fixed<8,4>",
        s(1, 1, 3));
    assertArrayEquals(new long[] {16, 32, 26}, run(incl, new long[] {1, 2, 3}));
    Graph excl = unary(new Op.AveragePool(s(3), s(1), s(1), s(1), false), "int<8>", s(1, 1, 3), "fixed<8,4>",
        s(1, 1, 3));
    assertArrayEquals(new long[] {24, 32, 40}, run(excl, new long[] {1, 2, 3}));
    Graph global = unary(new Op.GlobalAveragePool(), "int<8>", s(1, 1, 2, 2), "fixed<8,4>", s(1, 1, 1, 1));
    assertArrayEquals(new long[] {44}, run(global, new long[] {1, 2, 3, 5})); // 11 / 4 exactly
  }

  // ------------------------------------------------------------------------------------------------ movement

  @Test
  void identityRequantizesToTheOutputType() {
    Graph g = unary(new Op.Identity(), "fixed<8,4>", s(4), "fixed<4,4>", s(4));
    assertArrayEquals(new long[] {7, -8, 2, -3}, run(g, new long[] {127, -128, 40, -40}));
  }

  @Test
  void reshapeTransposeSlicePadAndGatherMoveValues() {
    long[] x = {1, 2, 3, 4, 5, 6};
    assertArrayEquals(x, run(unary(new Op.Reshape(), "int<8>", s(2, 3), "int<8>", s(3, 2)), x));
    assertArrayEquals(new long[] {1, 4, 2, 5, 3, 6},
        run(unary(new Op.Transpose(new int[] {1, 0}), "int<8>", s(2, 3), "int<8>", s(3, 2)), x));
    Op.Slice slice = new Op.Slice(s(1), s(6), new int[] {1}, s(2));
    assertArrayEquals(new long[] {2, 4, 6}, run(unary(slice, "int<8>", s(1, 6), "int<8>", s(1, 3)), x));
    Op.Pad pad = new Op.Pad(s(0, 1), s(0, 2), Op.PadMode.CONSTANT, 0.0);
    assertArrayEquals(new long[] {0, 7, -7, 0, 0},
        run(unary(pad, "int<8>", s(1, 2), "int<8>", s(1, 5)), new long[] {7, -7}));
    Op.Gather gather = new Op.Gather(1, s(2, 0, 2), s(3));
    assertArrayEquals(new long[] {30, 10, 30},
        run(unary(gather, "int<8>", s(1, 3), "int<8>", s(1, 3)), new long[] {10, 20, 30}));
  }

  @Test
  void concatConvertsEachInputToTheOutputType() {
    Graph g = graph(new Op.Concat(1), List.of(new TensorType(t("fixed<8,4>"), Shape.of(1, 2)),
        new TensorType(t("fixed<8,6>"), Shape.of(1, 1))), List.of(), new TensorType(t("fixed<8,4>"), Shape.of(1, 3)));
    assertArrayEquals(new long[] {16, 32, 16}, run(g, new long[] {16, 32}, new long[] {4}));
  }
}
