package dev.tessera.passes.quant.search;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.LayerConfig;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.quant.QuantizeReport;
import dev.tessera.passes.quant.zeroshot.ZeroShotCalibration;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The long acceptance runs of the quantization issue, behind {@code -Dtessera.heavy=true}: the jet tagger with
 * BatchNorm (three_layer_bn_keras.onnx) calibrated on 1,000 inputs distilled from its BatchNorm statistics and
 * checked on 1,000 others (another seed); the digits CNN with labels. Each prints the found precisions and costs.
 */
class QuantizeAcceptanceTest {

  private static void heavy() {
    assumeTrue(Boolean.getBoolean("tessera.heavy"), "long quantization searches run with -Dtessera.heavy=true");
  }

  @Test
  void jetTaggerFromSyntheticInputsAgreesWithFloatOnHeldOutSyntheticInputs() {
    heavy();
    Path m = QuantTestData.shared("fastmachinelearning_example-models/onnx/three_layer_bn_keras.onnx");
    Graph imported = OnnxImporter.load(m);
    ZeroShotCalibration.Options z = ZeroShotCalibration.Options.of(1000);
    CalibrationSet calib = CalibrationSet.of(ZeroShotCalibration.generate(imported, z, s -> { }).inputs());
    CalibrationSet held = CalibrationSet.of(ZeroShotCalibration.generate(imported, z.withSeed(2), s -> { })
        .inputs());
    PrecisionConfig base = PrecisionConfig.uniform(FixedType.signed(16, 6))
        .withModel(LayerConfig.EMPTY.withSoftmaxMode(SoftmaxMode.INTEGER));
    for (OverflowMode mode : OverflowMode.values()) {
      SearchOptions o = SearchOptions.defaults().withBase(base).withMaxWidth(20).withOverflow(mode);
      Graph prepared = StandardPipelines.prepare(base).run(imported, PassContext.create());
      SearchResult r = PrecisionSearch.run(prepared, calib, o, s -> { });
      Budget.Metrics h = Validation.measure(prepared, r.quantized(), held);
      System.out.printf(Locale.ROOT, "jet tagger (%s): calibration agreement %.4f (probes %.4f), held-out %.4f; "
          + "uniform fixed<16,6>: %.4f; %d evaluations, %.1f s%n%s", mode, r.metrics().agreement(),
          r.metrics().probeAgreement(), h.agreement(), r.baselineMetrics().agreement(), r.evaluations(),
          r.seconds(), QuantizeReport.table(r));
      assertTrue(r.budgetMet());
      assertTrue(h.agreement() >= 0.99, () -> "held-out agreement " + h.agreement());
    }
  }

  @Test
  void digitsCnnKeepsItsHeldOutAccuracy() {
    heavy();
    Path d = QuantTestData.digits();
    PrecisionConfig base = PrecisionConfig.uniform(FixedType.signed(16, 6));
    Graph prepared = StandardPipelines.prepare(base).run(OnnxImporter.load(d.resolve("digits_cnn.onnx")),
        PassContext.create());
    CalibrationSet calib = new CalibrationSet(Map.of("input", QuantTestData.npy(d.resolve("calib_cnn.npy"))),
        QuantTestData.labels(QuantTestData.npy(d.resolve("calib_labels.npy"))));
    CalibrationSet test = new CalibrationSet(Map.of("input", QuantTestData.npy(d.resolve("test_cnn.npy"))),
        QuantTestData.labels(QuantTestData.npy(d.resolve("test_labels.npy"))));
    SearchOptions o = SearchOptions.defaults().withBudget(new Budget.AccuracyDrop(0.01, 1.645));
    SearchResult r = PrecisionSearch.run(prepared, calib, o, s -> { });
    Budget.Metrics h = Validation.measure(prepared, r.quantized(), test);
    System.out.printf(Locale.ROOT, "digits CNN: held-out accuracy %.4f (float %.4f); %d evaluations, %.1f s%n%s",
        h.accuracy(), h.floatAccuracy(), r.evaluations(), r.seconds(), QuantizeReport.table(r));
    assertTrue(r.budgetMet());
    assertTrue(h.accuracyDrop() <= 0.01, () -> "held-out drop " + h.accuracyDrop());
  }
}
