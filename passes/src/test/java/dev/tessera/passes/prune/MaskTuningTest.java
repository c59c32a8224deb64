package dev.tessera.passes.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.FloatGraphs;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A removed unit that duplicates a kept one (twice its weights, so twice its Relu output) can be reconstructed
 * exactly: by a scale on the kept unit when the consumer reads both along the same direction, by the consumer's
 * weights in general. Tuning must find these exact fits.
 */
class MaskTuningTest {

  /** x[N,3] → d1 (3→4, unit 3 = 2·unit 0) → relu → d2 (4→2); {@code proportional}: d2 row 3 = 0.5·row 0. */
  static Graph duplicateDense(boolean proportional) {
    Random r = new Random(5);
    double[] w1 = PruneGraphs.random(r, 3, 4).values().clone();
    for (int i = 0; i < 3; i++) {
      w1[i * 4 + 3] = 2 * w1[i * 4];
    }
    double[] w2 = PruneGraphs.random(r, 4, 2).values().clone();
    if (proportional) {
      w2[6] = 0.5 * w2[0];
      w2[7] = 0.5 * w2[1];
    }
    return Graph.builder("dup").input("x", PruneGraphs.f(Shape.batched(3)))
        .constant("w1", Tensor.ofFloats(new long[] {3, 4}, w1))
        .constant("w2", Tensor.ofFloats(new long[] {4, 2}, w2)).constant("b2", PruneGraphs.random(r, 2))
        .node(PruneGraphs.node("d1", new Op.Dense(null), List.of("x", "w1"), "y"), PruneGraphs.f(Shape.batched(4)))
        .node(PruneGraphs.node("r", new Op.Relu(), List.of("y"), "h"), PruneGraphs.f(Shape.batched(4)))
        .node(PruneGraphs.node("d2", new Op.Dense(null), List.of("h", "w2", "b2"), "out"),
            PruneGraphs.f(Shape.batched(2)))
        .output("out").build();
  }

  /** The CNN of PruneGraphs with filter 3 of c1 = 2 · filter 0 (bias 0 on both). */
  static Graph duplicateConv() {
    Graph g = PruneGraphs.cnn(9);
    double[] k = g.constant("k1").values().clone();
    int per = k.length / 4;
    for (int i = 0; i < per; i++) {
      k[3 * per + i] = 2 * k[i];
    }
    double[] b = g.constant("c1b").values().clone();
    b[0] = 0;
    b[3] = 0;
    Graph.Builder gb = g.toBuilder().constant("k1", Tensor.ofFloats(g.constant("k1").shape(), k))
        .constant("c1b", Tensor.ofFloats(new long[] {4}, b));
    // no BatchNorm shift, so that the duplicate stays a multiple after it
    double[] zero = new double[4];
    double[] one = {1, 1, 1, 1};
    gb.constant("beta", Tensor.ofFloats(new long[] {4}, zero)).constant("mu", Tensor.ofFloats(new long[] {4}, zero))
        .constant("g", Tensor.ofFloats(new long[] {4}, one)).constant("var", Tensor.ofFloats(new long[] {4}, one));
    return gb.build();
  }

  private static double maxDiff(Graph a, Graph b, Map<String, NdArray> in) {
    double[] x = new FloatInterpreter(a).run(in).get("out").data();
    double[] y = new FloatInterpreter(b).run(in).get("out").data();
    double d = 0;
    for (int i = 0; i < x.length; i++) {
      d = Math.max(d, Math.abs(x[i] - y[i]));
    }
    return d;
  }

  @Test
  void scalesRecoverAProportionalDuplicate() {
    Graph g = duplicateDense(true);
    Map<String, NdArray> in = FloatGraphs.inputs(g, 64, 1);
    Map<String, int[]> keep = Map.of("d1", new int[] {0, 1, 2});
    Graph pruned = UnitRemoval.remove(g, UnitAnalysis.analyze(g).layers(), keep);
    assertTrue(maxDiff(g, pruned, in) > 0.1, "removing the duplicate changes the outputs");
    MaskTuning.Result r = MaskTuning.tune(g, pruned, keep, in, 0, false, 16);
    assertTrue(r.fits().get(0).applied());
    assertEquals(0, r.fits().get(0).errorAfter(), 1e-9);
    assertEquals(0, maxDiff(g, r.graph(), in), 1e-5);
    Map<String, NdArray> other = FloatGraphs.inputs(g, 32, 2);
    assertEquals(0, maxDiff(g, r.graph(), other), 1e-5, "exact on unseen inputs too");
  }

  @Test
  void scalesCannotRecoverAnArbitraryDuplicateButWeightsCan() {
    Graph g = duplicateDense(false);
    Map<String, NdArray> in = FloatGraphs.inputs(g, 64, 1);
    Map<String, int[]> keep = Map.of("d1", new int[] {0, 1, 2});
    Graph pruned = UnitRemoval.remove(g, UnitAnalysis.analyze(g).layers(), keep);
    MaskTuning.Result s = MaskTuning.tune(g, pruned, keep, in, 0, true, 16);
    assertTrue(s.fits().get(0).errorAfter() > 1e-6, "scales leave an error: " + s.fits());
    MaskTuning.Result w = WeightReconstruction.tune(g, pruned, keep, in, 0, 16);
    assertTrue(w.fits().get(0).applied());
    assertEquals(0, w.fits().get(0).errorAfter(), 1e-9);
    assertEquals(0, maxDiff(g, w.graph(), FloatGraphs.inputs(g, 32, 2)), 1e-5);
  }

  @Test
  void weightsRecoverADuplicateFilterThroughAConvolution() {
    Graph g = duplicateConv();
    Map<String, NdArray> in = FloatGraphs.inputs(g, 24, 3);
    Map<String, int[]> keep = Map.of("c1", new int[] {0, 1, 2});
    Graph pruned = UnitRemoval.remove(g, UnitAnalysis.analyze(g).layers(), keep);
    assertTrue(maxDiff(g, pruned, in) > 0.1);
    MaskTuning.Result w = WeightReconstruction.tune(g, pruned, keep, in, 0, 7);
    assertEquals(0, w.fits().get(0).errorAfter(), 1e-9, w.fits().toString());
    assertEquals(0, maxDiff(g, w.graph(), FloatGraphs.inputs(g, 8, 4)), 1e-4);
    MaskTuning.Result s = MaskTuning.tune(g, pruned, keep, in, 1e-3, true, 7);
    assertTrue(s.fits().get(0).errorAfter() < s.fits().get(0).errorBefore(), s.fits().toString());
  }

  @Test
  void flattenedConsumerIsTunedToo() {
    Graph g = PruneGraphs.cnn(10);
    Map<String, NdArray> in = FloatGraphs.inputs(g, 40, 5);
    Map<String, int[]> keep = Map.of("c2", new int[] {0, 2});
    Graph pruned = UnitRemoval.remove(g, UnitAnalysis.analyze(g).layers(), keep);
    for (MaskTuning.Result r : List.of(MaskTuning.tune(g, pruned, keep, in, 1e-2, true, 9),
        WeightReconstruction.tune(g, pruned, keep, in, 1e-2, 9))) {
      MaskTuning.Fit f = r.fits().get(0);
      assertEquals("c2", f.layer());
      assertTrue(f.applied() && f.errorAfter() < f.errorBefore(), f.toString());
    }
  }

  @Test
  void unprunedLayersAreNotTuned() {
    Graph g = PruneGraphs.mlp(3);
    Map<String, NdArray> in = FloatGraphs.inputs(g, 10, 1);
    MaskTuning.Result r = MaskTuning.tune(g, g, Map.of("d1", new int[] {0, 1, 2, 3, 4}), in, 0.01, true, 4);
    assertTrue(r.fits().isEmpty());
    assertFalse(r.graph() != g);
  }
}
