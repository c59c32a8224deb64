package dev.tessera.passes.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.FloatGraphs;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mask gradients against finite differences of the losses of a graph whose units are multiplied by explicit
 * masks. The MLP is piecewise linear in the masks (Dense, BatchNorm, Relu), so the curvature of the KL divergence
 * there is exactly the Fisher information that the label-free rows represent.
 */
class FisherGradientsTest {

  private static final int SAMPLES = 6;
  private static final int[] LABELS = {0, 2, 1, 1, 0, 2};

  private static Map<String, NdArray> inputs(Graph g) {
    return FloatGraphs.inputs(g, SAMPLES, 3);
  }

  private static double[][] logits(Graph g, PrunableLayer l, double[] m) {
    NdArray z = new FloatInterpreter(PruneGraphs.masked(g, l, m)).run(inputs(g)).get("out");
    int c = Math.toIntExact(z.dim(1));
    double[][] out = new double[SAMPLES][c];
    for (int b = 0; b < SAMPLES; b++) {
      System.arraycopy(z.data(), b * c, out[b], 0, c);
    }
    return out;
  }

  private static double[] logSoftmax(double[] z) {
    double m = Arrays.stream(z).max().orElseThrow();
    double s = 0;
    for (double v : z) {
      s += Math.exp(v - m);
    }
    double lse = m + Math.log(s);
    return Arrays.stream(z).map(v -> v - lse).toArray();
  }

  /** Σ_b KL(p_b ‖ q_b(m)), p from the unmasked graph. */
  private static double kl(Graph g, PrunableLayer l, double[] m) {
    double[] ones = new double[m.length];
    Arrays.fill(ones, 1);
    double[][] p = logits(g, l, ones);
    double[][] q = logits(g, l, m);
    double total = 0;
    for (int b = 0; b < SAMPLES; b++) {
      double[] lp = logSoftmax(p[b]);
      double[] lq = logSoftmax(q[b]);
      for (int c = 0; c < lp.length; c++) {
        total += Math.exp(lp[c]) * (lp[c] - lq[c]);
      }
    }
    return total;
  }

  @Test
  void labelFreeRowsAreTheCurvatureOfTheKlDivergence() {
    Graph g = PruneGraphs.mlp(21);
    List<PrunableLayer> layers = UnitAnalysis.analyze(g).layers();
    FisherGradients.Rows rows = FisherGradients.compute(g, layers, inputs(g), null, 4);
    assertEquals("kl-divergence", rows.loss());
    for (PrunableLayer l : layers) {
      double[][] block = rows.block(l.producer());
      int u = l.units();
      double h = 1e-3;
      for (int i = 0; i < u; i++) {
        for (int j = 0; j < u; j++) {
          double[] pp = ones(u);
          double[] pm = ones(u);
          double[] mp = ones(u);
          double[] mm = ones(u);
          pp[i] += h;
          pp[j] += h;
          pm[i] += h;
          pm[j] -= h;
          mp[i] -= h;
          mp[j] += h;
          mm[i] -= h;
          mm[j] -= h;
          double second = (kl(g, l, pp) - kl(g, l, pm) - kl(g, l, mp) + kl(g, l, mm)) / (4 * h * h);
          double fisher = block[i][j] * SAMPLES;
          assertEquals(second, fisher, 1e-4 * Math.max(1, Math.abs(second)), l.producer() + " [" + i + "," + j + "]");
        }
      }
    }
  }

  @Test
  void crossEntropyDiagonalIsTheMeanSquaredPerSampleGradient() {
    Graph g = PruneGraphs.mlp(22);
    List<PrunableLayer> layers = UnitAnalysis.analyze(g).layers();
    FisherGradients.Rows rows = FisherGradients.compute(g, layers, inputs(g), LABELS, 5);
    assertEquals("cross-entropy", rows.loss());
    for (PrunableLayer l : layers) {
      double[] diag = rows.diagonal(l.producer());
      double h = 1e-5;
      for (int j = 0; j < l.units(); j++) {
        double[] up = ones(l.units());
        double[] down = ones(l.units());
        up[j] += h;
        down[j] -= h;
        double[][] zu = logits(g, l, up);
        double[][] zd = logits(g, l, down);
        double f = 0;
        for (int b = 0; b < SAMPLES; b++) {
          double d = (-logSoftmax(zu[b])[LABELS[b]] + logSoftmax(zd[b])[LABELS[b]]) / (2 * h);
          f += d * d;
        }
        f /= SAMPLES;
        assertEquals(f, diag[j], 1e-6 * Math.max(1, f), l.producer() + " unit " + j);
      }
    }
  }

  private static double[] ones(int n) {
    double[] o = new double[n];
    Arrays.fill(o, 1);
    return o;
  }
}
