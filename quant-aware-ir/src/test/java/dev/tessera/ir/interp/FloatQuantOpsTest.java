package dev.tessera.ir.interp;

import static dev.tessera.ir.interp.FloatTestGraphs.arr;
import static dev.tessera.ir.interp.FloatTestGraphs.assertExact;
import static dev.tessera.ir.interp.FloatTestGraphs.constant;
import static dev.tessera.ir.interp.FloatTestGraphs.f;
import static dev.tessera.ir.interp.FloatTestGraphs.oneNode;
import static dev.tessera.ir.interp.FloatTestGraphs.run;
import static dev.tessera.ir.interp.FloatTestGraphs.s;
import static dev.tessera.ir.interp.FloatTestGraphs.t;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.op.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * QONNX Quant, BipolarQuant and Trunc against values worked out by hand from the QONNX reference formulas, and
 * ONNX QuantizeLinear/DequantizeLinear.
 */
class FloatQuantOpsTest {

  private static final double[] TABLE = {5.5, 2.5, 1.6, 1.1, 1.0, -1.0, -1.1, -1.6, -2.5, -5.5};

  private static NdArray quant(double[] x, double scale, double zp, double bits, boolean signed, boolean narrow,
      String mode) {
    Graph g = oneNode(new Op.Quant(signed, narrow, mode), f(x.length), f(x.length), List.of("x", "s", "z", "b"),
        "s", constant(s(), scale), "z", constant(s(), zp), "b", constant(s(), bits));
    return run(g, arr(s(x.length), x));
  }

  @Test
  void quantRoundingModesAtTiesFollowTheQonnxTable() {
    assertExact(new double[] {6, 2, 2, 1, 1, -1, -1, -2, -2, -6}, quant(TABLE, 1, 0, 8, true, false, "ROUND"));
    assertExact(new double[] {6, 3, 2, 2, 1, -1, -1, -1, -2, -5}, quant(TABLE, 1, 0, 8, true, false, "CEIL"));
    assertExact(new double[] {5, 2, 1, 1, 1, -1, -2, -2, -3, -6}, quant(TABLE, 1, 0, 8, true, false, "FLOOR"));
    assertExact(new double[] {6, 3, 2, 1, 1, -1, -1, -2, -3, -6}, quant(TABLE, 1, 0, 8, true, false, "HALF_UP"));
    assertExact(new double[] {5, 2, 2, 1, 1, -1, -1, -2, -2, -5},
        quant(TABLE, 1, 0, 8, true, false, "half_down"));
    assertExact(new double[] {6, 3, 2, 2, 1, -1, -2, -2, -3, -6}, quant(TABLE, 1, 0, 8, true, false, "UP"));
    assertExact(new double[] {5, 2, 1, 1, 1, -1, -1, -1, -2, -5}, quant(TABLE, 1, 0, 8, true, false, "DOWN"));
    assertExact(new double[] {5, 2, 1, 1, 1, -1, -1, -1, -2, -5},
        quant(TABLE, 1, 0, 8, true, false, "ROUND_TO_ZERO"));
  }

  @Test
  void quantClampsToTheBitWidthRange() {
    double[] x = {-20, -8.4, -7.6, 6.6, 7.4, 20};
    // signed 4 bit: [-8, 7]; clamped first, then rounded
    assertExact(new double[] {-8, -8, -8, 7, 7, 7}, quant(x, 1, 0, 4, true, false, "ROUND"));
    // narrow signed: [-7, 7]
    assertExact(new double[] {-7, -7, -7, 7, 7, 7}, quant(x, 1, 0, 4, true, true, "ROUND"));
    // unsigned: [0, 15]; narrow unsigned: [0, 14]
    assertExact(new double[] {0, 0, 0, 7, 7, 15}, quant(x, 1, 0, 4, false, false, "ROUND"));
    assertExact(new double[] {0, 0, 0, 7, 7, 14}, quant(x, 1, 0, 4, false, true, "ROUND"));
    // CEIL near the top: 6.6 -> 7, 7.4 clamps to 7
    assertExact(new double[] {-8, -8, -7, 7, 7, 7}, quant(x, 1, 0, 4, true, false, "CEIL"));
  }

  @Test
  void quantWithScaleAndZeroPoint() {
    // s = 0.5, z = 3, unsigned 4 bit: 1.3 -> 5.6 -> 6 -> 1.5; -2 -> -1 -> 0 -> -1.5; 10 -> 23 -> 15 -> 6
    assertExact(new double[] {1.5, -1.5, 6}, quant(new double[] {1.3, -2, 10}, 0.5, 3, 4, false, false, "ROUND"));
    // the jet tagger's weights: ap_fixed<6,1> = Quant(scale 2^-5, 6 bits, signed)
    assertExact(new double[] {0.40625, -1, 0.96875, 0.0625},
        quant(new double[] {0.4, -1.3, 0.99, 0.046875}, 0.03125, 0, 6, true, false, "ROUND"));
  }

  @Test
  void oneBitSignedQuantIsBipolar() {
    assertExact(new double[] {2, -2, 2}, quant(new double[] {0.3, -0.1, 0}, 2, 0, 1, true, false, "ROUND"));
    // unsigned one bit is the ordinary range [0, 1]
    assertExact(new double[] {0, 1, 0}, quant(new double[] {-3, 0.7, 0.2}, 1, 0, 1, false, false, "ROUND"));
  }

  @Test
  void quantPerChannelScaleBroadcasts() {
    Graph g = oneNode(new Op.Quant(true, false, "ROUND"), f(2, 3), f(2, 3), List.of("x", "s", "z", "b"),
        "s", constant(s(1, 3), 1, 0.5, 0.25), "z", constant(s(), 0), "b", constant(s(), 8));
    assertExact(new double[] {1, 1, 0.75, -2, -64, 31.75},
        run(g, arr(s(2, 3), 1.2, 1.2, 0.8, -2.4, -100.6, 1000)));
  }

  @Test
  void quantRejectsUnknownModesAndFractionalBitWidths() {
    UnsupportedOpException e = assertThrows(UnsupportedOpException.class,
        () -> quant(new double[] {1}, 1, 0, 8, true, false, "BANKERS"));
    assertTrue(e.getMessage().startsWith("node 'n' (Quant): unknown rounding mode 'BANKERS'"), e.getMessage());
    UnsupportedOpException w = assertThrows(UnsupportedOpException.class,
        () -> quant(new double[] {1}, 1, 0, 2.5, true, false, "ROUND"));
    assertTrue(w.getMessage().contains("bit width 2.5 must be an integer"), w.getMessage());
  }

  @Test
  void bipolarQuant() {
    Graph g = oneNode(new Op.BipolarQuant(), f(4), f(4), List.of("x", "s"), "s", constant(s(), 0.5));
    assertExact(new double[] {0.5, 0.5, -0.5, 0.5}, run(g, arr(s(4), 3, 0, -0.001, 1e-9)));
  }

  private static NdArray trunc(double[] x, String mode, double scale, double zp, double inBits, double outBits) {
    Graph g = oneNode(new Op.Trunc(mode, true, false), f(x.length), f(x.length),
        List.of("x", "s", "z", "i", "o"), "s", constant(s(), scale), "z", constant(s(), zp),
        "i", constant(s(), inBits), "o", constant(s(), outBits));
    return run(g, arr(s(x.length), x));
  }

  @Test
  void truncV1DropsLowBitsAndRescalesWithTheInputScale() {
    // 100 / 2^(10-4) = 1.5625
    assertExact(new double[] {1, -2}, trunc(new double[] {100, -100}, "FLOOR", 1, 0, 10, 4));
    assertExact(new double[] {2, -2}, trunc(new double[] {100, -100}, "ROUND", 1, 0, 10, 4));
    assertExact(new double[] {2, -1}, trunc(new double[] {100, -100}, "CEIL", 1, 0, 10, 4));
    // scale 0.5: 50.3 -> 100.6 -> 101 -> 1.578 -> 1 -> 0.5
    assertExact(new double[] {0.5}, trunc(new double[] {50.3}, "FLOOR", 0.5, 0, 10, 4));
    // a tie after the shift: 96 / 64 = 1.5 rounds to even 2, 160 / 64 = 2.5 to 2
    assertExact(new double[] {2, 2}, trunc(new double[] {96, 160}, "ROUND", 1, 0, 10, 4));
  }

  @Test
  void truncV2ClampsToTheOutputWidthAndUsesTheOutputScale() {
    // inputs x, scale 0.25, zero point 0, in bits 8, out scale 1, out bits 4 (signed)
    Graph g = oneNode(new Op.Trunc("FLOOR", true, false), f(4), f(4), List.of("x", "s", "z", "i", "os", "o"),
        "s", constant(s(), 0.25), "z", constant(s(), 0), "i", constant(s(), 8), "os", constant(s(), 1),
        "o", constant(s(), 4));
    // 3.3 -> 13.2 -> 13 -> /4 = 3.25 -> 3; 30 -> 120 -> 30 -> clamp 7; -31.9 -> -128 -> -32 -> -8; -0.3 -> -1 ->
    // -0.25 -> floor -1
    assertExact(new double[] {3, 7, -8, -1}, run(g, arr(s(4), 3.3, 30, -31.9, -0.3)));
  }

  @Test
  void truncWithFourInputsIsUnsupported() {
    Graph g = oneNode(new Op.Trunc("FLOOR", true, false), f(1), f(1), List.of("x", "s", "z", "i"),
        "s", constant(s(), 1), "z", constant(s(), 0), "i", constant(s(), 8));
    UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> new FloatInterpreter(g));
    assertTrue(e.getMessage().contains("trunc takes 5 inputs"), e.getMessage());
  }

  @Test
  void quantizeLinearRoundsHalfToEvenAndSaturates() {
    double[] x = {0, 1, 2.5, 3.5, -2.5, 300, -300};
    Graph i8 = oneNode(new Op.QuantizeLinear(0, DType.INT8, true), f(7), t(DType.INT8, 7), List.of("x", "s"),
        "s", constant(s(), 1));
    assertExact(new double[] {0, 1, 2, 4, -2, 127, -128}, run(i8, arr(s(7), x)));
    Graph u8 = oneNode(new Op.QuantizeLinear(0, DType.UINT8, true), f(7), t(DType.UINT8, 7),
        List.of("x", "s", "z"), "s", constant(s(), 1), "z", Tensor.ofValues(DType.UINT8, s(), new double[] {128}));
    assertExact(new double[] {128, 129, 130, 132, 126, 255, 0}, run(u8, arr(s(7), x)));
  }

  @Test
  void quantizeAndDequantizePerAxis() {
    Graph q = oneNode(new Op.QuantizeLinear(0, DType.INT8, true), f(2, 3), t(DType.INT8, 2, 3),
        List.of("x", "s", "z"), "s", constant(s(2), 1, 2),
        "z", Tensor.ofValues(DType.INT8, s(2), new double[] {0, -10}));
    assertExact(new double[] {1, 2, 3, -8, -8, -10}, run(q, arr(s(2, 3), 1.4, 2.5, 3, 4, 3, 0)));
    Graph d = oneNode(new Op.DequantizeLinear(1), t(DType.INT8, 2, 2), f(2, 2), List.of("x", "s", "z"),
        "s", constant(s(2), 0.5, 2), "z", Tensor.ofValues(DType.INT8, s(2), new double[] {-1, 3}));
    assertExact(new double[] {0.5, -6, 64, 248}, run(d, arr(s(2, 2), 0, 0, 127, 127)));
  }

  @Test
  void dequantizePerTensor() {
    Graph d = oneNode(new Op.DequantizeLinear(0), t(DType.INT8, 3), f(3), List.of("x", "s", "z"),
        "s", constant(s(), 0.5), "z", Tensor.ofValues(DType.INT8, s(), new double[] {-1}));
    assertExact(new double[] {-63.5, 0.5, 64}, run(d, arr(s(3), -128, 0, 127)));
  }

  @Test
  void blockedScalesAreUnsupported() {
    Graph q = oneNode(new Op.QuantizeLinear(0, DType.INT8, true), f(2, 4), t(DType.INT8, 2, 4), List.of("x", "s"),
        "s", constant(s(2, 2), 1, 1, 1, 1));
    UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> new FloatInterpreter(q));
    assertTrue(e.getMessage().contains("blocked quantization"), e.getMessage());
  }
}
