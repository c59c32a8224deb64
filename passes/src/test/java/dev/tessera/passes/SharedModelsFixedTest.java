package dev.tessera.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.config.PrecisionConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hardware pipeline on the small shared example models. At fixed<16,6> the graph has the expected ops (biases
 * fused, BatchNorms folded, Keras transposes gone) and the probabilities follow the float ones on 500 random inputs;
 * on such inputs several models give nearly uniform probabilities, so argmax agreement is only required where the
 * float top-two margin exceeds the tolerance. At fixed<40,16> the logits (the last layer before the activation) match
 * the float model to the given tolerance, which checks every op's semantics apart from quantization noise (Selu's
 * lookup table limits the last model).
 */
class SharedModelsFixedTest {

  private static NdArray inputs(Graph g, int n, long seed) {
    String in = g.inputs().get(0);
    long[] shape = g.type(in).shape().sizes(n);
    Random rnd = new Random(seed);
    double[] x = new double[Math.toIntExact(Tensor.count(shape))];
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.scalb(Math.floor(Math.scalb(rnd.nextDouble() * 2 - 1, 16)), -16);
    }
    return new NdArray(shape, x);
  }

  private static Graph quantize(Graph g, String type) {
    return StandardPipelines.forHardware(PrecisionConfig.uniform(FixedType.parse(type))).withVerifyEach(true)
        .run(g, PassContext.create());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "three_layer_pytorch.onnx; 1e-4; Dense Relu Dense Relu Dense Relu Dense Softmax",
      "three_layer_bn_pytorch.onnx; 1e-4; Dense Relu Dense Relu Dense Relu Dense Softmax",
      "two_layer_keras.onnx; 1e-4; Dense Relu Dense Sigmoid",
      "dense_big_keras.onnx; 1e-4; Dense Relu Dense Relu Dense Relu Dense Relu Dense Relu Dense Softmax",
      "conv1d_small_keras.onnx; 1e-4; Transpose Conv Relu Conv Relu Conv Relu Reshape Dense Relu Dense Softmax",
      "conv2d_small_keras.onnx; 1e-4; Reshape Conv Relu Reshape Dense Softmax",
      "conv2d_small_mp_keras.onnx; 0.1; Reshape Conv Selu BatchNorm Conv Selu MaxPool Reshape Dense Selu Dense Softmax"})
  void fixedFollowsFloat(String file, double logitTolerance, String ops) {
    Graph g = OnnxImporter.load(JetTaggerEndToEndTest.model(file));
    String in = g.inputs().get(0);
    NdArray x = inputs(g, 500, file.hashCode());

    Graph q = quantize(g, "fixed<16,6>");
    assertEquals(List.of(ops.split(" ")), FloatGraphs.kinds(q));
    NdArray f = new FloatInterpreter(g).run(Map.of(in, x)).values().iterator().next();
    NdArray y = new FixedInterpreter(q).run(Map.of(in, x)).values().iterator().next().toNdArray();
    NdArray f2 = f.reshape(f.dim(0), f.size() / f.dim(0));
    JetTaggerEndToEndTest.Fidelity fid = JetTaggerEndToEndTest.compare(f2, y.reshape(f2.shape()));
    System.out.printf(Locale.ROOT, "%s at fixed<16,6>: max |diff| %.5f, mean |diff| %.6f, argmax agreement %.1f %% "
        + "(%.1f %% of the %d with a float margin above %.2f)%n", file, fid.maxAbs(), fid.meanAbs(),
        100 * fid.argmaxAgreement(), 100 * fid.decisiveAgreement(), fid.decisive(), JetTaggerEndToEndTest.MARGIN);
    assertTrue(fid.maxAbs() <= 0.05, "max abs difference " + fid.maxAbs());
    assertTrue(fid.decisiveAgreement() >= 0.99, "argmax agreement on decisive samples " + fid.decisiveAgreement());

    Graph wide = quantize(g, "fixed<40,16>");
    Node last = wide.nodes().get(wide.nodes().size() - 1);
    String logits = last.input(0);
    Graph simple = StandardPipelines.simplify().run(g, PassContext.create());
    NdArray fl = new FloatInterpreter(simple).runAll(Map.of(in, x)).get(logits);
    FixedInterpreter wi = new FixedInterpreter(wide);
    FixedArray ql = wi.runAll(wi.quantizeInputs(Map.of(in, x))).get(logits);
    double max = 0;
    for (int i = 0; i < fl.size(); i++) {
      max = Math.max(max, Math.abs(fl.data()[i] - ql.toNdArray().data()[i]));
    }
    System.out.printf(Locale.ROOT, "%s at fixed<40,16>: logits max |diff| %.2e%n", file, max);
    assertTrue(max <= logitTolerance, "logits differ by " + max);
  }
}
