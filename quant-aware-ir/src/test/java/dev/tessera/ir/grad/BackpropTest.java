package dev.tessera.ir.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** End-to-end gradients of small models, seeds on inner tensors, and the error cases. */
class BackpropTest {

  private static final int[] LABELS_MLP = {0, 3, 4, 1};
  private static final int[] LABELS_CNN = {2, 0};

  /** Cross-entropy of the graph's probabilities, as a function of the graph (for finite differences). */
  private static double crossEntropy(Graph g, Map<String, NdArray> inputs, int[] labels) {
    NdArray p = new FloatInterpreter(g).run(inputs).get("probs");
    return Losses.crossEntropyFromProbabilities(p, labels, Reduction.MEAN).value();
  }

  private static void endToEnd(TinyGraph t, int[] labels, List<String> weights) {
    Graph g = t.graph();
    Map<String, NdArray> acts = new FloatInterpreter(g).runAll(t.inputs());
    Loss loss = Losses.crossEntropy(g, acts, "probs", labels, Reduction.MEAN);
    assertTrue(loss.seeds().containsKey("logits"), "a softmax output is differentiated from its logits");
    assertEquals(crossEntropy(g, t.inputs(), labels), loss.value(), 1e-12);
    Map<String, NdArray> grads = Backprop.backward(g, acts, loss.seeds(), true);
    String x = g.inputs().get(0);
    GradCheck.checkFunction(x, t.inputs().get(x), grads.get(x), v -> crossEntropy(g, Map.of(x, v), labels), 3);
    for (String w : weights) {
      GradCheck.checkFunction(w, NdArray.of(g.constant(w)), grads.get(w), v -> crossEntropy(
          g.toBuilder().constant(w, Tensor.ofFloats(v.shape(), v.data())).build(), t.inputs(), labels), 5);
    }
  }

  @Test
  void mlpCrossEntropyGradientsOfInputAndEveryParameter() {
    endToEnd(Models.mlp(11), LABELS_MLP, List.of("w1", "b1", "g", "beta", "mean", "var", "w2", "b2"));
  }

  @Test
  void cnnCrossEntropyGradientsOfInputAndWeights() {
    endToEnd(Models.cnn(13), LABELS_CNN, List.of("k1", "c1b", "k2", "c2b", "w", "b"));
  }

  @Test
  void seedOnInnerTensorOnlyReachesItsAncestors() {
    TinyGraph t = Models.mlp(17);
    Graph g = t.graph();
    Map<String, NdArray> acts = new FloatInterpreter(g).runAll(t.inputs());
    NdArray seed = Rand.uniform(new Random(19), -1, 1, 4, 8);
    Map<String, NdArray> grads = Backprop.backward(g, acts, Map.of("h2", seed));
    assertArrayEquals(new double[20], grads.get("logits").data(), "tensors after the seed get zeros");
    assertArrayEquals(seed.data(), grads.get("h2").data());
    GradCheck.checkFunction("x", t.inputs().get("x"), grads.get("x"), v -> GradCheck.linear(
        new FloatInterpreter(g).runAll(Map.of("x", v)), Map.of("h2", seed)), 23);
  }

  @Test
  void seedsOnSeveralTensorsAddUp() {
    TinyGraph t = Models.mlp(29);
    Graph g = t.graph();
    Map<String, NdArray> acts = new FloatInterpreter(g).runAll(t.inputs());
    Random r = new Random(31);
    Map<String, NdArray> seeds = Map.of("h1", Rand.uniform(r, -1, 1, 4, 8), "probs", Rand.uniform(r, -1, 1, 4, 5));
    NdArray both = Backprop.backward(g, acts, seeds).get("x");
    NdArray a = Backprop.backward(g, acts, Map.of("h1", seeds.get("h1"))).get("x");
    NdArray b = Backprop.backward(g, acts, Map.of("probs", seeds.get("probs"))).get("x");
    for (int i = 0; i < both.size(); i++) {
      assertEquals(a.data()[i] + b.data()[i], both.data()[i], 1e-12);
    }
  }

  @Test
  void unsupportedOpOnThePathNamesTheNode() {
    Random r = new Random(37);
    TinyGraph t = new TinyGraph().input("x", Rand.uniform(r, -1, 1, 2, 3))
        .constant("s", new NdArray(new long[0], new double[] {0.25}))
        .constant("z", new NdArray(new long[0], new double[] {0}))
        .constant("bits", new NdArray(new long[0], new double[] {4}))
        .node("q", new Op.Quant(true, false, "ROUND"), List.of("x", "s", "z", "bits"), "y", 2).output("y");
    Graph g = t.graph();
    Map<String, NdArray> acts = new FloatInterpreter(g).runAll(t.inputs());
    UnsupportedOpException e = assertThrows(UnsupportedOpException.class,
        () -> Backprop.backward(g, acts, Map.of("y", Rand.uniform(r, -1, 1, 2, 3))));
    assertTrue(e.getMessage().startsWith("node 'q' (Quant): no gradient rule for Quant"), e.getMessage());
  }

  @Test
  void seedOfTheWrongShapeIsRejected() {
    TinyGraph t = Models.mlp(41);
    Graph g = t.graph();
    Map<String, NdArray> acts = new FloatInterpreter(g).runAll(t.inputs());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Backprop.backward(g, acts, Map.of("probs", NdArray.zeros(4, 4))));
    assertTrue(e.getMessage().contains("seed for 'probs' has shape [4,4] but the tensor has shape [4,5]"),
        e.getMessage());
  }
}
