package dev.tessera.ir.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Values and finite-difference gradients of the losses. */
class LossesTest {

  private static NdArray softmax(NdArray z) {
    int c = Math.toIntExact(z.dim(-1));
    double[] p = new double[z.size()];
    for (int r = 0; r < z.size() / c; r++) {
      double m = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < c; i++) {
        m = Math.max(m, z.data()[r * c + i]);
      }
      double s = 0;
      for (int i = 0; i < c; i++) {
        s += Math.exp(z.data()[r * c + i] - m);
      }
      for (int i = 0; i < c; i++) {
        p[r * c + i] = Math.exp(z.data()[r * c + i] - m) / s;
      }
    }
    return new NdArray(z.shape(), p);
  }

  @Test
  void crossEntropyFromLogitsMatchesFiniteDifferencesAndTheProbabilityForm() {
    NdArray z = Rand.uniform(new Random(1), -3, 3, 4, 5);
    int[] labels = {1, 0, 4, 2};
    for (Reduction red : Reduction.values()) {
      LossValue v = Losses.crossEntropyFromLogits(z, labels, red);
      GradCheck.checkFunction("logits", z, v.gradient(),
          a -> Losses.crossEntropyFromLogits(a, labels, red).value(), 2);
      assertEquals(Losses.crossEntropyFromProbabilities(softmax(z), labels, red).value(), v.value(), 1e-12);
    }
    assertEquals(4 * Losses.crossEntropyFromLogits(z, labels, Reduction.MEAN).value(),
        Losses.crossEntropyFromLogits(z, labels, Reduction.SUM).value(), 1e-12);
  }

  @Test
  void crossEntropyFromProbabilitiesMatchesFiniteDifferences() {
    NdArray p = Rand.uniform(new Random(3), 0.05, 1, 3, 4);
    int[] labels = {3, 1, 0};
    LossValue v = Losses.crossEntropyFromProbabilities(p, labels, Reduction.MEAN);
    GradCheck.checkFunction("probabilities", p, v.gradient(),
        a -> Losses.crossEntropyFromProbabilities(a, labels, Reduction.MEAN).value(), 4);
  }

  @Test
  void logitFormStaysFiniteWhereProbabilitiesUnderflow() {
    NdArray z = new NdArray(new long[] {1, 3}, new double[] {1000, -1000, 0});
    LossValue v = Losses.crossEntropyFromLogits(z, new int[] {1}, Reduction.MEAN);
    assertEquals(2000, v.value(), 1e-9);
    assertEquals(-1, v.gradient().data()[1], 1e-12);
    assertEquals(1, v.gradient().data()[0], 1e-12);
  }

  @Test
  void klDivergenceBothFormsMatchFiniteDifferences() {
    Random r = new Random(5);
    NdArray ref = softmax(Rand.uniform(r, -2, 2, 3, 4));
    NdArray z = Rand.uniform(r, -2, 2, 3, 4);
    LossValue fromLogits = Losses.klDivergenceFromLogits(ref, z, Reduction.MEAN);
    GradCheck.checkFunction("logits", z, fromLogits.gradient(),
        a -> Losses.klDivergenceFromLogits(ref, a, Reduction.MEAN).value(), 6);
    NdArray q = softmax(z);
    LossValue fromProbs = Losses.klDivergenceFromProbabilities(ref, q, Reduction.SUM);
    GradCheck.checkFunction("probabilities", q, fromProbs.gradient(),
        a -> Losses.klDivergenceFromProbabilities(ref, a, Reduction.SUM).value(), 7);
    assertEquals(3 * fromLogits.value(), fromProbs.value(), 1e-12);
    assertTrue(fromLogits.value() > 0);
    assertEquals(0, Losses.klDivergenceFromLogits(q, z, Reduction.MEAN).value(), 1e-12);
  }

  @Test
  void graphLossesSeedTheLogitsOfASoftmaxAndTheOutputOtherwise() {
    TinyGraph t = Models.mlp(9);
    Graph g = t.graph();
    Map<String, NdArray> acts = new FloatInterpreter(g).runAll(t.inputs());
    NdArray ref = softmax(Rand.uniform(new Random(10), -1, 1, 4, 5));
    Loss kl = Losses.klDivergence(g, acts, "probs", ref, Reduction.MEAN);
    assertEquals(List.of("logits"), List.copyOf(kl.seeds().keySet()));
    assertEquals(Losses.klDivergenceFromProbabilities(ref, acts.get("probs"), Reduction.MEAN).value(), kl.value(),
        1e-12);
    Loss ce = Losses.crossEntropy(g, acts, "h3", new int[] {0, 1, 2, 3}, Reduction.SUM);
    assertEquals(List.of("h3"), List.copyOf(ce.seeds().keySet()));
  }

  /** x[3,2,4] → BN → Relu → Conv 1x1 (3 channels) → BN; the ZeroQ loss over both. */
  private static TinyGraph twoBatchNorms(long seed) {
    Random r = new Random(seed);
    Op.Conv conv = new Op.Conv(new long[] {1}, new long[] {1}, new long[] {0}, new long[] {0}, new long[] {1}, 1,
        null);
    return new TinyGraph().input("x", Rand.uniform(r, -1, 2, 3, 2, 4))
        .constant("g1", Rand.uniform(r, 0.5, 1.5, 2)).constant("b1", Rand.uniform(r, -0.3, 0.3, 2))
        .constant("m1", Rand.uniform(r, -0.5, 0.5, 2)).constant("v1", Rand.uniform(r, 0.3, 2, 2))
        .constant("k", Rand.uniform(r, -1, 1, 3, 2, 1))
        .constant("g2", Rand.uniform(r, 0.5, 1.5, 3)).constant("b2", Rand.uniform(r, -0.3, 0.3, 3))
        .constant("m2", Rand.uniform(r, -0.5, 0.5, 3)).constant("v2", Rand.uniform(r, 0.3, 2, 3))
        .node("bn1", new Op.BatchNorm(1e-3), List.of("x", "g1", "b1", "m1", "v1"), "h1", 3)
        .node("relu", new Op.Relu(), List.of("h1"), "h2", 3)
        .node("conv", conv, List.of("h2", "k"), "h3", 3)
        .node("bn2", new Op.BatchNorm(1e-3), List.of("h3", "g2", "b2", "m2", "v2"), "y", 3)
        .output("y");
  }

  @Test
  void batchNormStatisticsLossThroughTheGraphMatchesFiniteDifferences() {
    TinyGraph t = twoBatchNorms(11);
    Graph g = t.graph();
    Map<String, NdArray> acts = new FloatInterpreter(g).runAll(t.inputs());
    Loss loss = Losses.bnStatistics(g, acts);
    assertEquals(List.of("x", "h3"), List.copyOf(loss.seeds().keySet()));
    NdArray gx = Backprop.backward(g, acts, loss.seeds()).get("x");
    GradCheck.checkFunction("x", t.inputs().get("x"), gx,
        v -> Losses.bnStatistics(g, new FloatInterpreter(g).runAll(Map.of("x", v))).value(), 12);
  }

  @Test
  void batchNormStatisticsLossByHand() {
    // one channel, values 1 and 3: mean 2, variance 1; running mean 1, running variance 3, eps 0
    TinyGraph t = new TinyGraph().input("x", new NdArray(new long[] {2, 1}, new double[] {1, 3}))
        .constant("g", new NdArray(new long[] {1}, new double[] {1}))
        .constant("b", new NdArray(new long[] {1}, new double[] {0}))
        .constant("m", new NdArray(new long[] {1}, new double[] {1}))
        .constant("v", new NdArray(new long[] {1}, new double[] {3}))
        .node("bn", new Op.BatchNorm(0), List.of("x", "g", "b", "m", "v"), "y", 2).output("y");
    Graph g = t.graph();
    Loss loss = Losses.bnStatistics(g, new FloatInterpreter(g).runAll(t.inputs()));
    double ds = 1 - Math.sqrt(3);
    assertEquals(1 + ds * ds, loss.value(), 1e-12);
    // dL/dx_i = 2(μ - m)/2 + 2(σ - s)(x_i - μ)/(2σ)
    assertEquals(1 - ds, loss.seeds().get("x").data()[0], 1e-12);
    assertEquals(1 + ds, loss.seeds().get("x").data()[1], 1e-12);
  }

  @Test
  void misuseIsReportedConcretely() {
    TinyGraph t = Models.cnn(13);
    Graph g = t.graph();
    Map<String, NdArray> acts = new FloatInterpreter(g).runAll(t.inputs());
    IllegalArgumentException noBn = assertThrows(IllegalArgumentException.class, () -> Losses.bnStatistics(g, acts));
    assertTrue(noBn.getMessage().contains("has no BatchNorm node"), noBn.getMessage());
    IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
        () -> Losses.crossEntropy(g, acts, "probs", new int[] {0, 3}, Reduction.MEAN));
    assertEquals("label 3 is out of range for 3 classes", label.getMessage());
    IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
        () -> Losses.crossEntropy(g, acts, "probs", new int[] {0}, Reduction.MEAN));
    assertEquals("scores of shape [2,3] have 2 rows but 1 labels were given", rows.getMessage());
  }
}
