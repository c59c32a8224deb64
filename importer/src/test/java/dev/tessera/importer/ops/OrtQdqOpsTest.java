package dev.tessera.importer.ops;

import static dev.tessera.importer.ops.OrtReference.cases;
import static dev.tessera.importer.ops.OrtReference.of;
import static dev.tessera.importer.ops.OrtReference.uniform;
import static dev.tessera.importer.testing.OnnxBuilder.FLOAT;
import static dev.tessera.importer.testing.OnnxBuilder.INT16;
import static dev.tessera.importer.testing.OnnxBuilder.INT8;
import static dev.tessera.importer.testing.OnnxBuilder.UINT8;

import dev.tessera.importer.ops.OrtReference.Case;
import dev.tessera.importer.ops.OrtReference.Input;
import dev.tessera.importer.testing.OnnxBuilder;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * ONNX QuantizeLinear and DequantizeLinear against ONNX Runtime: per tensor and per axis, with and without zero
 * point, saturation, and exact ties (x / scale = k + 1/2 rounds to even). Integer outputs must match exactly.
 */
class OrtQdqOpsTest {

  /** Values of x / 0.5 = k + 1/2 for k in -6..5 (exact ties), then values beyond the int8 range. */
  private static Input ties(long... shape) {
    double[] v = new double[OrtReference.count(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = i < 12 ? (i - 6) * 0.5 + 0.25 : (i % 2 == 0 ? 1 : -1) * (70 + i);
    }
    return new Input("x", FLOAT, shape, v);
  }

  @TestFactory
  Stream<DynamicTest> quantize() {
    Random r = new Random(41);
    byte[] u8NoZp = OnnxBuilder.model(13).input("x", FLOAT, "N", 8)
        .initializer(OnnxBuilder.scalar("s", 0.5f)).node("QuantizeLinear").in("x", "s").out("y").model()
        .output("y", UINT8, "N", 8).build();
    byte[] i8 = OnnxBuilder.model(13).input("x", FLOAT, "N", 8)
        .initializer(OnnxBuilder.scalar("s", 0.5f))
        .initializer(OnnxBuilder.ints("z", INT8, new long[0], -3))
        .node("QuantizeLinear").in("x", "s", "z").out("y").model().output("y", INT8, "N", 8).build();
    byte[] u8v10 = OnnxBuilder.model(10).input("x", FLOAT, "N", 8)
        .initializer(OnnxBuilder.scalar("s", 0.05f))
        .initializer(OnnxBuilder.ints("z", UINT8, new long[0], 128))
        .node("QuantizeLinear").in("x", "s", "z").out("y").model().output("y", UINT8, "N", 8).build();
    byte[] perAxis = OnnxBuilder.model(13).input("x", FLOAT, "N", 3, 4)
        .initializer("s", new long[] {3}, 0.5f, 0.25f, 0.03f)
        .initializer(OnnxBuilder.ints("z", INT8, new long[] {3}, 0, 5, -7))
        .node("QuantizeLinear").in("x", "s", "z").out("y").attr("axis", 1L).model()
        .output("y", INT8, "N", 3, 4).build();
    byte[] int16 = OnnxBuilder.model(21).input("x", FLOAT, "N", 4)
        .initializer("s", new long[] {4}, 1e-3f, 2e-3f, 1e-2f, 1e-4f)
        .initializer(OnnxBuilder.ints("z", INT16, new long[] {4}, 0, 100, -100, 0))
        .node("QuantizeLinear").in("x", "s", "z").out("y").attr("axis", -1L).model()
        .output("y", INT16, "N", 4).build();
    return OrtReference.tests(cases(
        new Case("quantize uint8 without zero point", u8NoZp, List.of(ties(3, 8))),
        new Case("quantize int8 with zero point and ties", i8, List.of(ties(3, 8))),
        new Case("quantize opset10 uint8", u8v10, List.of(uniform("x", r, -8, 8, 4, 8))),
        new Case("quantize per axis", perAxis, List.of(uniform("x", r, -5, 5, 2, 3, 4))),
        new Case("quantize opset21 int16 per axis", int16, List.of(uniform("x", r, -3, 3, 3, 4)))));
  }

  @TestFactory
  Stream<DynamicTest> dequantize() {
    byte[] i8 = OnnxBuilder.model(13).input("x", INT8, "N", 4)
        .initializer(OnnxBuilder.scalar("s", 0.125f)).initializer(OnnxBuilder.ints("z", INT8, new long[0], 3))
        .node("DequantizeLinear").in("x", "s", "z").out("y").model().output("y", FLOAT, "N", 4).build();
    byte[] u8 = OnnxBuilder.model(10).input("x", UINT8, "N", 4)
        .initializer(OnnxBuilder.scalar("s", 0.02f))
        .node("DequantizeLinear").in("x", "s").out("y").model().output("y", FLOAT, "N", 4).build();
    byte[] perAxis = OnnxBuilder.model(13).input("x", INT8, "N", 2, 3)
        .initializer("s", new long[] {2}, 0.5f, 0.01f)
        .initializer(OnnxBuilder.ints("z", INT8, new long[] {2}, -1, 4))
        .node("DequantizeLinear").in("x", "s", "z").out("y").attr("axis", 1L).model()
        .output("y", FLOAT, "N", 2, 3).build();
    return OrtReference.tests(cases(
        new Case("dequantize int8", i8, List.of(of("x", INT8, new long[] {2, 4}, -128, -1, 0, 127, 5, 3, -3, 9))),
        new Case("dequantize uint8 opset10", u8, List.of(of("x", UINT8, new long[] {2, 4}, 0, 1, 128, 255, 7, 9,
            200, 33))),
        new Case("dequantize per axis", perAxis, List.of(of("x", INT8, new long[] {1, 2, 3}, -128, 0, 127, -5, 4,
            100)))));
  }

  @TestFactory
  Stream<DynamicTest> fakeQuantization() {
    Random r = new Random(42);
    byte[] qdq = OnnxBuilder.model(13).input("x", FLOAT, "N", 6)
        .initializer(OnnxBuilder.scalar("s", 0.07f)).initializer(OnnxBuilder.ints("z", UINT8, new long[0], 100))
        .node("QuantizeLinear").in("x", "s", "z").out("q")
        .node("DequantizeLinear").in("q", "s", "z").out("y").model().output("y", FLOAT, "N", 6).build();
    return OrtReference.tests(cases(new Case("quantize then dequantize", qdq,
        List.of(uniform("x", r, -10, 12, 5, 6)))));
  }
}
