package dev.tessera.importer.ops;

import static dev.tessera.importer.testing.OnnxBuilder.FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.importer.testing.OnnxBuilder;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * QONNX Quant/IntQuant, BipolarQuant and Trunc cannot run in ONNX Runtime: these models go through the importer
 * and the float interpreter and are checked against values worked out by hand from the QONNX reference formulas
 * (scale, add zero point, clamp to the bit-width range, round by the mode, subtract zero point, rescale).
 */
class QonnxOpsTest {

  private static final double[] TABLE = {5.5, 2.5, 1.6, 1.1, 1.0, -1.0, -1.1, -1.6, -2.5, -5.5};

  private static double[] run(byte[] model, double... x) {
    NdArray in = new NdArray(new long[] {1, x.length}, x);
    return new FloatInterpreter(OnnxImporter.load(model, "qonnx")).run(Map.of("x", in)).get("y").data();
  }

  private static byte[] quant(String domain, String op, float scale, float zp, float bits, long signed, long narrow,
      String mode, int n) {
    OnnxBuilder.NodeBuilder node = OnnxBuilder.model(13).opset(domain, 1).input("x", FLOAT, "N", n)
        .initializer(OnnxBuilder.scalar("s", scale)).initializer(OnnxBuilder.scalar("z", zp))
        .initializer(OnnxBuilder.scalar("b", bits))
        .node(op).domain(domain).in("x", "s", "z", "b").out("y").attr("signed", signed).attr("narrow", narrow);
    if (mode != null) {
      node.attr("rounding_mode", mode);
    }
    return node.model().output("y", FLOAT, "N", n).build();
  }

  @Test
  void quantRoundingModesOfTheQonnxTable() {
    String d = "qonnx.custom_op.general";
    assertArrayEquals(new double[] {6, 2, 2, 1, 1, -1, -1, -2, -2, -6},
        run(quant(d, "Quant", 1, 0, 8, 1, 0, null, 10), TABLE));
    assertArrayEquals(new double[] {6, 3, 2, 2, 1, -1, -1, -1, -2, -5},
        run(quant(d, "Quant", 1, 0, 8, 1, 0, "CEIL", 10), TABLE));
    assertArrayEquals(new double[] {5, 2, 1, 1, 1, -1, -2, -2, -3, -6},
        run(quant(d, "IntQuant", 1, 0, 8, 1, 0, "floor", 10), TABLE));
    assertArrayEquals(new double[] {6, 3, 2, 1, 1, -1, -1, -2, -3, -6},
        run(quant(d, "Quant", 1, 0, 8, 1, 0, "HALF_UP", 10), TABLE));
    assertArrayEquals(new double[] {5, 2, 2, 1, 1, -1, -1, -2, -2, -5},
        run(quant(d, "Quant", 1, 0, 8, 1, 0, "HALF_DOWN", 10), TABLE));
    assertArrayEquals(new double[] {6, 3, 2, 2, 1, -1, -2, -2, -3, -6},
        run(quant(d, "Quant", 1, 0, 8, 1, 0, "UP", 10), TABLE));
    assertArrayEquals(new double[] {5, 2, 1, 1, 1, -1, -1, -1, -2, -5},
        run(quant(d, "Quant", 1, 0, 8, 1, 0, "ROUND_TO_ZERO", 10), TABLE));
  }

  @Test
  void quantRangesInTheOldFinnDomain() {
    String d = "finn.custom_op.general";
    double[] x = {-20, -7.6, 6.6, 7.4, 20};
    assertArrayEquals(new double[] {-8, -8, 7, 7, 7}, run(quant(d, "Quant", 1, 0, 4, 1, 0, "ROUND", 5), x));
    assertArrayEquals(new double[] {-7, -7, 7, 7, 7}, run(quant(d, "Quant", 1, 0, 4, 1, 1, "ROUND", 5), x));
    assertArrayEquals(new double[] {0, 0, 7, 7, 15}, run(quant(d, "Quant", 1, 0, 4, 0, 0, "ROUND", 5), x));
    assertArrayEquals(new double[] {0, 0, 7, 7, 14}, run(quant(d, "Quant", 1, 0, 4, 0, 1, "ROUND", 5), x));
  }

  @Test
  void quantWithScaleZeroPointAndTheJetTaggerTypes() {
    String d = "qonnx.custom_op.general";
    // s 0.5, z 3, unsigned 4 bit: 1.3 -> 5.6 -> 6 -> 1.5; -2 -> -1 -> 0 -> -1.5; 10 -> 23 -> 15 -> 6
    assertArrayEquals(new double[] {1.5, -1.5, 6}, run(quant(d, "Quant", 0.5f, 3, 4, 0, 0, "ROUND", 3), 1.3, -2,
        10));
    // activations ap_ufixed<6,0>: Quant(2^-6, 6 bits, unsigned); 0.3 -> 19.2 -> 19/64; 1.2 -> 63/64
    assertArrayEquals(new double[] {19 / 64.0, 63 / 64.0, 0, 32 / 64.0},
        run(quant(d, "Quant", 1 / 64f, 0, 6, 0, 0, "ROUND", 4), 0.3, 1.2, -0.4, 0.5));
  }

  @Test
  void bipolarQuantInTheBrevitasDomain() {
    String d = "onnx.brevitas";
    byte[] m = OnnxBuilder.model(13).opset(d, 1).input("x", FLOAT, "N", 4)
        .initializer(OnnxBuilder.scalar("s", 0.75f)).node("BipolarQuant").domain(d).in("x", "s").out("y").model()
        .output("y", FLOAT, "N", 4).build();
    assertArrayEquals(new double[] {0.75, 0.75, -0.75, -0.75}, run(m, 2, 0, -1e-3, -9));
  }

  @Test
  void truncVersionOne() {
    String d = "qonnx.custom_op.general";
    byte[] m = OnnxBuilder.model(13).opset(d, 1).input("x", FLOAT, "N", 4)
        .initializer(OnnxBuilder.scalar("s", 0.5f)).initializer(OnnxBuilder.scalar("z", 0))
        .initializer(OnnxBuilder.scalar("ib", 10)).initializer(OnnxBuilder.scalar("ob", 4))
        .node("Trunc").domain(d).in("x", "s", "z", "ib", "ob").out("y").attr("rounding_mode", "FLOOR").model()
        .output("y", FLOAT, "N", 4).build();
    // x / 0.5 rounded, divided by 2^6, floored, times 0.5: 50.3 -> 101 -> 1.578 -> 1 -> 0.5
    assertArrayEquals(new double[] {0.5, -1, 0, 3.5}, run(m, 50.3, -50, 15.9, 250));
  }

  @Test
  void truncVersionTwoClampsAtTheOutputWidth() {
    String d = "qonnx.custom_op.general";
    byte[] m = OnnxBuilder.model(13).opset(d, 2).input("x", FLOAT, "N", 4)
        .initializer(OnnxBuilder.scalar("s", 0.25f)).initializer(OnnxBuilder.scalar("z", 0))
        .initializer(OnnxBuilder.scalar("ib", 8)).initializer(OnnxBuilder.scalar("os", 1))
        .initializer(OnnxBuilder.scalar("oz", 0)).initializer(OnnxBuilder.scalar("ob", 4))
        .node("Trunc").domain(d).in("x", "s", "z", "ib", "os", "oz", "ob").out("y")
        .attr("rounding_mode", "FLOOR").attr("signed", 1L).model().output("y", FLOAT, "N", 4).build();
    // 3.3 -> 13 -> 3.25 -> 3; 30 -> 120 -> 30 -> 7; -31.9 -> -128 -> -32 -> -8; -0.3 -> -1 -> -0.25 -> -1
    assertArrayEquals(new double[] {3, 7, -8, -1}, run(m, 3.3, 30, -31.9, -0.3));
  }
}
