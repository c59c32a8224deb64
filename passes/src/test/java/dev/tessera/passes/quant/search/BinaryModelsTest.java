package dev.tessera.passes.quant.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphVerifier;
import dev.tessera.ir.Node;
import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * FINN's binary MNIST MLP (TFC_1W1A: BipolarQuant on weights and activations, BatchNorm before every activation) in
 * exact mode: the five MNIST digits get FINN's labels from the fixed-point interpreter, and every binary activation
 * and the integer logits equal the QONNX formulas (the float interpreter on the imported graph) bit for bit.
 */
class BinaryModelsTest {

  static final String TFC = "fastmachinelearning_qonnx_model_zoo/models/MNIST/Brevitas_FINN_TFC/TFC/";

  /** The five MNIST digits of FINN (build_dataflow's four, then fpga_flow's one), pixels / 255. */
  static NdArray fiveDigits() {
    NdArray a = QuantTestData.npy(QuantTestData.shared("Xilinx_finn/src/finn/qnn-data/build_dataflow/input.npy"));
    NdArray b = QuantTestData.npy(QuantTestData.shared("Xilinx_finn/tutorials/fpga_flow/input.npy"));
    double[] v = new double[a.size() + b.size()];
    for (int i = 0; i < a.size(); i++) {
      v[i] = a.data()[i] / 255.0;
    }
    for (int i = 0; i < b.size(); i++) {
      v[a.size() + i] = b.data()[i] / 255.0;
    }
    return new NdArray(new long[] {5, 1, 28, 28}, v);
  }

  /** Random images with integer pixels / 255. */
  static NdArray randomImages(int n, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n * 784];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(256) / 255.0;
    }
    return new NdArray(new long[] {n, 1, 28, 28}, v);
  }

  static SearchResult exact(Graph prepared, NdArray x) {
    return PrecisionSearch.run(prepared, CalibrationSet.of(Map.of(prepared.inputs().get(0), x)),
        SearchOptions.defaults().withExact(true).withProbes(0), s -> { });
  }

  static Graph prepare(Graph imported) {
    return StandardPipelines.prepare(PrecisionConfig.uniform(FixedType.signed(16, 6))).run(imported,
        PassContext.create());
  }

  @Test
  void theBinaryTfcGivesFinnsLabelsInFixedPoint() {
    Graph imported = OnnxImporter.load(QuantTestData.shared(TFC + "TFC_1W1A.onnx"));
    Graph prepared = prepare(imported);
    assertTrue(GraphVerifier.violations(prepared).isEmpty(), () -> GraphVerifier.violations(prepared).toString());
    assertTrue(prepared.nodes().stream().noneMatch(n -> n.op() instanceof Op.BipolarQuant
        || n.op() instanceof Op.BatchNorm), "BipolarQuant and BatchNorm are lowered");
    NdArray x = fiveDigits();
    SearchResult r = exact(prepared, x);
    Graph q = r.quantized();
    int[] got = Predictions.of(new FixedInterpreter(q).run(Map.of(q.inputs().get(0), x)).get(q.outputs().get(0)));
    assertArrayEquals(new int[] {7, 2, 1, 0, 2}, got);
    int[] want = Predictions.of(new FloatInterpreter(imported).run(Map.of(imported.inputs().get(0), x))
        .get(imported.outputs().get(0)));
    assertArrayEquals(want, got, "the QONNX formulas' labels");
  }

  @Test
  void binaryActivationsAndIntegerLogitsEqualTheQonnxFormulas() {
    Graph imported = OnnxImporter.load(QuantTestData.shared(TFC + "TFC_1W1A.onnx"));
    Graph prepared = prepare(imported);
    NdArray x = randomImages(300, 5);
    NdArray all = concat(x, fiveDigits());
    SearchResult r = exact(prepared, all);
    Graph q = r.quantized();
    String in = q.inputs().get(0);
    Map<String, NdArray> fl = new FloatInterpreter(imported).runAll(Map.of(imported.inputs().get(0), all));
    FixedInterpreter fi = new FixedInterpreter(q);
    Map<String, FixedArray> fx = fi.runAll(fi.quantizeInputs(Map.of(in, all)));
    // the four activations keep their tensors (37, 45, 53, 61); the last MatMul minus the BatchNorm mean is "67"
    int checked = 0;
    long plus = 0;
    for (Node n : imported.nodes()) {
      if (n.op() instanceof Op.BipolarQuant && !imported.isConstant(n.input(0))) {
        double[] want = fl.get(n.output()).data();
        double[] got = fx.get(n.output()).toNdArray().data();
        assertArrayEquals(want, got, 0.0, n.name() + " differs from the QONNX formula");
        for (double v : got) {
          plus += v > 0 ? 1 : 0;
        }
        checked++;
      }
    }
    assertEquals(4, checked);
    assertTrue(plus > 0 && plus < 305L * (784 + 3 * 64), "both signs occur");
    // the last layer's integer sums are exact; its bias (the BatchNorm mean, a float32 with 25 fraction bits) is
    // rounded to the 16-bit maximum width of exact mode, so "67" differs by exactly that rounding
    double[] want = fl.get("67").data();
    double[] got = fx.get("67").toNdArray().data();
    double[] meanFloat = prepared.constant(prepared.node("MatMul_40").input(2)).values();
    double[] meanFixed = q.constant(q.node("MatMul_40").input(2)).values();
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i] - meanFloat[i % 10], got[i] - meanFixed[i % 10], 0.0, "integer logit " + i);
      worst = Math.max(worst, Math.abs(want[i] - got[i]));
    }
    assertTrue(worst > 0 && worst <= Math.scalb(1.0, -17), "bias rounding " + worst);
    System.out.println("BinaryModelsTest: 4 binary activations x 305 images exact; logit bias rounding " + worst);
    // every activation is exact, so the weights of layers 2-4 are ±1 and their thresholds integers
    for (String d : List.of("MatMul_16", "MatMul_24", "MatMul_32")) {
      assertTrue(q.constant(q.node(d).input(1)).type() instanceof FixedType w && w.fractionBits() == 0, d);
    }
  }

  private static NdArray concat(NdArray a, NdArray b) {
    double[] v = new double[a.size() + b.size()];
    System.arraycopy(a.data(), 0, v, 0, a.size());
    System.arraycopy(b.data(), 0, v, a.size(), b.size());
    return new NdArray(new long[] {a.shape()[0] + b.shape()[0], 1, 28, 28}, v);
  }
}
