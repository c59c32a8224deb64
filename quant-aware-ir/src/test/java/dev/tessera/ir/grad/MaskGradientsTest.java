package dev.tessera.ir.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Per-sample mask gradients against finite differences: a mask m_u on unit u is the same as scaling the weights and
 * bias of that unit by m_u, so dL_b/dm_u is the derivative of sample b's loss under that scaling.
 */
class MaskGradientsTest {

  /** Sample b's cross-entropy when unit u of the layer (weight columns/filters and bias) is scaled by 1 + eps. */
  private static double sampleLoss(TinyGraph t, int[] labels, int b, String weight, String bias, boolean conv,
      int u, double eps) {
    Graph g = t.graph();
    Tensor w = g.constant(weight);
    double[] wv = w.values().clone();
    long units = conv ? w.dim(0) : w.dim(1);
    for (int i = 0; i < wv.length; i++) {
      long unit = conv ? i / (wv.length / units) : i % units;
      if (unit == u) {
        wv[i] *= 1 + eps;
      }
    }
    double[] bv = g.constant(bias).values().clone();
    bv[u] *= 1 + eps;
    Graph scaled = g.toBuilder().constant(weight, Tensor.ofFloats(w.shape(), wv))
        .constant(bias, Tensor.ofFloats(g.constant(bias).shape(), bv)).build();
    String x = g.inputs().get(0);
    NdArray sample = t.inputs().get(x).slice0(b, b + 1);
    NdArray p = new FloatInterpreter(scaled).run(Map.of(x, sample)).get("probs");
    return Losses.crossEntropyFromProbabilities(p, new int[] {labels[b]}, Reduction.SUM).value();
  }

  private static void check(TinyGraph t, int[] labels, String node, String weight, String bias, boolean conv) {
    Graph g = t.graph();
    Map<String, NdArray> acts = new FloatInterpreter(g).runAll(t.inputs());
    Loss loss = Losses.crossEntropy(g, acts, "probs", labels, Reduction.SUM);
    Map<String, NdArray> grads = Backprop.backward(g, acts, loss.seeds());
    NdArray perSample = MaskGradients.perUnit(g, acts, grads, node);
    int units = Math.toIntExact(perSample.dim(1));
    assertEquals(labels.length, perSample.dim(0));
    double h = 1e-5;
    double scale = 0;
    double[] fd = new double[perSample.size()];
    for (int b = 0; b < labels.length; b++) {
      for (int u = 0; u < units; u++) {
        fd[b * units + u] = (sampleLoss(t, labels, b, weight, bias, conv, u, h)
            - sampleLoss(t, labels, b, weight, bias, conv, u, -h)) / (2 * h);
        scale = Math.max(scale, Math.abs(fd[b * units + u]));
      }
    }
    for (int i = 0; i < fd.length; i++) {
      assertTrue(Math.abs(fd[i] - perSample.data()[i]) < 1e-6 * scale,
          "mask gradient " + i + ": " + perSample.data()[i] + " vs finite difference " + fd[i]);
    }
    double[] fisher = MaskGradients.fisher(perSample);
    for (int u = 0; u < units; u++) {
      double s = 0;
      for (int b = 0; b < labels.length; b++) {
        s += fd[b * units + u] * fd[b * units + u];
      }
      assertEquals(s / labels.length, fisher[u], 1e-6 * s + 1e-15);
    }
  }

  @Test
  void denseOutputNeurons() {
    check(Models.mlp(3), new int[] {0, 3, 4, 1}, "dense1", "w1", "b1", false);
  }

  @Test
  void convOutputChannels() {
    check(Models.cnn(5), new int[] {2, 0}, "conv2", "k2", "c2b", true);
  }

  @Test
  void groupsSumContiguousUnits() {
    NdArray y = new NdArray(new long[] {1, 2, 4}, new double[] {1, 2, 3, 4, 5, 6, 7, 8});
    NdArray dy = new NdArray(new long[] {1, 2, 4}, new double[] {1, 1, 1, 1, 2, 2, 2, 2});
    NdArray heads = MaskGradients.perGroup(y, dy, 2, 2);
    assertArrayEquals(new double[] {1 + 2 + 10 + 12, 3 + 4 + 14 + 16}, heads.data());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MaskGradients.perGroup(y, dy, 2, 3));
    assertEquals("axis 2 of size 4 does not split into 3 equal groups", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MaskGradients.perUnit(y, dy, 0));
  }
}
