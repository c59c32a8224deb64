package dev.tessera.ir.grad;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Loss functions with their gradients. Class scores are on the last axis; every other axis indexes rows (samples).
 *
 * <p>A graph that ends in Softmax is differentiated from its logits (the Softmax input): cross-entropy and KL
 * divergence are computed with a log-sum-exp ({@code log q_i = z_i - m - log Σ_j e^(z_j - m)}, {@code m = max z}),
 * which never takes the logarithm of a probability that underflowed to 0, and the seed {@code q - p} goes on the
 * logits. The probability forms exist for graphs whose output is already a probability from elsewhere; they clamp
 * probabilities at {@link #MIN_PROBABILITY}.
 */
public final class Losses {

  /** Smallest probability whose logarithm the probability forms take. */
  public static final double MIN_PROBABILITY = 1e-300;

  private Losses() {}

  // ------------------------------------------------------------------------------------------ cross-entropy

  /** Cross-entropy {@code -log softmax(z)[label]} per row, from logits; gradient {@code softmax(z) - onehot}. */
  public static LossValue crossEntropyFromLogits(NdArray logits, int[] labels, Reduction reduction) {
    int classes = classes(logits);
    int rows = rows(logits, labels.length);
    double[] z = logits.data();
    double[] grad = new double[z.length];
    double total = 0;
    double scale = reduction == Reduction.MEAN ? 1.0 / rows : 1.0;
    for (int r = 0; r < rows; r++) {
      int label = label(labels[r], classes);
      int base = r * classes;
      double lse = logSumExp(z, base, classes);
      total += lse - z[base + label];
      for (int c = 0; c < classes; c++) {
        grad[base + c] = scale * (Math.exp(z[base + c] - lse) - (c == label ? 1 : 0));
      }
    }
    return new LossValue(total * scale, new NdArray(logits.shape(), grad));
  }

  /** Cross-entropy {@code -log p[label]} per row, from probabilities; gradient {@code -1/p} at the label. */
  public static LossValue crossEntropyFromProbabilities(NdArray probabilities, int[] labels, Reduction reduction) {
    int classes = classes(probabilities);
    int rows = rows(probabilities, labels.length);
    double[] p = probabilities.data();
    double[] grad = new double[p.length];
    double total = 0;
    double scale = reduction == Reduction.MEAN ? 1.0 / rows : 1.0;
    for (int r = 0; r < rows; r++) {
      int at = r * classes + label(labels[r], classes);
      double q = Math.max(p[at], MIN_PROBABILITY);
      total -= Math.log(q);
      grad[at] = -scale / q;
    }
    return new LossValue(total * scale, new NdArray(probabilities.shape(), grad));
  }

  /**
   * Cross-entropy of a graph output against labels. When the output is made by a Softmax over its last axis, the
   * loss is computed from that Softmax's input (the logits) and seeded there; otherwise the output is taken as
   * logits.
   */
  public static Loss crossEntropy(Graph g, Map<String, NdArray> activations, String output, int[] labels,
      Reduction reduction) {
    String logits = logitsOf(g, activations, output);
    LossValue v = crossEntropyFromLogits(value(activations, logits), labels, reduction);
    return new Loss(v.value(), Map.of(logits, v.gradient()));
  }

  // ------------------------------------------------------------------------------------------ KL divergence

  /**
   * {@code KL(p ‖ softmax(z)) = Σ_i p_i (log p_i - log q_i)} per row, from logits z (terms with {@code p_i = 0}
   * are 0); gradient {@code q·Σ_i p_i - p}, which is {@code q - p} for a distribution p.
   */
  public static LossValue klDivergenceFromLogits(NdArray reference, NdArray logits, Reduction reduction) {
    sameShape(reference, logits);
    int classes = classes(logits);
    int rows = logits.size() / classes;
    double[] p = reference.data();
    double[] z = logits.data();
    double[] grad = new double[z.length];
    double total = 0;
    double scale = reduction == Reduction.MEAN ? 1.0 / rows : 1.0;
    for (int r = 0; r < rows; r++) {
      int base = r * classes;
      double lse = logSumExp(z, base, classes);
      double mass = 0;
      for (int c = 0; c < classes; c++) {
        double pc = p[base + c];
        mass += pc;
        if (pc > 0) {
          total += pc * (Math.log(pc) - (z[base + c] - lse));
        }
      }
      for (int c = 0; c < classes; c++) {
        grad[base + c] = scale * (Math.exp(z[base + c] - lse) * mass - p[base + c]);
      }
    }
    return new LossValue(total * scale, new NdArray(logits.shape(), grad));
  }

  /** {@code KL(p ‖ q)} per row from probabilities q; gradient {@code -p/q}. */
  public static LossValue klDivergenceFromProbabilities(NdArray reference, NdArray probabilities,
      Reduction reduction) {
    sameShape(reference, probabilities);
    int classes = classes(probabilities);
    int rows = probabilities.size() / classes;
    double[] p = reference.data();
    double[] q = probabilities.data();
    double[] grad = new double[q.length];
    double total = 0;
    double scale = reduction == Reduction.MEAN ? 1.0 / rows : 1.0;
    for (int i = 0; i < q.length; i++) {
      if (p[i] > 0) {
        double qi = Math.max(q[i], MIN_PROBABILITY);
        total += p[i] * (Math.log(p[i]) - Math.log(qi));
        grad[i] = -scale * p[i] / qi;
      }
    }
    return new LossValue(total * scale, new NdArray(probabilities.shape(), grad));
  }

  /**
   * KL divergence from reference probabilities to a graph output (same rule for a Softmax output as
   * {@link #crossEntropy(Graph, Map, String, int[], Reduction)}).
   */
  public static Loss klDivergence(Graph g, Map<String, NdArray> activations, String output, NdArray reference,
      Reduction reduction) {
    String logits = logitsOf(g, activations, output);
    LossValue v = klDivergenceFromLogits(reference, value(activations, logits), reduction);
    return new Loss(v.value(), Map.of(logits, v.gradient()));
  }

  // ------------------------------------------------------------------------------------------ BatchNorm statistics

  /**
   * The ZeroQ distillation loss: over every BatchNorm node, per channel c,
   * {@code (μ_c - runningMean_c)² + (σ_c - √(runningVar_c + ε))²}, where {@code μ_c} and
   * {@code σ_c = √(v_c + ε)} are the mean and standard deviation of the node's input over the batch and spatial
   * axes ({@code v_c} the population variance). Seeded on each BatchNorm input with
   * {@code dL/dx = 2(μ - m)/M + 2(σ - s)(x - μ)/(M σ)}, M the number of values per channel.
   *
   * @throws IllegalArgumentException when the graph has no BatchNorm node (fold passes remove them: use the graph
   *     before folding)
   */
  public static Loss bnStatistics(Graph g, Map<String, NdArray> activations) {
    List<Loss> parts = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (n.op() instanceof Op.BatchNorm bn) {
        parts.add(bnNode(g, activations, n, bn.epsilon()));
      }
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("graph '" + g.name() + "' has no BatchNorm node; the statistics loss needs "
          + "the graph before BatchNorm folding");
    }
    Loss total = new Loss(0, Map.of());
    for (Loss l : parts) {
      total = total.plus(l);
    }
    return total;
  }

  private static Loss bnNode(Graph g, Map<String, NdArray> activations, Node n, double eps) {
    String xName = n.input(0);
    NdArray x = value(activations, xName);
    double[] mean = constantOrValue(g, activations, n.input(3));
    double[] var = constantOrValue(g, activations, n.input(4));
    int batch = Math.toIntExact(x.dim(0));
    int ch = Math.toIntExact(x.dim(1));
    int inner = x.size() / Math.max(batch * ch, 1);
    int m = batch * inner;
    double[] xv = x.data();
    double[] grad = new double[xv.length];
    double loss = 0;
    for (int c = 0; c < ch; c++) {
      double mu = 0;
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < inner; i++) {
          mu += xv[(b * ch + c) * inner + i];
        }
      }
      mu /= m;
      double v = 0;
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < inner; i++) {
          double d = xv[(b * ch + c) * inner + i] - mu;
          v += d * d;
        }
      }
      v /= m;
      double sigma = Math.sqrt(v + eps);
      double target = Math.sqrt(var[c] + eps);
      double dm = mu - mean[c];
      double ds = sigma - target;
      loss += dm * dm + ds * ds;
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < inner; i++) {
          int at = (b * ch + c) * inner + i;
          grad[at] = 2 * dm / m + 2 * ds * (xv[at] - mu) / (m * sigma);
        }
      }
    }
    return new Loss(loss, Map.of(xName, new NdArray(x.shape(), grad)));
  }

  // ------------------------------------------------------------------------------------------ helpers

  /** The tensor to differentiate from: the input of a last-axis Softmax that makes {@code output}, else itself. */
  static String logitsOf(Graph g, Map<String, NdArray> activations, String output) {
    Node p = g.producer(output);
    int rank = value(activations, output).rank();
    if (p != null && p.op() instanceof Op.Softmax sm && (sm.axis() == rank - 1 || sm.axis() == -1)) {
      return p.input(0);
    }
    return output;
  }

  private static double logSumExp(double[] z, int base, int n) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      m = Math.max(m, z[base + i]);
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += Math.exp(z[base + i] - m);
    }
    return m + Math.log(s);
  }

  private static NdArray value(Map<String, NdArray> activations, String tensor) {
    NdArray a = activations.get(tensor);
    if (a == null) {
      throw new IllegalArgumentException("no activation for tensor '" + tensor
          + "': pass every activation of the forward run (FloatInterpreter.runAll)");
    }
    return a;
  }

  private static double[] constantOrValue(Graph g, Map<String, NdArray> activations, String tensor) {
    if (g.isConstant(tensor)) {
      return g.constant(tensor).values();
    }
    return value(activations, tensor).data();
  }

  private static int classes(NdArray a) {
    if (a.rank() == 0 || a.dim(-1) == 0) {
      throw new IllegalArgumentException("scores of shape " + Shape.toString(a.shape()) + " have no classes");
    }
    return Math.toIntExact(a.dim(-1));
  }

  private static int rows(NdArray a, int labels) {
    int rows = a.size() / classes(a);
    if (rows != labels) {
      throw new IllegalArgumentException("scores of shape " + Shape.toString(a.shape()) + " have " + rows
          + " rows but " + labels + " labels were given");
    }
    return rows;
  }

  private static int label(int label, int classes) {
    if (label < 0 || label >= classes) {
      throw new IllegalArgumentException("label " + label + " is out of range for " + classes + " classes");
    }
    return label;
  }

  private static void sameShape(NdArray a, NdArray b) {
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException("reference of shape " + Shape.toString(a.shape())
          + " does not match scores of shape " + Shape.toString(b.shape()));
    }
  }
}
