package dev.tessera.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.importer.proto.Onnx.AttributeProto;
import dev.tessera.importer.proto.Onnx.SparseTensorProto;
import dev.tessera.importer.testing.OnnxBuilder;
import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How each ONNX op form becomes IR: lowering structure, resolved attributes, folding and refusals. */
class OpImportTest {

  private static Graph load(OnnxBuilder b) {
    return OnnxImporter.load(b.build(), "m");
  }

  private static List<String> kinds(Graph g) {
    return g.nodes().stream().map(n -> n.op().kind()).toList();
  }

  private static double[] run(Graph g, String input, long[] shape, double... x) {
    return new FloatInterpreter(g).run(Map.of(input, new NdArray(shape, x))).get(g.outputs().get(0)).data();
  }

  private static UnsupportedOpException refused(OnnxBuilder b) {
    return assertThrows(UnsupportedOpException.class, () -> load(b));
  }

  @Test
  void gemmWithConstantBFoldsAlphaBetaAndTransposeIntoDense() {
    Graph g = load(OnnxBuilder.model(13).input("a", OnnxBuilder.FLOAT, 1, 2)
        .initializer("B", new long[] {3, 2}, 1, 2, 3, 4, 5, 6)
        .initializer("C", new long[] {3}, 10, 20, 30)
        .node("Gemm").name("g").in("a", "B", "C").out("y").attr("transB", 1L).attr("alpha", 2f).attr("beta", 0.5f)
        .model().output("y"));
    assertEquals(List.of("Dense"), kinds(g));
    Node d = g.nodes().get(0);
    assertArrayEquals(new double[] {2, 6, 10, 4, 8, 12}, g.constant(d.inputs().get(1)).values());
    assertArrayEquals(new double[] {5, 10, 15}, g.constant(d.inputs().get(2)).values());
    // y = 2 * a B^T + 0.5 C with a = [1, 1]
    assertArrayEquals(new double[] {2 * 3 + 5, 2 * 7 + 10, 2 * 11 + 15}, run(g, "a", new long[] {1, 2}, 1, 1));
  }

  @Test
  void gemmWithRuntimeBIsTransposeMatMulMulAdd() {
    Graph g = load(OnnxBuilder.model(13).input("a", OnnxBuilder.FLOAT, 1, 2).input("b", OnnxBuilder.FLOAT, 3, 2)
        .initializer("C", new long[] {1, 3}, 1, 1, 1)
        .node("Gemm").in("a", "b", "C").out("y").attr("transB", 1L).attr("alpha", 3f).model().output("y"));
    assertEquals(List.of("Transpose", "MatMul", "Mul", "Add"), kinds(g));
    assertEquals(Shape.batched(3), g.type("y").shape());
  }

  @Test
  void gemmOfOpset6WithLegacyBroadcast() {
    Graph g = load(OnnxBuilder.model(6).input("a", OnnxBuilder.FLOAT, 1, 2)
        .initializer("B", new long[] {3, 2}, 1, 2, 3, 4, 5, 6).initializer("C", new long[] {3}, 1, 1, 1)
        .node("Gemm").in("a", "B", "C").out("y").attr("transB", 1L).attr("broadcast", 1L).model().output("y"));
    assertEquals(List.of("Dense"), kinds(g));
  }

  @Test
  void matmulIsDenseOnlyForAConstantMatrix() {
    Graph dense = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 5, 2)
        .initializer("W", new long[] {2, 3}, 1, 2, 3, 4, 5, 6)
        .node("MatMul").in("x", "W").out("y").model().output("y"));
    assertEquals(List.of("Dense"), kinds(dense));
    assertEquals(Shape.batched(5, 3), dense.type("y").shape());
    Graph mm = load(OnnxBuilder.model(13).input("a", OnnxBuilder.FLOAT, 1, 4, 2).input("b", OnnxBuilder.FLOAT, 1, 2,
        3).node("MatMul").in("a", "b").out("y").model().output("y"));
    assertEquals(List.of("MatMul"), kinds(mm));
    assertEquals(Shape.batched(4, 3), mm.type("y").shape());
  }

  @Test
  void softmaxBeforeOpset13CoercesTo2D() {
    Graph g = load(OnnxBuilder.model(11).input("x", OnnxBuilder.FLOAT, 1, 2, 3)
        .node("Softmax").in("x").out("y").attr("axis", 1L).model().output("y"));
    assertEquals(List.of("Reshape", "Softmax", "Reshape"), kinds(g));
    double[] y = run(g, "x", new long[] {1, 2, 3}, 0, 0, 0, 0, 0, Math.log(2));
    assertEquals(1.0 / 7, y[0], 1e-12);
    assertEquals(2.0 / 7, y[5], 1e-12);
    Graph g13 = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 2, 3)
        .node("Softmax").in("x").out("y").attr("axis", 1L).model().output("y"));
    assertEquals(List.of("Softmax"), kinds(g13));
    assertEquals(1, ((Op.Softmax) g13.nodes().get(0).op()).axis());
  }

  @Test
  void clipBoundsFromAttributesOrInputs() {
    Graph g6 = load(OnnxBuilder.model(6).input("x", OnnxBuilder.FLOAT, 1, 2)
        .node("Clip").in("x").out("y").attr("min", -1f).model().output("y"));
    assertEquals(new Op.Clip(-1, Double.POSITIVE_INFINITY), g6.nodes().get(0).op());
    Graph g12 = load(OnnxBuilder.model(12).input("x", OnnxBuilder.FLOAT, 1, 2)
        .initializer(OnnxBuilder.scalar("hi", 6f))
        .node("Clip").in("x", "", "hi").out("y").model().output("y"));
    assertEquals(new Op.Clip(Double.NEGATIVE_INFINITY, 6), g12.nodes().get(0).op());
  }

  private static Op.Conv conv(long size, String autoPad) {
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 1, size, size)
        .initializer("W", new long[] {1, 1, 3, 3}, new float[9])
        .node("Conv").in("x", "W").out("y").attr("auto_pad", autoPad).ints("strides", 2, 2).model().output("y"));
    return (Op.Conv) g.nodes().get(0).op();
  }

  @Test
  void convAutoPadIsResolvedToExplicitPads() {
    assertArrayEquals(new long[] {1, 1}, conv(5, "SAME_UPPER").padsBegin());
    assertArrayEquals(new long[] {1, 1}, conv(5, "SAME_UPPER").padsEnd());
    assertArrayEquals(new long[] {0, 0}, conv(6, "SAME_UPPER").padsBegin());
    assertArrayEquals(new long[] {1, 1}, conv(6, "SAME_UPPER").padsEnd());
    assertArrayEquals(new long[] {1, 1}, conv(6, "SAME_LOWER").padsBegin());
    assertArrayEquals(new long[] {0, 0}, conv(6, "SAME_LOWER").padsEnd());
    assertArrayEquals(new long[] {0, 0}, conv(6, "VALID").padsEnd());
  }

  @Test
  void depthwiseConvKeepsItsGroup() {
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 4, 6)
        .initializer("W", new long[] {8, 1, 3}, new float[24])
        .node("Conv").in("x", "W").out("y").attr("group", 4L).model().output("y"));
    assertEquals(4, ((Op.Conv) g.nodes().get(0).op()).group());
    assertEquals(Shape.batched(8, 4), g.type("y").shape());
  }

  @Test
  void maxPoolCeilModeBecomesExtraEndPadding() {
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 1, 5, 5)
        .node("MaxPool").in("x").out("y").ints("kernel_shape", 2, 2).ints("strides", 2, 2).attr("ceil_mode", 1L)
        .model().output("y"));
    Op.MaxPool p = (Op.MaxPool) g.nodes().get(0).op();
    assertArrayEquals(new long[] {1, 1}, p.padsEnd());
    assertEquals(Shape.batched(1, 3, 3), g.type("y").shape());
    double[] x = new double[25];
    for (int i = 0; i < 25; i++) {
      x[i] = i;
    }
    assertArrayEquals(new double[] {6, 8, 9, 16, 18, 19, 21, 23, 24}, run(g, "x", new long[] {1, 1, 5, 5}, x));
  }

  @Test
  void maxPoolIndicesOutputIsRefusedWhenUsed() {
    UnsupportedOpException e = refused(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 1, 4, 4)
        .node("MaxPool").name("mp").in("x").out("y", "idx").ints("kernel_shape", 2, 2).model()
        .output("y").output("idx"));
    assertTrue(e.getMessage().startsWith("node 'mp' (MaxPool): output 1 ('idx', the Indices output) is used"));
  }

  @Test
  void averagePoolCeilModeWithCountIncludePadIsRefused() {
    UnsupportedOpException e = refused(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 1, 5, 5)
        .node("AveragePool").in("x").out("y").ints("kernel_shape", 2, 2).ints("strides", 2, 2)
        .attr("ceil_mode", 1L).attr("count_include_pad", 1L).model().output("y"));
    assertTrue(e.getMessage().contains("ceil_mode = 1 with count_include_pad = 1"), e.getMessage());
  }

  @Test
  void identityAndDropoutDisappear() {
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 2)
        .node("Identity").in("x").out("a").model()
        .node("Dropout").in("a").out("b").model()
        .node("Relu").in("b").out("y").model().output("y"));
    assertEquals(List.of("Relu"), kinds(g));
    assertEquals(List.of("x"), g.nodes().get(0).inputs());
  }

  @Test
  void aGraphOutputThatIsAnAliasKeepsItsName() {
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 2)
        .node("Relu").in("x").out("r").model()
        .node("Identity").in("r").out("y").model().output("y"));
    assertEquals(List.of("Relu", "Identity"), kinds(g));
    assertEquals(List.of("y"), g.outputs());
  }

  @Test
  void dropoutMaskAndTrainingModeAreRefused() {
    refused(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 2)
        .node("Dropout").in("x").out("y", "mask").model().output("y").output("mask"));
    UnsupportedOpException e = refused(OnnxBuilder.model(15).input("x", OnnxBuilder.FLOAT, 1, 2, 3)
        .initializer("s", new long[] {2}, 1, 1).initializer("b", new long[] {2}, 0, 0)
        .initializer("m", new long[] {2}, 0, 0).initializer("v", new long[] {2}, 1, 1)
        .node("BatchNormalization").name("bn").in("x", "s", "b", "m", "v").out("y").attr("training_mode", 1L)
        .model().output("y"));
    assertEquals("node 'bn' (BatchNormalization): training_mode = 1 is not supported (inference only) [op "
        + "BatchNormalization, domain ai.onnx, opset 15]", e.getMessage());
  }

  @Test
  void qonnxQuantInEveryDomain() {
    for (String domain : List.of("qonnx.custom_op.general", "finn.custom_op.general", "onnx.brevitas")) {
      Graph g = load(OnnxBuilder.model(13).opset(domain, 1).input("x", OnnxBuilder.FLOAT, 1, 4)
          .initializer(OnnxBuilder.scalar("s", 0.25f)).initializer(OnnxBuilder.scalar("z", 0f))
          .initializer(OnnxBuilder.scalar("b", 4f))
          .node("Quant").domain(domain).in("x", "s", "z", "b").out("y").attr("signed", 1L).attr("narrow", 1L)
          .attr("rounding_mode", "half_even").model().output("y"));
      assertEquals(new Op.Quant(true, true, "ROUND"), g.nodes().get(0).op());
      assertEquals(domain + ":Quant", g.nodes().get(0).source());
      // clamp to [-7, 7] before rounding, steps of 0.25
      assertArrayEquals(new double[] {1.75, -1.75, 0.5, 0.0}, run(g, "x", new long[] {1, 4}, 9, -9, 0.625, 0.1));
    }
  }

  @Test
  void quantRoundingModeMustBeKnown() {
    UnsupportedOpException e = refused(OnnxBuilder.model(13).opset("qonnx.custom_op.general", 1)
        .input("x", OnnxBuilder.FLOAT, 1, 4)
        .initializer(OnnxBuilder.scalar("s", 1f)).initializer(OnnxBuilder.scalar("z", 0f))
        .initializer(OnnxBuilder.scalar("b", 4f))
        .node("Quant").name("q").domain("qonnx.custom_op.general").in("x", "s", "z", "b").out("y")
        .attr("rounding_mode", "STOCHASTIC").model().output("y"));
    assertTrue(e.getMessage().startsWith("node 'q' (qonnx.custom_op.general:Quant): rounding_mode 'STOCHASTIC' is "
        + "not one of"), e.getMessage());
  }

  @Test
  void bipolarQuantAndTrunc() {
    Graph g = load(OnnxBuilder.model(13).opset("qonnx.custom_op.general", 1).input("x", OnnxBuilder.FLOAT, 1, 4)
        .initializer(OnnxBuilder.scalar("s", 0.5f)).initializer(OnnxBuilder.scalar("z", 0f))
        .initializer(OnnxBuilder.scalar("bi", 8f)).initializer(OnnxBuilder.scalar("bo", 4f))
        .node("BipolarQuant").domain("qonnx.custom_op.general").in("x", "s").out("b").model()
        .node("Trunc").domain("qonnx.custom_op.general").in("x", "s", "z", "bi", "bo").out("t").model()
        .output("b").output("t"));
    assertEquals(List.of("BipolarQuant", "Trunc"), kinds(g));
    assertEquals(new Op.Trunc("FLOOR", true, false), g.nodes().get(1).op());
  }

  @Test
  void quantizeLinearPerAxisTakesTheZeroPointType() {
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 3)
        .initializer("s", new long[] {3}, 0.5f, 1f, 2f)
        .initializer(OnnxBuilder.ints("z", OnnxBuilder.INT8, new long[] {3}, 0, 1, -1))
        .node("QuantizeLinear").in("x", "s", "z").out("q").attr("axis", 1L).model()
        .node("DequantizeLinear").in("q", "s", "z").out("y").attr("axis", 1L).model().output("y"));
    assertEquals(new Op.QuantizeLinear(1, DType.INT8, true), g.nodes().get(0).op());
    assertEquals(DType.INT8, g.type("q").elementType());
    // round half to even, then the zero point: 2.5 -> 2 (+0); 1.5 -> 2 (+1 = 3); 2.5 -> 2 (-1 = 1)
    assertArrayEquals(new double[] {1.0, 2.0, 4.0}, run(g, "x", new long[] {1, 3}, 1.25, 1.5, 5));
  }

  @Test
  void quantizeLinearPerAxisScaleMustMatchTheAxis() {
    OnnxBuilder b = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 3)
        .initializer("s", new long[] {4}, 1, 1, 1, 1)
        .node("QuantizeLinear").name("q").in("x", "s").out("y").attr("axis", 1L).model().output("y");
    var e = assertThrows(dev.tessera.ir.diag.ShapeException.class, () -> load(b));
    assertEquals("node 'q' (QuantizeLinear): rule scale == [X[1]] (per-axis) is broken: scale 's' float[4], X 'x' "
        + "float[N,3]; X[1]=3 (from graph input 'x')", e.getMessage());
  }

  @Test
  void int4QuantizationIsRefused() {
    OnnxBuilder b = OnnxBuilder.model(21).input("x", OnnxBuilder.FLOAT, 1, 3)
        .initializer(OnnxBuilder.scalar("s", 1f))
        .node("QuantizeLinear").name("q").in("x", "s").out("y").attr("output_dtype", (long) OnnxBuilder.INT4)
        .model().output("y");
    assertEquals("node 'q' (QuantizeLinear): output_dtype int4 is not supported [op QuantizeLinear, domain ai.onnx, "
        + "opset 21]", refused(b).getMessage());
  }

  @Test
  void constantSubgraphsAreFolded() {
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 2)
        .initializer("Wt", new long[] {3, 2}, 1, 2, 3, 4, 5, 6)
        .initializer(OnnxBuilder.scalar("two", 2f))
        .node("Transpose").in("Wt").out("W0").model()
        .node("Mul").in("W0", "two").out("W").model()
        .node("MatMul").in("x", "W").out("y").model().output("y"));
    assertEquals(List.of("Dense"), kinds(g));
    assertArrayEquals(new double[] {2, 6, 10, 4, 8, 12}, g.constant("W").values());
  }

  @Test
  void whereWithAConstantConditionIsAMaskedSum() {
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 3)
        .initializer(OnnxBuilder.ints("c", OnnxBuilder.BOOL, new long[] {3}, 1, 0, 1))
        .initializer(OnnxBuilder.scalar("minus", -10f))
        .node("Where").in("c", "minus", "x").out("y").model().output("y"));
    assertArrayEquals(new double[] {-10, 2, -10}, run(g, "x", new long[] {1, 3}, 1, 2, 3));
  }

  @Test
  void padAttributeAndInputForms() {
    Graph g2 = load(OnnxBuilder.model(9).input("x", OnnxBuilder.FLOAT, 1, 2)
        .node("Pad").in("x").out("y").ints("pads", 0, 1, 0, 2).attr("value", 7f).model().output("y"));
    assertEquals(Shape.batched(5), g2.type("y").shape());
    assertArrayEquals(new double[] {7, 1, 2, 7, 7}, run(g2, "x", new long[] {1, 2}, 1, 2));
    Graph g11 = load(OnnxBuilder.model(11).input("x", OnnxBuilder.FLOAT, 1, 3)
        .initializer(OnnxBuilder.int64s("p", 0, 2, 0, 1))
        .node("Pad").in("x", "p").out("y").attr("mode", "reflect").model().output("y"));
    assertArrayEquals(new double[] {3, 2, 1, 2, 3, 2}, run(g11, "x", new long[] {1, 3}, 1, 2, 3));
  }

  @Test
  void squeezeAndUnsqueezeAttributeAndInputForms() {
    Graph g11 = load(OnnxBuilder.model(11).input("x", OnnxBuilder.FLOAT, 1, 3)
        .node("Unsqueeze").in("x").out("u").ints("axes", 1, -1).model()
        .node("Squeeze").in("u").out("y").ints("axes", 3).model().output("y"));
    assertEquals(Shape.batched(1, 3), g11.type("y").shape());
    Graph g13 = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 3)
        .initializer(OnnxBuilder.int64s("a", 1, -1)).initializer(OnnxBuilder.int64s("s", 3))
        .node("Unsqueeze").in("x", "a").out("u").model()
        .node("Squeeze").in("u", "s").out("y").model().output("y"));
    assertEquals(Shape.batched(1, 3), g13.type("y").shape());
  }

  @Test
  void resizeNearestByTwoRepeatsElements() {
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 1, 2, 2)
        .initializer("scales", new long[] {4}, 1, 1, 2, 2)
        .node("Resize").in("x", "", "scales").out("y").attr("mode", "nearest")
        .attr("coordinate_transformation_mode", "asymmetric").attr("nearest_mode", "floor").model().output("y"));
    assertEquals(Shape.batched(1, 4, 4), g.type("y").shape());
    assertArrayEquals(new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
        run(g, "x", new long[] {1, 1, 2, 2}, 1, 2, 3, 4));
  }

  @Test
  void resizeWithAnInexactModeIsRefused() {
    UnsupportedOpException e = refused(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 1, 2, 2)
        .initializer("scales", new long[] {4}, 1, 1, 2, 2)
        .node("Resize").in("x", "", "scales").out("y").attr("mode", "linear").model().output("y"));
    assertTrue(e.getMessage().contains("mode 'linear' is not supported"), e.getMessage());
  }

  @Test
  void depthToSpaceDcr() {
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 4, 1, 1)
        .node("DepthToSpace").in("x").out("y").attr("blocksize", 2L).model().output("y"));
    assertEquals(Shape.batched(1, 2, 2), g.type("y").shape());
    assertArrayEquals(new double[] {1, 2, 3, 4}, run(g, "x", new long[] {1, 4, 1, 1}, 1, 2, 3, 4));
  }

  @Test
  void constantValueForms() {
    SparseTensorProto sparse = SparseTensorProto.newBuilder().addDims(4)
        .setValues(OnnxBuilder.floats("v", new long[] {2}, 5, 7))
        .setIndices(OnnxBuilder.int64s("i", 1, 3)).build();
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 4)
        .node("Constant").out("a").attr("value_float", 2f).model()
        .node("Constant").out("s").attr(AttributeProto.newBuilder().setName("sparse_value")
            .setType(AttributeProto.AttributeType.SPARSE_TENSOR).setSparseTensor(sparse).build()).model()
        .node("Mul").in("x", "a").out("m").model()
        .node("Add").in("m", "s").out("y").model().output("y"));
    assertArrayEquals(new double[] {2, 7, 2, 9}, run(g, "x", new long[] {1, 4}, 1, 1, 1, 1));
  }

  @Test
  void channelsLastConvIsWrappedInTransposes() {
    Graph g = load(OnnxBuilder.model(13).opset("qonnx.custom_op.channels_last", 1)
        .input("x", OnnxBuilder.FLOAT, 1, 4, 4, 2)
        .initializer("W", new long[] {3, 1, 1, 2}, 1, 0, 0, 1, 1, 1)
        .node("Conv").domain("qonnx.custom_op.channels_last").in("x", "W").out("y").ints("kernel_shape", 1, 1)
        .ints("strides", 1, 1).ints("dilations", 1, 1).ints("pads", 0, 0, 0, 0).attr("group", 1L).model()
        .output("y"));
    assertEquals(List.of("Transpose", "Conv", "Transpose"), kinds(g));
    assertEquals(Shape.batched(4, 4, 3), g.type("y").shape());
    double[] x = new double[32];
    x[0] = 5;
    x[1] = 7;
    double[] y = run(g, "x", new long[] {1, 4, 4, 2}, x);
    assertArrayEquals(new double[] {5, 7, 12}, java.util.Arrays.copyOf(y, 3));
  }

  @Test
  void attentionIsLoweredToMatMulSoftmaxMatMul() {
    Graph g = load(OnnxBuilder.model(23).input("q", OnnxBuilder.FLOAT, 1, 2, 1, 2)
        .input("k", OnnxBuilder.FLOAT, 1, 2, 1, 2).input("v", OnnxBuilder.FLOAT, 1, 2, 1, 2)
        .node("Attention").in("q", "k", "v").out("y").model().output("y"));
    assertEquals(List.of("Transpose", "MatMul", "Mul", "Softmax", "MatMul"), kinds(g));
    assertEquals(Shape.batched(2, 1, 2), g.type("y").shape());
  }

  @Test
  void unusedAttributeValueThatChangesSemanticsIsRefused() {
    UnsupportedOpException e = refused(OnnxBuilder.model(8).input("x", OnnxBuilder.FLOAT, 1, 2)
        .node("BatchNormalization").in("x", "x", "x", "x", "x").out("y").attr("spatial", 0L).model().output("y"));
    assertInstanceOf(UnsupportedOpException.class, e);
    assertTrue(e.getMessage().contains("spatial = 0"), e.getMessage());
  }
}
