package dev.tessera.passes.quant.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.importer.ImportOptions;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Already-quantized models in exact mode: QDQ models against ONNX Runtime's outputs shipped with them (tract's
 * io.npz), QONNX models against the QONNX formulas (the float interpreter) and FINN's MNIST digits.
 */
class ExactModelsTest {

  private static final PrecisionConfig BASE = PrecisionConfig.uniform(FixedType.signed(16, 6));

  private static SearchOptions exact() {
    return SearchOptions.defaults().withExact(true).withProbes(0);
  }

  private static Graph prepare(Graph imported) {
    return StandardPipelines.prepare(BASE).run(imported, PassContext.create());
  }

  private static SearchResult quantize(Graph prepared, NdArray x) {
    return PrecisionSearch.run(prepared, CalibrationSet.of(Map.of(prepared.inputs().get(0), x)), exact(),
        s -> { });
  }

  private static double[] fixedOutput(Graph q, NdArray x) {
    FixedArray y = new FixedInterpreter(q).run(Map.of(q.inputs().get(0), x)).get(q.outputs().get(0));
    return y.toNdArray().data();
  }

  @ParameterizedTest
  @ValueSource(strings = {"qrelu_1", "qsigmoid_1", "qtanh_1"})
  void qdqActivationsAreBitExactWithOnnxRuntime(String name) {
    Path dir = QuantTestData.shared("sonos_tract/onnx/test_cases/" + name);
    Map<String, NdArray> io = QuantTestData.npz(dir.resolve("io.npz"));
    Graph prepared = prepare(OnnxImporter.load(dir.resolve("model.onnx")));
    SearchResult r = quantize(prepared, io.get("input"));
    double[] got = fixedOutput(r.quantized(), io.get("input"));
    assertArrayEquals(io.get("output").data(), got, 0.0, name + ": fixed-point output against ONNX Runtime");
  }

  @Test
  void theQuantizedTdnnConvolutionIsBitExactWithOnnxRuntime() {
    Path dir = QuantTestData.shared("sonos_tract/onnx/test_cases/qtdnn_10x5_101_i32_biases");
    Map<String, NdArray> io = QuantTestData.npz(dir.resolve("io.npz"));
    // the time axis is the convolution's spatial axis: bind it to the 10 frames of the data
    Graph prepared = prepare(OnnxImporter.load(dir.resolve("model.onnx"), ImportOptions.batch(10)));
    SearchResult r = quantize(prepared, io.get("input"));
    double[] got = fixedOutput(r.quantized(), io.get("input"));
    double[] want = io.get("output").data();
    // tract adds one edge-context frame on each side; rows 1..8 are the ONNX model's 8 output frames
    assertEquals(8 * 5, got.length);
    for (int i = 0; i < got.length; i++) {
      assertEquals(want[5 + i], got[i], 0.0, "output " + i);
    }
  }

  @Test
  void qkerasJetTaggerQuantizersAndLogitsAreBitExactWithTheQonnxFormulas() {
    Path m = QuantTestData.shared(
        "fastmachinelearning_qonnx_model_zoo/models/JetTagging/QKeras_hls4ml_3layer/qkeras_jettagging.onnx");
    Graph prepared = prepare(OnnxImporter.load(m));
    Random rnd = new Random(11);
    int n = 2000;
    double[] x = new double[n * 16];
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.scalb(Math.floor(Math.scalb(rnd.nextDouble() * 2 - 1, 16)), -16);
    }
    NdArray in = new NdArray(new long[] {n, 16}, x);
    SearchResult r = quantize(prepared, in);
    Map<String, NdArray> fl = new FloatInterpreter(prepared).runAll(Map.of("global_in", in));
    FixedInterpreter fi = new FixedInterpreter(r.quantized());
    Map<String, FixedArray> fx = fi.runAll(fi.quantizeInputs(Map.of("global_in", in)));
    int checked = 0;
    for (Node node : prepared.nodes()) {
      if (node.op() instanceof Op.Softmax) {
        continue;
      }
      double[] want = fl.get(node.output()).data();
      double[] got = fx.get(node.output()).toNdArray().data();
      assertArrayEquals(want, got, 0.0, node.name() + " differs from the QONNX formula");
      checked++;
    }
    assertEquals(10, checked, "4 Dense, 3 Relu, 3 activation quantizers");
    // every activation quantizer is its exact QONNX type, ufixed<6,0> with SAT
    assertEquals(FixedType.parse("ufixed<6,0,RND_CONV,SAT>"), r.quantized().type("Quant_8_out0").fixed());
  }

  @Test
  void finnMnistDigitsGetTheirLabelsThroughTheTwoBitTfc() {
    Path m = QuantTestData.shared("fastmachinelearning_qonnx_model_zoo/models/MNIST/Brevitas_FINN_TFC/TFC/"
        + "TFC_2W2A.onnx");
    NdArray digits = QuantTestData.npy(QuantTestData.shared("Xilinx_finn/src/finn/qnn-data/build_dataflow/input.npy"));
    NdArray labels = QuantTestData.npy(QuantTestData.shared(
        "Xilinx_finn/src/finn/qnn-data/build_dataflow/expected_output.npy"));
    double[] scaled = digits.data().clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] /= 255.0;
    }
    NdArray x = new NdArray(digits.shape(), scaled);
    Graph prepared = prepare(OnnxImporter.load(m));
    SearchResult r = quantize(prepared, x);
    int[] got = Predictions.of(new FixedInterpreter(r.quantized()).run(Map.of(prepared.inputs().get(0), x))
        .get(prepared.outputs().get(0)));
    assertArrayEquals(QuantTestData.labels(labels), got);
    // the 2-bit activations (narrow Quant: a full-range Quant, then a Clip) agree with the float model
    Map<String, NdArray> fl = new FloatInterpreter(prepared).runAll(Map.of(prepared.inputs().get(0), x));
    FixedInterpreter fi = new FixedInterpreter(r.quantized());
    Map<String, FixedArray> fx = fi.runAll(fi.quantizeInputs(Map.of(prepared.inputs().get(0), x)));
    int clips = 0;
    for (Node node : prepared.nodes()) {
      if (node.op() instanceof Op.Clip) {
        assertArrayEquals(fl.get(node.output()).data(), fx.get(node.output()).toNdArray().data(), 0.0,
            node.name());
        clips++;
      }
    }
    assertEquals(4, clips);
    assertTrue(r.notes().stream().anyMatch(s -> s.startsWith("not exact")), "BatchNorm-folded weights are float");
  }
}
