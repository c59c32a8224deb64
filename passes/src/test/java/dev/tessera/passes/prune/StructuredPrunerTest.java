package dev.tessera.passes.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.importer.OnnxExporter;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphStats;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.PassContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The acceptance runs of issue #6 on the bundled examples: half the MACs, no retraining, 2,000 samples (500 for the
 * digits), in well under 30 s; the written model exports to ONNX and imports back to the same function.
 */
class StructuredPrunerTest {

  private static final PruneOptions HALF = PruneOptions.of(PruneBudget.parse("macs<=0.5"));

  private static void assumeExamples() {
    Assumptions.assumeTrue(PruneExamples.root() != null, "examples/physics-triggers not found (-Dtessera.root)");
  }

  private static PruneReport.Variant variant(PruneReport r, String name) {
    return r.variants().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
  }

  private static void exportsAndImportsBack(Graph pruned, PruneData data) {
    Graph back = OnnxImporter.load(OnnxExporter.toBytes(pruned), pruned.name());
    Map<String, NdArray> in = FisherGradients.slice(data.inputs(), 0, 50);
    assertArrayEquals(new FloatInterpreter(pruned).run(in).get(pruned.outputs().get(0)).data(),
        new FloatInterpreter(back).run(in).get(back.outputs().get(0)).data(), 0.0);
    assertEquals(GraphStats.of(pruned).macs(), GraphStats.of(back).macs());
  }

  private static StructuredPruner.Result digits(String m, boolean labels) throws IOException {
    Graph g = PruneExamples.model("digits/digits_" + m + ".onnx");
    PruneData calib = PruneExamples.data(g, "digits/calib_" + m + ".npy", labels ? "digits/calib_labels.npy" : null);
    PruneData test = PruneExamples.data(g, "digits/test_" + m + ".npy", "digits/test_labels.npy");
    StructuredPruner.Result r = new StructuredPruner(HALF, null).prune(g, calib, test);
    assertTrue(r.report().after().macs() <= GraphStats.of(g).macs() / 2, "half the MACs");
    assertTrue(r.report().timeMs().prune() < 30_000, "pruning took " + r.report().timeMs());
    exportsAndImportsBack(r.graph(), test);
    return r;
  }

  @Test
  void digitsCnnLosesAtMostOnePercent() throws IOException {
    assumeExamples();
    PruneReport r = digits("cnn", true).report();
    double base = Evaluation.score(PruneExamples.model("digits/digits_cnn.onnx"), PruneExamples.data(
        PruneExamples.model("digits/digits_cnn.onnx"), "digits/test_cnn.npy", "digits/test_labels.npy"),
        new int[450], 250).accuracy();
    double chosen = variant(r, r.chosen()).test().accuracy();
    assertTrue(chosen >= base - 0.01, "accuracy " + chosen + " vs unpruned " + base);
    double none = variant(r, "reconstruction-search").test().accuracy();
    assertTrue(chosen > none, "tuning helps: " + chosen + " vs " + none);
  }

  private static double unprunedAccuracy(String m) throws IOException {
    Graph g = PruneExamples.model("digits/digits_" + m + ".onnx");
    PruneData test = PruneExamples.data(g, "digits/test_" + m + ".npy", "digits/test_labels.npy");
    return Evaluation.score(g, test, new int[test.size()], 250).accuracy();
  }

  @Test
  void digitsMlpLosesAtMostOnePercent() throws IOException {
    assumeExamples();
    double base = unprunedAccuracy("mlp");
    for (boolean labels : new boolean[] {true, false}) {
      PruneReport r = digits("mlp", labels).report();
      assertEquals("reconstruction-search+tune(weights)", r.chosen());
      double chosen = variant(r, r.chosen()).test().accuracy();
      assertTrue(chosen >= base - 0.01, "labels " + labels + ": accuracy " + chosen + " vs unpruned " + base
          + " (measured 98.0 %)");
      double untuned = variant(r, "reconstruction-search").test().accuracy();
      assertTrue(chosen > untuned + 0.02, "tuning helps: " + chosen + " vs " + untuned);
    }
  }

  @Test
  void digitsMlpFisherSearchTuningHelps() throws IOException {
    assumeExamples();
    PruneReport r = digits("mlp", true).report();
    double none = variant(r, "search+rearrange").test().accuracy();
    double scales = variant(r, "search+rearrange+tune(scales)").test().accuracy();
    double weights = variant(r, "search+rearrange+tune(weights)").test().accuracy();
    assertTrue(scales > none && weights > scales, none + " " + scales + " " + weights);
    assertTrue(weights >= 0.95, "measured 95.8 % (unpruned 98.2 %): " + weights);
  }

  @Test
  void jetTaggerLabelFreeAgreement() throws IOException {
    assumeExamples();
    Graph g = PruneExamples.model("jet-tagger/jet_tagger.onnx");
    PruneData calib = PruneExamples.data(g, "jet-tagger/calib.npy", null);
    PruneData test = PruneExamples.data(g, "jet-tagger/test_inputs.npy", "jet-tagger/test_labels.npy");
    assertEquals(2000, calib.size());
    StructuredPruner.Result r = new StructuredPruner(HALF, null).prune(g, calib, test);
    PruneReport rep = r.report();
    assertEquals("kl-divergence", rep.loss());
    assertEquals(2000, rep.samples());
    assertTrue(rep.timeMs().prune() < 30_000, rep.timeMs().toString());
    assertTrue(variant(rep, rep.chosen()).test().agreement() >= 0.985, variant(rep, rep.chosen()).toString());
    assertTrue(rep.after().lut() < rep.before().lut());
    exportsAndImportsBack(r.graph(), test);
  }

  @Test
  void lutBudgetHoldsAfterTuning() throws IOException {
    assumeExamples();
    Graph g = PruneExamples.model("jet-tagger/jet_tagger.onnx");
    PruneData calib = PruneExamples.data(g, "jet-tagger/calib.npy", null).first(500);
    PruneOptions o = PruneOptions.of(PruneBudget.parse("lut<=12000")).withPrecision(
        dev.tessera.ir.FixedType.signed(8, 3)).withAllVariants(false);
    StructuredPruner.Result r = new StructuredPruner(o, null).prune(g, calib, null);
    assertTrue(r.report().costAfter() <= 12000, r.report().costAfter() + " LUTs");
    assertEquals(r.report().after().lut(), (long) r.report().costAfter());
    assertTrue(r.report().costBefore() > 12000);
  }

  @Test
  void asAPassWithTheContextSamples() throws IOException {
    assumeExamples();
    Graph g = PruneExamples.model("digits/digits_mlp.onnx");
    PruneData calib = PruneExamples.data(g, "digits/calib_mlp.npy", null).first(200);
    List<PruneReport> reports = new ArrayList<>();
    PruneUnits pass = new PruneUnits(HALF.withAllVariants(false), null, reports::add);
    Graph out = pass.run(g, PassContext.create().withSamples(calib.inputs()));
    assertEquals(1, reports.size());
    assertEquals(List.of("reconstruction-search", "reconstruction-search+tune(weights)"), reports.get(0).variants()
        .stream().map(PruneReport.Variant::name).toList(), "the written variant and its untuned masks");
    assertTrue(GraphStats.of(out).macs() <= GraphStats.of(g).macs() / 2);
    assertThrows(PruneException.class, () -> pass.run(g, PassContext.create()));
  }
}
