package dev.tessera.passes;

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
import dev.tessera.passes.config.PrecisionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The hls4ml jet tagger (three_layer_keras.onnx: 16-64-32-32-5, ReLU, Softmax) imported, simplified and quantized to
 * fixed<16,6>, then run through the bit-exact interpreter on 10,000 seeded random inputs (uniform in [-1, 1) on the
 * 2^-16 grid, as hls4ml's own tests do) and compared with the float interpreter. The tolerance of 0.05 on a
 * probability comes from the inputs, weights and every layer output being truncated to 10 fraction bits (TRN, as
 * ap_fixed's default): the logits differ by up to about 0.36 (0.35 % of their range), the softmax tables add little.
 */
class JetTaggerEndToEndTest {

  static final int SAMPLES = 10_000;

  static Path model(String name) {
    String dir = System.getProperty("tessera.sharedModels");
    Assumptions.assumeTrue(dir != null, "system property tessera.sharedModels is not set; skipping " + name);
    Path p = Path.of(dir, "fastmachinelearning_example-models", "onnx", name);
    Assumptions.assumeTrue(Files.exists(p), "shared model " + p + " is absent; skipping");
    return p;
  }

  static NdArray randomInputs(int n, int features, long seed) {
    Random rnd = new Random(seed);
    double[] x = new double[n * features];
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.scalb(Math.floor(Math.scalb(rnd.nextDouble() * 2 - 1, 16)), -16);
    }
    return new NdArray(new long[] {n, features}, x);
  }

  /**
   * Agreement between float and fixed outputs of one classifier: largest and mean absolute difference, argmax
   * agreement over all samples, and over the decisive samples whose float top-two margin exceeds {@link #MARGIN}.
   */
  record Fidelity(double maxAbs, double meanAbs, double argmaxAgreement, double decisiveAgreement, int decisive) {}

  /** Float top-two margin above which a sample counts as decisive (the probability tolerance of these tests). */
  static final double MARGIN = 0.05;

  static Fidelity compare(NdArray f, NdArray q) {
    int classes = (int) f.dim(1);
    int n = (int) f.dim(0);
    double max = 0;
    double sum = 0;
    int agree = 0;
    int decisive = 0;
    int decisiveAgree = 0;
    for (int s = 0; s < n; s++) {
      int af = 0;
      int aq = 0;
      for (int c = 0; c < classes; c++) {
        int i = s * classes + c;
        double d = Math.abs(f.data()[i] - q.data()[i]);
        max = Math.max(max, d);
        sum += d;
        if (f.data()[i] > f.data()[s * classes + af]) {
          af = c;
        }
        if (q.data()[i] > q.data()[s * classes + aq]) {
          aq = c;
        }
      }
      double second = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        if (c != af) {
          second = Math.max(second, f.data()[s * classes + c]);
        }
      }
      agree += af == aq ? 1 : 0;
      if (f.data()[s * classes + af] - second > MARGIN) {
        decisive++;
        decisiveAgree += af == aq ? 1 : 0;
      }
    }
    return new Fidelity(max, sum / (n * classes), agree / (double) n,
        decisive == 0 ? 1 : decisiveAgree / (double) decisive, decisive);
  }

  @Test
  void jetTaggerAtFixed16x6MatchesFloat() {
    Graph g = OnnxImporter.load(model("three_layer_keras.onnx"));
    PassContext ctx = PassContext.create();
    Graph q = StandardPipelines.forHardware(PrecisionConfig.uniform(FixedType.parse("fixed<16,6>")))
        .withVerifyEach(true).run(g, ctx);
    GraphVerifier.verify(q);
    assertEquals(8, q.nodes().size(), "4 Dense, 3 Relu, 1 Softmax after fusing the bias Adds: " + q.nodes());
    assertEquals(4, q.nodes().stream().filter(nd -> nd.op() instanceof dev.tessera.ir.op.Op.Dense).count());
    for (Node nd : q.nodes()) {
      assertTrue(q.type(nd.output()).elementType() instanceof FixedType, nd.name());
    }
    String in = g.inputs().get(0);
    NdArray x = randomInputs(SAMPLES, 16, 2024);
    NdArray f = new FloatInterpreter(g).run(Map.of(in, x)).values().iterator().next();
    FixedArray y = new FixedInterpreter(q).run(Map.of(in, x)).values().iterator().next();
    Fidelity fid = compare(f, y.toNdArray());
    System.out.printf(Locale.ROOT, "jet tagger fixed<16,6> vs float on %d inputs: max |diff| %.5f, mean |diff| %.6f,"
        + " argmax agreement %.2f %% (%.2f %% of the %d with a float margin above %.2f)%n", SAMPLES, fid.maxAbs(),
        fid.meanAbs(), 100 * fid.argmaxAgreement(), 100 * fid.decisiveAgreement(), fid.decisive(), MARGIN);
    assertTrue(fid.argmaxAgreement() >= 0.99, "argmax agreement " + fid.argmaxAgreement());
    assertTrue(fid.maxAbs() <= 0.05, "max abs difference " + fid.maxAbs());
    assertTrue(fid.meanAbs() <= 0.005, "mean abs difference " + fid.meanAbs());
  }
}
