package dev.tessera.passes.prune;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.grad.Backprop;
import dev.tessera.ir.grad.Loss;
import dev.tessera.ir.grad.Losses;
import dev.tessera.ir.grad.MaskGradients;
import dev.tessera.ir.grad.Reduction;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradients of the loss with respect to a mask on every prunable unit, one row per sample, from which the empirical
 * Fisher information of the masks follows (Kwon et al. 2022). With labels the loss is the cross-entropy of each
 * sample. Without labels it is the KL divergence from the unpruned model's output distribution p, whose gradient is
 * zero at the unpruned model; its curvature there is the Fisher information of the model's own distribution,
 * {@code F = E_x Σ_c p_c g_c g_cᵀ} with {@code g_c} the gradient of {@code -log q_c}, so every sample contributes one
 * row {@code √p_c · g_c} per class (one backward pass per class). Read-only.
 */
public final class FisherGradients {

  private FisherGradients() {}

  /**
   * Mask gradients of every layer.
   *
   * @param rows per producer, the gradient rows [rows][units]
   * @param samples the number of samples (the Fisher information is the mean over samples of Σ_rows g gᵀ)
   * @param loss "cross-entropy" or "kl-divergence"
   */
  public record Rows(Map<String, double[][]> rows, int samples, String loss) {

    public Rows {
      rows = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    }

    /** The diagonal of the layer's Fisher information: per unit the mean over samples of the squared gradients. */
    public double[] diagonal(String layer) {
      double[][] r = get(layer);
      double[] f = new double[r.length == 0 ? 0 : r[0].length];
      for (double[] row : r) {
        for (int j = 0; j < f.length; j++) {
          f[j] += row[j] * row[j];
        }
      }
      for (int j = 0; j < f.length; j++) {
        f[j] /= Math.max(samples, 1);
      }
      return f;
    }

    /** The layer's block of the Fisher information: {@code (1/samples) Σ_rows g gᵀ}. */
    public double[][] block(String layer) {
      double[][] r = get(layer);
      int u = r.length == 0 ? 0 : r[0].length;
      double[][] f = new double[u][u];
      for (double[] row : r) {
        for (int i = 0; i < u; i++) {
          double gi = row[i];
          if (gi == 0) {
            continue;
          }
          double[] fi = f[i];
          for (int j = i; j < u; j++) {
            fi[j] += gi * row[j];
          }
        }
      }
      for (int i = 0; i < u; i++) {
        for (int j = i; j < u; j++) {
          f[i][j] /= Math.max(samples, 1);
          f[j][i] = f[i][j];
        }
      }
      return f;
    }

    private double[][] get(String layer) {
      double[][] r = rows.get(layer);
      if (r == null) {
        throw new IllegalArgumentException("no mask gradients for layer '" + layer + "'");
      }
      return r;
    }
  }

  /**
   * Computes the mask gradient rows of {@code layers} on {@code inputs} (every graph input, samples on axis 0).
   *
   * @param labels one class per sample for the cross-entropy, or null for the label-free KL form
   * @param batch samples per forward and backward run
   */
  public static Rows compute(Graph g, List<PrunableLayer> layers, Map<String, NdArray> inputs, int[] labels,
      int batch) {
    int n = samples(inputs);
    if (labels != null && labels.length != n) {
      throw new IllegalArgumentException(labels.length + " labels for " + n + " samples");
    }
    String out = g.outputs().get(0);
    String logits = logitsOf(g, out);
    FloatInterpreter interp = new FloatInterpreter(g);
    Map<String, List<double[]>> acc = new LinkedHashMap<>();
    for (PrunableLayer l : layers) {
      acc.put(l.producer(), new ArrayList<>());
    }
    for (int from = 0; from < n; from += batch) {
      int to = Math.min(n, from + batch);
      Map<String, NdArray> acts = interp.runAll(slice(inputs, from, to));
      if (labels != null) {
        int[] lab = java.util.Arrays.copyOfRange(labels, from, to);
        Loss loss = Losses.crossEntropy(g, acts, out, lab, Reduction.SUM);
        collect(g, layers, acts, Backprop.backward(g, acts, loss.seeds()), acc);
      } else {
        NdArray z = acts.get(logits);
        double[] p = softmax(z);
        int classes = Math.toIntExact(z.dim(-1));
        for (int c = 0; c < classes; c++) {
          double[] seed = new double[p.length];
          for (int r = 0; r < p.length / classes; r++) {
            double w = Math.sqrt(p[r * classes + c]);
            for (int k = 0; k < classes; k++) {
              seed[r * classes + k] = w * (p[r * classes + k] - (k == c ? 1 : 0));
            }
          }
          collect(g, layers, acts, Backprop.backward(g, acts, Map.of(logits, new NdArray(z.shape(), seed))), acc);
        }
      }
    }
    Map<String, double[][]> rows = new LinkedHashMap<>();
    for (Map.Entry<String, List<double[]>> e : acc.entrySet()) {
      rows.put(e.getKey(), e.getValue().toArray(new double[0][]));
    }
    return new Rows(rows, n, labels != null ? "cross-entropy" : "kl-divergence");
  }

  private static void collect(Graph g, List<PrunableLayer> layers, Map<String, NdArray> acts,
      Map<String, NdArray> grads, Map<String, List<double[]>> acc) {
    for (PrunableLayer l : layers) {
      NdArray m = MaskGradients.perUnit(acts.get(l.maskTensor()), grads.get(l.maskTensor()), l.maskAxis());
      int rows = Math.toIntExact(m.dim(0));
      int units = Math.toIntExact(m.dim(1));
      List<double[]> list = acc.get(l.producer());
      for (int r = 0; r < rows; r++) {
        double[] row = new double[units];
        System.arraycopy(m.data(), r * units, row, 0, units);
        list.add(row);
      }
    }
  }

  /** The tensor the loss is differentiated from: the input of a last-axis Softmax that makes the output, else it. */
  static String logitsOf(Graph g, String output) {
    Node p = g.producer(output);
    int rank = g.type(output).shape().rank();
    if (p != null && p.op() instanceof Op.Softmax sm && (sm.axis() == rank - 1 || sm.axis() == -1)) {
      return p.input(0);
    }
    return output;
  }

  /** Softmax over the last axis of every row. */
  static double[] softmax(NdArray z) {
    int classes = Math.toIntExact(z.dim(-1));
    double[] v = z.data();
    double[] p = new double[v.length];
    for (int base = 0; base < v.length; base += classes) {
      double m = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        m = Math.max(m, v[base + k]);
      }
      double s = 0;
      for (int k = 0; k < classes; k++) {
        p[base + k] = Math.exp(v[base + k] - m);
        s += p[base + k];
      }
      for (int k = 0; k < classes; k++) {
        p[base + k] /= s;
      }
    }
    return p;
  }

  /** The number of samples (axis 0, equal for every input). */
  static int samples(Map<String, NdArray> inputs) {
    int n = -1;
    for (Map.Entry<String, NdArray> e : inputs.entrySet()) {
      int s = Math.toIntExact(e.getValue().dim(0));
      if (n >= 0 && s != n) {
        throw new IllegalArgumentException("input '" + e.getKey() + "' has " + s + " samples, another has " + n);
      }
      n = s;
    }
    if (n <= 0) {
      throw new IllegalArgumentException("no samples");
    }
    return n;
  }

  /** Samples [from, to) of every input. */
  static Map<String, NdArray> slice(Map<String, NdArray> inputs, int from, int to) {
    Map<String, NdArray> m = new LinkedHashMap<>();
    inputs.forEach((k, v) -> m.put(k, v.slice0(from, to)));
    return m;
  }
}
