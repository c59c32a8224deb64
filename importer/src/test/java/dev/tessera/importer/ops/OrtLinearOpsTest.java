package dev.tessera.importer.ops;

import static dev.tessera.importer.ops.OrtReference.cases;
import static dev.tessera.importer.ops.OrtReference.normal;
import static dev.tessera.importer.ops.OrtReference.normals;
import static dev.tessera.importer.testing.OnnxBuilder.FLOAT;

import dev.tessera.importer.ops.OrtReference.Case;
import dev.tessera.importer.testing.OnnxBuilder;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Gemm, MatMul, Conv, BatchNormalization, LayerNormalization, Softmax and ReduceMean against ONNX Runtime. */
class OrtLinearOpsTest {

  private static Case gemm(String label, long opset, boolean transB, boolean withC, float alpha, float beta) {
    Random r = new Random(label.hashCode());
    OnnxBuilder b = OnnxBuilder.model(opset).input("x", FLOAT, "N", 4)
        .initializer("W", transB ? new long[] {3, 4} : new long[] {4, 3}, normals(r, 12));
    if (withC) {
      b.initializer("C", new long[] {3}, normals(r, 3));
    }
    OnnxBuilder.NodeBuilder n = b.node("Gemm").in(withC ? new String[] {"x", "W", "C"} : new String[] {"x", "W"})
        .out("y").attr("alpha", alpha).attr("beta", beta);
    if (transB) {
      n.attr("transB", 1L);
    }
    return new Case(label, n.model().output("y", FLOAT, "N", 3).build(), List.of(normal("x", r, 5, 4)));
  }

  @TestFactory
  Stream<DynamicTest> gemmAndMatMul() {
    Random r = new Random(11);
    byte[] matmul = OnnxBuilder.model(13).input("x", FLOAT, "N", 4)
        .initializer("W", new long[] {4, 6}, normals(r, 24))
        .node("MatMul").in("x", "W").out("y").model().output("y", FLOAT, "N", 6).build();
    byte[] batched = OnnxBuilder.model(13).input("x", FLOAT, "N", 2, 3)
        .initializer("W", new long[] {3, 4}, normals(r, 12))
        .node("MatMul").in("x", "W").out("y").model().output("y", FLOAT, "N", 2, 4).build();
    byte[] twoVars = OnnxBuilder.model(13).input("a", FLOAT, "N", 2, 3).input("b", FLOAT, "N", 3, 4)
        .node("MatMul").in("a", "b").out("y").model().output("y", FLOAT, "N", 2, 4).build();
    byte[] broadcastBatch = OnnxBuilder.model(13).input("a", FLOAT, "N", 1, 2, 3)
        .initializer("B", new long[] {4, 3, 2}, normals(r, 24))
        .node("MatMul").in("a", "B").out("y").model().output("y", FLOAT, "N", 4, 2, 2).build();
    return OrtReference.tests(cases(
        gemm("gemm transB alpha beta opset13", 13, true, true, 0.5f, 2f),
        gemm("gemm plain opset13", 13, false, true, 1f, 1f),
        gemm("gemm without C opset13", 13, true, false, 1.5f, 1f),
        gemm("gemm transB opset9", 9, true, true, 1f, 0.25f),
        new Case("matmul 2d", matmul, List.of(normal("x", r, 3, 4))),
        new Case("matmul rank3 x 2d", batched, List.of(normal("x", r, 3, 2, 3))),
        new Case("matmul two variables", twoVars, List.of(normal("a", r, 3, 2, 3), normal("b", r, 3, 3, 4))),
        new Case("matmul broadcast batch axes", broadcastBatch, List.of(normal("a", r, 2, 1, 2, 3)))));
  }

  private static Case conv(String label, long opset, long[] xShape, long[] wShape, boolean bias,
      java.util.function.Consumer<OnnxBuilder.NodeBuilder> attrs, Object... yDims) {
    Random r = new Random(label.hashCode());
    Object[] xDims = new Object[xShape.length];
    xDims[0] = "N";
    for (int i = 1; i < xShape.length; i++) {
      xDims[i] = xShape[i];
    }
    OnnxBuilder b = OnnxBuilder.model(opset).input("x", FLOAT, xDims)
        .initializer("W", wShape, normals(r, OrtReference.count(wShape)));
    if (bias) {
      b.initializer("B", new long[] {wShape[0]}, normals(r, (int) wShape[0]));
    }
    OnnxBuilder.NodeBuilder n = b.node("Conv").in(bias ? new String[] {"x", "W", "B"} : new String[] {"x", "W"})
        .out("y");
    attrs.accept(n);
    Object[] out = new Object[yDims.length + 1];
    out[0] = "N";
    System.arraycopy(yDims, 0, out, 1, yDims.length);
    long[] x = xShape.clone();
    x[0] = 2;
    return new Case(label, n.model().output("y", FLOAT, out).build(), List.of(normal("x", r, x)));
  }

  @TestFactory
  Stream<DynamicTest> convolutions() {
    return OrtReference.tests(cases(
        conv("conv2d 3x3 valid", 13, new long[] {1, 2, 6, 6}, new long[] {4, 2, 3, 3}, true, n -> { }, 4, 4, 4),
        conv("conv2d pads strides", 13, new long[] {1, 3, 7, 6}, new long[] {2, 3, 3, 3}, true,
            n -> n.ints("pads", 1, 2, 0, 1).ints("strides", 2, 1), 2, 3, 7),
        conv("conv2d dilations", 13, new long[] {1, 2, 7, 7}, new long[] {3, 2, 3, 2}, false,
            n -> n.ints("dilations", 2, 3).ints("pads", 1, 1, 1, 1), 3, 5, 6),
        conv("conv2d groups", 13, new long[] {1, 4, 5, 5}, new long[] {6, 2, 3, 3}, true,
            n -> n.attr("group", 2L).ints("pads", 1, 1, 1, 1), 6, 5, 5),
        conv("conv2d depthwise", 13, new long[] {1, 3, 6, 6}, new long[] {3, 1, 3, 3}, true,
            n -> n.attr("group", 3L).ints("strides", 2, 2), 3, 2, 2),
        conv("conv2d same upper", 13, new long[] {1, 2, 5, 5}, new long[] {2, 2, 2, 2}, false,
            n -> n.attr("auto_pad", "SAME_UPPER").ints("strides", 2, 2), 2, 3, 3),
        conv("conv2d same lower", 13, new long[] {1, 2, 5, 5}, new long[] {2, 2, 2, 2}, false,
            n -> n.attr("auto_pad", "SAME_LOWER"), 2, 5, 5),
        conv("conv1d pads stride", 13, new long[] {1, 3, 10}, new long[] {4, 3, 3}, true,
            n -> n.ints("pads", 2, 1).ints("strides", 2), 4, 6),
        conv("conv1d groups dilation opset11", 11, new long[] {1, 4, 9}, new long[] {2, 2, 2}, true,
            n -> n.attr("group", 2L).ints("dilations", 3), 2, 6)));
  }

  @TestFactory
  Stream<DynamicTest> normalizations() {
    Random r = new Random(5);
    float[] var = new float[3];
    for (int i = 0; i < 3; i++) {
      var[i] = 0.5f + r.nextFloat();
    }
    byte[] bn = OnnxBuilder.model(15).input("x", FLOAT, "N", 3, 4, 4)
        .initializer("s", new long[] {3}, normals(r, 3)).initializer("b", new long[] {3}, normals(r, 3))
        .initializer("m", new long[] {3}, normals(r, 3)).initializer("v", new long[] {3}, var)
        .node("BatchNormalization").in("x", "s", "b", "m", "v").out("y").attr("epsilon", 1e-3f).model()
        .output("y", FLOAT, "N", 3, 4, 4).build();
    byte[] bn2d = OnnxBuilder.model(9).input("x", FLOAT, "N", 3)
        .initializer("s", new long[] {3}, normals(r, 3)).initializer("b", new long[] {3}, normals(r, 3))
        .initializer("m", new long[] {3}, normals(r, 3)).initializer("v", new long[] {3}, var)
        .node("BatchNormalization").in("x", "s", "b", "m", "v").out("y").model()
        .output("y", FLOAT, "N", 3).build();
    byte[] ln = OnnxBuilder.model(17).input("x", FLOAT, "N", 3, 8)
        .initializer("s", new long[] {8}, normals(r, 8)).initializer("b", new long[] {8}, normals(r, 8))
        .node("LayerNormalization").in("x", "s", "b").out("y").attr("axis", -1L).attr("epsilon", 1e-5f).model()
        .output("y", FLOAT, "N", 3, 8).build();
    byte[] ln2 = OnnxBuilder.model(17).input("x", FLOAT, "N", 3, 4)
        .initializer("s", new long[] {3, 4}, normals(r, 12))
        .node("LayerNormalization").in("x", "s").out("y").attr("axis", 1L).model()
        .output("y", FLOAT, "N", 3, 4).build();
    return OrtReference.tests(cases(
        new Case("batchnorm nchw opset15", bn, List.of(normal("x", r, 2, 3, 4, 4))),
        new Case("batchnorm 2d opset9", bn2d, List.of(normal("x", r, 4, 3))),
        new Case("layernorm last axis", ln, List.of(normal("x", r, 2, 3, 8))),
        new Case("layernorm from axis 1 no bias", ln2, List.of(normal("x", r, 2, 3, 4)))));
  }

  private static Case softmax(String label, long opset, Long axis, Object... dims) {
    Random r = new Random(label.hashCode());
    OnnxBuilder.NodeBuilder n = OnnxBuilder.model(opset).input("x", FLOAT, dims).node("Softmax").in("x").out("y");
    if (axis != null) {
      n.attr("axis", axis.longValue());
    }
    long[] shape = new long[dims.length];
    shape[0] = 3;
    for (int i = 1; i < dims.length; i++) {
      shape[i] = ((Number) dims[i]).longValue();
    }
    return new Case(label, n.model().output("y", FLOAT, dims).build(), List.of(normal("x", r, shape)));
  }

  @TestFactory
  Stream<DynamicTest> softmaxAcrossOpsets() {
    return OrtReference.tests(cases(
        softmax("softmax opset13 default axis", 13, null, "N", 3, 4),
        softmax("softmax opset13 axis 1", 13, 1L, "N", 3, 4),
        softmax("softmax opset13 axis -2", 13, -2L, "N", 3, 4, 2),
        softmax("softmax opset11 default axis 1 coerces to 2d", 11, null, "N", 3, 4),
        softmax("softmax opset11 axis 2", 11, 2L, "N", 3, 4),
        softmax("softmax opset9 2d", 9, null, "N", 5)));
  }

  @TestFactory
  Stream<DynamicTest> reduceMean() {
    Random r = new Random(8);
    byte[] v13 = OnnxBuilder.model(13).input("x", FLOAT, "N", 3, 4).node("ReduceMean").in("x").out("y")
        .ints("axes", 2).attr("keepdims", 0L).model().output("y", FLOAT, "N", 3).build();
    byte[] v13keep = OnnxBuilder.model(13).input("x", FLOAT, "N", 3, 4).node("ReduceMean").in("x").out("y")
        .ints("axes", -1, 1).model().output("y", FLOAT, "N", 1, 1).build();
    byte[] v18 = OnnxBuilder.model(18).input("x", FLOAT, "N", 3, 4)
        .initializer(OnnxBuilder.int64s("axes", 1))
        .node("ReduceMean").in("x", "axes").out("y").attr("keepdims", 1L).model()
        .output("y", FLOAT, "N", 1, 4).build();
    return OrtReference.tests(cases(
        new Case("reducemean opset13 axes attr drop", v13, List.of(normal("x", r, 2, 3, 4))),
        new Case("reducemean opset13 negative axes keep", v13keep, List.of(normal("x", r, 2, 3, 4))),
        new Case("reducemean opset18 axes input", v18, List.of(normal("x", r, 2, 3, 4)))));
  }
}
