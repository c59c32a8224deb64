package dev.tessera.importer.ops;

import static dev.tessera.importer.ops.OrtReference.cases;
import static dev.tessera.importer.ops.OrtReference.normal;
import static dev.tessera.importer.testing.OnnxBuilder.FLOAT;
import static dev.tessera.importer.testing.OnnxBuilder.int64s;

import dev.tessera.importer.ops.OrtReference.Case;
import dev.tessera.importer.testing.OnnxBuilder;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Slice, Pad and Gather against ONNX Runtime, in the
 * opsets where their inputs or attributes changed.
 */
class OrtShapeOpsTest {

  private static final Random R = new Random(31);

  private static Case c(String label, OnnxBuilder b, long... xShape) {
    return new Case(label, b.build(), List.of(normal("x", R, xShape)));
  }

  @TestFactory
  Stream<DynamicTest> reshapes() {
    return OrtReference.tests(cases(
        c("reshape with 0 and -1", OnnxBuilder.model(13).input("x", FLOAT, "N", 2, 3, 4)
            .initializer(int64s("s", 0, -1, 4)).node("Reshape").in("x", "s").out("y").model()
            .output("y", FLOAT, "N", 6, 4), 3, 2, 3, 4),
        c("flatten axis 1", OnnxBuilder.model(13).input("x", FLOAT, "N", 2, 3).node("Flatten").in("x").out("y")
            .model().output("y", FLOAT, "N", 6), 3, 2, 3),
        c("flatten opset9 rank 4", OnnxBuilder.model(9).input("x", FLOAT, "N", 2, 3, 2).node("Flatten").in("x")
            .out("y").model().output("y", FLOAT, "N", 12), 3, 2, 3, 2),
        c("squeeze opset11 axes attribute", OnnxBuilder.model(11).input("x", FLOAT, "N", 1, 3, 1)
            .node("Squeeze").in("x").out("y").ints("axes", 1, -1).model().output("y", FLOAT, "N", 3), 2, 1, 3, 1),
        c("squeeze opset13 axes input", OnnxBuilder.model(13).input("x", FLOAT, "N", 1, 3, 1)
            .initializer(int64s("a", 3)).node("Squeeze").in("x", "a").out("y").model()
            .output("y", FLOAT, "N", 1, 3), 2, 1, 3, 1),
        c("unsqueeze opset11 axes attribute", OnnxBuilder.model(11).input("x", FLOAT, "N", 3)
            .node("Unsqueeze").in("x").out("y").ints("axes", 1, 3).model().output("y", FLOAT, "N", 1, 3, 1), 2, 3),
        c("unsqueeze opset13 axes input", OnnxBuilder.model(13).input("x", FLOAT, "N", 3)
            .initializer(int64s("a", -1)).node("Unsqueeze").in("x", "a").out("y").model()
            .output("y", FLOAT, "N", 3, 1), 2, 3),
        c("transpose perm", OnnxBuilder.model(13).input("x", FLOAT, "N", 2, 3, 4).node("Transpose").in("x")
            .out("y").ints("perm", 0, 3, 1, 2).model().output("y", FLOAT, "N", 4, 2, 3), 2, 2, 3, 4),
        c("transpose nchw to nhwc", OnnxBuilder.model(9).input("x", FLOAT, "N", 3, 2, 2).node("Transpose")
            .in("x").out("y").ints("perm", 0, 2, 3, 1).model().output("y", FLOAT, "N", 2, 2, 3), 2, 3, 2, 2)));
  }

  @TestFactory
  Stream<DynamicTest> concatAndGather() {
    Random r = new Random(32);
    byte[] concat = OnnxBuilder.model(13).input("x", FLOAT, "N", 2, 3)
        .node("Relu").in("x").out("rx")
        .node("Concat").in("x", "rx").out("y").attr("axis", -1L).model().output("y", FLOAT, "N", 2, 6).build();
    byte[] gather1 = OnnxBuilder.model(13).input("x", FLOAT, "N", 5)
        .initializer(int64s("i", new long[] {2, 2}, 4, 0, -1, 2)).node("Gather").in("x", "i").out("y")
        .attr("axis", 1L).model().output("y", FLOAT, "N", 2, 2).build();
    byte[] gatherScalar = OnnxBuilder.model(11).input("x", FLOAT, "N", 3, 4)
        .initializer(int64s("i", new long[0], 2)).node("Gather").in("x", "i").out("y").attr("axis", 2L).model()
        .output("y", FLOAT, "N", 3).build();
    return OrtReference.tests(cases(
        new Case("concat last axis", concat, List.of(normal("x", r, 3, 2, 3))),
        new Case("gather axis 1 with negative indices", gather1, List.of(normal("x", r, 3, 5))),
        new Case("gather scalar index drops the axis", gatherScalar, List.of(normal("x", r, 3, 3, 4)))));
  }

  @TestFactory
  Stream<DynamicTest> slices() {
    return OrtReference.tests(cases(
        c("slice opset13 steps", OnnxBuilder.model(13).input("x", FLOAT, "N", 10)
            .initializer(int64s("st", 1)).initializer(int64s("en", 9)).initializer(int64s("ax", 1))
            .initializer(int64s("sp", 3)).node("Slice").in("x", "st", "en", "ax", "sp").out("y").model()
            .output("y", FLOAT, "N", 3), 2, 10),
        c("slice opset13 negative starts ends", OnnxBuilder.model(13).input("x", FLOAT, "N", 4, 6)
            .initializer(int64s("st", -3, 1)).initializer(int64s("en", -1, 1000)).initializer(int64s("ax", 2, 1))
            .node("Slice").in("x", "st", "en", "ax").out("y").model().output("y", FLOAT, "N", 3, 2), 2, 4, 6),
        c("slice opset9 attributes", OnnxBuilder.model(9).input("x", FLOAT, "N", 5, 4).node("Slice").in("x")
            .out("y").ints("starts", 1, 0).ints("ends", 4, 2).ints("axes", 1, 2).model()
            .output("y", FLOAT, "N", 3, 2), 2, 5, 4)));
  }

  private static Case pad(String label, String mode, long[] pads, float value, Object... yDims) {
    OnnxBuilder b = OnnxBuilder.model(13).input("x", FLOAT, "N", 3, 4).initializer(int64s("p", pads));
    String[] in = {"x", "p"};
    if (mode.equals("constant")) {
      b.initializer(OnnxBuilder.scalar("v", value));
      in = new String[] {"x", "p", "v"};
    }
    return c(label, b.node("Pad").in(in).out("y").attr("mode", mode).model().output("y", FLOAT, yDims), 2, 3, 4);
  }

  @TestFactory
  Stream<DynamicTest> pads() {
    return OrtReference.tests(cases(
        pad("pad constant value", "constant", new long[] {0, 1, 2, 0, 0, 1}, 1.5f, "N", 4, 7),
        pad("pad reflect", "reflect", new long[] {0, 2, 1, 0, 0, 3}, 0, "N", 5, 8),
        pad("pad edge", "edge", new long[] {0, 1, 3, 0, 2, 2}, 0, "N", 6, 9),
        c("pad opset11 default value", OnnxBuilder.model(11).input("x", FLOAT, "N", 2, 2)
            .initializer(int64s("p", 0, 0, 1, 0, 1, 1)).node("Pad").in("x", "p").out("y").model()
            .output("y", FLOAT, "N", 3, 4), 2, 2, 2),
        c("pad opset9 attributes", OnnxBuilder.model(9).input("x", FLOAT, "N", 3).node("Pad").in("x").out("y")
            .ints("pads", 0, 2, 0, 1).attr("value", -2f).model().output("y", FLOAT, "N", 6), 2, 3)));
  }
}
