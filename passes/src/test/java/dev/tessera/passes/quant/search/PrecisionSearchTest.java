package dev.tessera.passes.quant.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.ConfigLoader;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.quant.ApplyPrecision;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The search on the digits MLP of the examples (64-64-32-10, trained on scikit-learn's digits): searched on 500
 * training images with labels, checked on the 450 held-out images.
 */
class PrecisionSearchTest {

  private static Graph prepared;
  private static CalibrationSet calib;
  private static CalibrationSet test;

  @BeforeAll
  static void load() {
    Path d = QuantTestData.digits();
    PrecisionConfig base = PrecisionConfig.uniform(FixedType.signed(16, 6));
    prepared = StandardPipelines.prepare(base).run(OnnxImporter.load(d.resolve("digits_mlp.onnx")),
        PassContext.create());
    calib = new CalibrationSet(Map.of("input", QuantTestData.npy(d.resolve("calib_mlp.npy"))),
        QuantTestData.labels(QuantTestData.npy(d.resolve("calib_labels.npy"))));
    test = new CalibrationSet(Map.of("input", QuantTestData.npy(d.resolve("test_mlp.npy"))),
        QuantTestData.labels(QuantTestData.npy(d.resolve("test_labels.npy"))));
  }

  private static SearchOptions options() {
    return SearchOptions.defaults().withBudget(new Budget.AccuracyDrop(0.01, 1.645)).withProbes(1000);
  }

  @Test
  void theAccuracyBudgetHoldsOnHeldOutDigitsAtAFractionOfTheCost() {
    SearchResult r = PrecisionSearch.run(prepared, calib, options(), s -> { });
    assertTrue(r.budgetMet(), () -> "budget: " + r.metrics());
    long before = r.before().total().lutEquivalents();
    long after = r.after().total().lutEquivalents();
    assertTrue(after < before / 2, () -> "cost " + after + " against uniform fixed<16,6> " + before);
    Budget.Metrics held = Validation.measure(prepared, r.quantized(), test);
    System.out.printf("digits MLP: held-out accuracy %.4f (float %.4f), agreement %.4f, LUT-eq %d -> %d, %d evals%n",
        held.accuracy(), held.floatAccuracy(), held.agreement(), before, after, r.evaluations());
    assertTrue(held.accuracyDrop() <= 0.01, () -> "held-out drop " + held.accuracyDrop());
    // every result is proven overflow-free in safe mode, and wraps (free in hardware)
    for (LayerReport l : r.layers()) {
      assertTrue(l.proven(), () -> l.node() + " not proven");
      if (!l.op().equals("Input")) {
        assertEquals(Overflow.WRAP, l.result().overflow(), l.node());
      }
    }
    assertTrue(r.layers().stream().anyMatch(l -> l.alone() != null), "per-layer effects were measured");
  }

  @Test
  void theWrittenConfigGivesBackTheSameQuantizedGraph() {
    SearchResult r = PrecisionSearch.run(prepared, calib, options().withMaxWidth(12).withProbes(200), s -> { });
    String yaml = ConfigWriter.yaml(r.config(), List.of("test"));
    PrecisionConfig back = ConfigLoader.parse(yaml);
    assertEquals(r.config(), back);
    Graph q = new ApplyPrecision(back).run(prepared, PassContext.create());
    assertArrayEquals(Evaluator.decisions(r.quantized(), test), Evaluator.decisions(q, test));
    assertEquals(r.quantized().types(), q.types());
  }

  @Test
  void saturatingModeUsesCalibratedRangesAndSaturates() {
    SearchOptions o = options().withOverflow(OverflowMode.SATURATE).withMaxWidth(12);
    SearchResult r = PrecisionSearch.run(prepared, calib, o, s -> { });
    assertTrue(r.budgetMet());
    LayerReport fc1 = r.layers().stream().filter(l -> l.node().equals("fc1")).findFirst().orElseThrow();
    assertEquals(Overflow.SAT, fc1.result().overflow());
    // integer bits from the calibrated range [-4.40, 5.03]: 4 (signed), against the proven bound's larger count;
    // the integer descent may saturate rare values at fewer (here 3: the budget still holds)
    int ib = fc1.result().integerBits();
    assertTrue(ib <= 4 && ib >= 4 - PrecisionSearch.MAX_INTEGER_CUT, () -> "fc1 integer bits " + ib);
    assertTrue(fc1.overflows() > 0 || ib == 4, "fewer integer bits than calibrated saturate some calibration value");
  }

  @Test
  void anImpossibleBudgetKeepsTheStartAndSaysSo() {
    SearchOptions o = options().withBudget(new Budget.Agreement(1.0, 1.645)).withProbes(0).withMaxWidth(6);
    SearchResult r = PrecisionSearch.run(prepared, calib, o, s -> { });
    assertTrue(!r.budgetMet());
    assertEquals(1, r.notes().size());
    assertTrue(r.notes().get(0).contains("fails already at width 6"), r.notes().get(0));
    assertNotEquals(0, r.evaluations());
  }

  @Test
  void theResultNeverCostsMoreThanAUniformWidthThatMeetsTheBudget() {
    SearchOptions o = options().withOverflow(OverflowMode.SATURATE).withMaxWidth(12).withProbes(0);
    SearchResult r = PrecisionSearch.run(prepared, calib, o, s -> { });
    assertTrue(r.budgetMet(), () -> "budget: " + r.metrics());
    // every uniform width (each searched tensor w bits over its range), measured as the search measures
    FloatProfile profile = FloatProfile.of(prepared, calib, o.method());
    SearchSpace space = SearchSpace.of(prepared, profile, o);
    Planner planner = new Planner(space, o);
    Evaluator ev = new Evaluator(prepared, prepared, calib, profile, null, o.estimate());
    int met = 0;
    for (int w = o.maxWidth(); w >= o.minWidth(); w--) {
      int[] f = new int[space.size()];
      for (int i = 0; i < f.length; i++) {
        SearchSpace.KnobInfo k = space.get(i);
        f[i] = k.exactFraction() != null ? k.exactFraction()
            : Math.max(k.minFraction(), k.maxFraction() - (o.maxWidth() - w));
      }
      Evaluator.Eval e = ev.evaluate(planner.plan(f).config());
      if (o.budget().holds(e.metrics())) {
        met++;
        long uniform = e.estimate().total().lutEquivalents();
        long found = r.after().total().lutEquivalents();
        int width = w;
        assertTrue(found <= uniform, () -> "found " + found + " against uniform width " + width + ": " + uniform);
      }
    }
    assertTrue(met >= 2, "several uniform widths meet the budget");
    // saturating mode: the integer descent saturates some result below its calibrated integer bits
    assertTrue(r.layers().stream().anyMatch(l -> !l.op().equals("Input") && !l.op().equals("Softmax")
        && l.result().integerBits() < calibratedIntegerBits(l)), "no result below its calibrated integer bits");
  }

  private static int calibratedIntegerBits(LayerReport l) {
    return dev.tessera.passes.quant.calib.IntegerBits.forRange(
        new dev.tessera.passes.quant.calib.Range(l.rangeLo(), l.rangeHi()), l.result().signed(), true);
  }
}
