package dev.tessera.passes.prune;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.grad.Backprop;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * A mask search that prices each unit by the loss increase that remains after the weight reconstruction of
 * {@link WeightReconstruction} has compensated its removal, instead of the uncompensated diagonal Fisher importance
 * of {@link MaskSearch}. For every layer, the consumer's inputs X on the sample data (with a column of ones) and the
 * unpruned consumer outputs T give the damped normal equations {@code H = XᵀX + λI}, {@code θ = H⁻¹XᵀT} over the
 * kept inputs; removing unit u (the group G of consumer inputs it feeds) and refitting the rest raises the squared
 * error of consumer output o by {@code θ_Goᵀ [(H⁻¹)_GG]⁻¹ θ_Go} (the optimal-brain-surgeon identity for a group).
 * Weighted by the Fisher information {@code F_o} of the consumer's output o (label-free: the curvature of the KL
 * divergence to the unpruned model, whose outputs the reconstruction targets), {@code ½ Σ_o F_o ΔE_o / samples}
 * estimates the loss increase on one scale across layers. Units are removed greedily, smallest loss increase per cost
 * saved first (after each removal the saliencies of the layers whose kept units or consumer outputs changed are
 * recomputed), until the budget holds; consumer outputs that are themselves removed units no longer count. Then
 * removed units are added back, last removed first, while the budget still holds. Only for costs uniform within a
 * layer (MACs).
 */
public final class ReconstructionSearch {

  private ReconstructionSearch() {}

  /** What the search found: the kept units per producer and the cost of the pruned graph. */
  public record Result(Map<String, boolean[]> keep, double cost, int steps) {}

  /**
   * The normal equations and output weights of one layer: {@code gram = XᵀX} and {@code cross = XᵀT} with the bias
   * column last, the Fisher information of each consumer output, the design columns each unit feeds, and the layer
   * whose units the consumer's outputs are (or null).
   */
  static final class LayerData {
    PrunableLayer layer;
    double[][] gram;
    double[][] cross;
    double[] outputFisher;
    int[][] columns;
    PrunableLayer consumerLayer;
  }

  /**
   * Searches masks under {@code limit}.
   *
   * @param g the unpruned float graph
   * @param layers its prunable layers
   * @param inputs sample inputs (samples on axis 0)
   * @param cost the cost model (must be uniform within a layer)
   * @param limit the largest allowed cost
   * @param damping relative damping of the normal equations, as in the weight reconstruction
   * @param batch samples per interpreter run
   * @return the masks, or null when removing units down to one per layer does not meet the limit
   */
  public static Result search(Graph g, List<PrunableLayer> layers, Map<String, NdArray> inputs, PruneCost cost,
      double limit, double damping, int batch) {
    if (!cost.uniformWithinLayer()) {
      throw new IllegalArgumentException("the reconstruction search needs a cost uniform within a layer");
    }
    List<LayerData> data = prepare(g, layers, inputs, batch);
    int n = FisherGradients.samples(inputs);
    Map<String, boolean[]> keep = new LinkedHashMap<>();
    for (PrunableLayer l : layers) {
      boolean[] k = new boolean[l.units()];
      Arrays.fill(k, true);
      keep.put(l.producer(), k);
    }
    List<String[]> removed = new ArrayList<>();
    double now = priced(g, layers, keep, cost);
    int steps = 0;
    Map<String, double[]> cache = new LinkedHashMap<>();
    while (now > limit) {
      double best = Double.POSITIVE_INFINITY;
      LayerData bestLayer = null;
      int bestUnit = -1;
      double bestCost = now;
      for (LayerData d : data) {
        boolean[] k = keep.get(d.layer.producer());
        int[] kept = MaskSearch.indices(k);
        if (kept.length < 2) {
          continue;
        }
        k[kept[0]] = false;
        double after = priced(g, layers, keep, cost);
        k[kept[0]] = true;
        double saving = now - after;
        if (!(saving > 0)) {
          continue;
        }
        double[] s = cache.get(d.layer.producer());
        if (s == null) {
          s = saliencies(d, keep, damping, n);
          cache.put(d.layer.producer(), s);
        }
        for (int i = 0; i < kept.length; i++) {
          double v = s[i] / saving;
          if (v < best) {
            best = v;
            bestLayer = d;
            bestUnit = kept[i];
            bestCost = after;
          }
        }
      }
      if (bestLayer == null) {
        return null;
      }
      keep.get(bestLayer.layer.producer())[bestUnit] = false;
      cache.remove(bestLayer.layer.producer());
      for (LayerData d : data) {
        if (d.consumerLayer == bestLayer.layer) {
          cache.remove(d.layer.producer());
        }
      }
      removed.add(new String[] {bestLayer.layer.producer(), Integer.toString(bestUnit)});
      now = bestCost;
      steps++;
    }
    for (int i = removed.size() - 1; i >= 0; i--) {
      boolean[] k = keep.get(removed.get(i)[0]);
      int u = Integer.parseInt(removed.get(i)[1]);
      k[u] = true;
      double c = priced(g, layers, keep, cost);
      if (c <= limit) {
        now = c;
      } else {
        k[u] = false;
      }
    }
    return new Result(keep, now, steps);
  }

  /** Per kept unit of the layer (in index order), the estimated loss increase of removing it after refitting. */
  static double[] saliencies(LayerData d, Map<String, boolean[]> keep, double damping, int samples) {
    int[] kept = MaskSearch.indices(keep.get(d.layer.producer()));
    int cols = 0;
    for (int u : kept) {
      cols += d.columns[u].length;
    }
    int dim = cols + 1;
    int[] idx = new int[dim];
    int[][] group = new int[kept.length][];
    int at = 0;
    for (int i = 0; i < kept.length; i++) {
      int[] c = d.columns[kept[i]];
      group[i] = new int[c.length];
      for (int j = 0; j < c.length; j++) {
        group[i][j] = at;
        idx[at++] = c[j];
      }
    }
    idx[cols] = d.gram.length - 1;
    double trace = 0;
    for (int i = 0; i < dim; i++) {
      trace += d.gram[idx[i]][idx[i]];
    }
    double lambda = Math.max(damping * trace / dim, 1e-12 * Math.max(trace, 1));
    DMatrixRMaj h = new DMatrixRMaj(dim, dim);
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        h.set(i, j, d.gram[idx[i]][idx[j]] + (i == j ? lambda : 0));
      }
    }
    DMatrixRMaj hinv = new DMatrixRMaj(dim, dim);
    if (!CommonOps_DDRM.invertSPD(h, hinv)) {
      CommonOps_DDRM.invert(h, hinv);
    }
    int outs = d.cross[0].length;
    DMatrixRMaj xt = new DMatrixRMaj(dim, outs);
    for (int i = 0; i < dim; i++) {
      for (int o = 0; o < outs; o++) {
        xt.set(i, o, d.cross[idx[i]][o]);
      }
    }
    DMatrixRMaj theta = new DMatrixRMaj(dim, outs);
    CommonOps_DDRM.mult(hinv, xt, theta);
    double[] w = d.outputFisher.clone();
    if (d.consumerLayer != null) {
      boolean[] outKept = keep.get(d.consumerLayer.producer());
      for (int o = 0; o < outs; o++) {
        w[o] = outKept[o] ? w[o] : 0;
      }
    }
    double[] s = new double[kept.length];
    for (int i = 0; i < kept.length; i++) {
      int[] gi = group[i];
      int m = gi.length;
      DMatrixRMaj sub = new DMatrixRMaj(m, m);
      for (int a = 0; a < m; a++) {
        for (int b = 0; b < m; b++) {
          sub.set(a, b, hinv.get(gi[a], gi[b]));
        }
      }
      DMatrixRMaj subInv = new DMatrixRMaj(m, m);
      if (!CommonOps_DDRM.invertSPD(sub, subInv)) {
        CommonOps_DDRM.invert(sub, subInv);
      }
      double total = 0;
      for (int o = 0; o < outs; o++) {
        if (w[o] == 0) {
          continue;
        }
        double e = 0;
        for (int a = 0; a < m; a++) {
          double ta = theta.get(gi[a], o);
          for (int b = 0; b < m; b++) {
            e += ta * subInv.get(a, b) * theta.get(gi[b], o);
          }
        }
        total += w[o] * e;
      }
      s[i] = 0.5 * total / samples;
    }
    return s;
  }

  /** The cost of the graph with the given masks. */
  private static double priced(Graph g, List<PrunableLayer> layers, Map<String, boolean[]> keep, PruneCost cost) {
    return cost.of(UnitRemoval.remove(g, layers, StructuredPruner.indices(keep)));
  }

  /** Normal equations of every consumer on the unpruned model and the label-free Fisher of its outputs. */
  static List<LayerData> prepare(Graph g, List<PrunableLayer> layers, Map<String, NdArray> inputs, int batch) {
    List<LayerData> data = new ArrayList<>();
    List<WeightReconstruction.Design> designs = new ArrayList<>();
    Map<String, PrunableLayer> byProducer = new LinkedHashMap<>();
    for (PrunableLayer l : layers) {
      byProducer.put(l.producer(), l);
    }
    for (PrunableLayer l : layers) {
      LayerData d = new LayerData();
      d.layer = l;
      d.consumerLayer = byProducer.get(l.consumer());
      Node c = g.node(l.consumer());
      d.outputFisher = new double[Math.toIntExact(outChannels(g, c))];
      data.add(d);
      designs.add(new WeightReconstruction.Design(g, c));
    }
    int n = FisherGradients.samples(inputs);
    String logits = FisherGradients.logitsOf(g, g.outputs().get(0));
    FloatInterpreter interp = new FloatInterpreter(g);
    for (int from = 0; from < n; from += batch) {
      int to = Math.min(n, from + batch);
      Map<String, NdArray> acts = interp.runAll(FisherGradients.slice(inputs, from, to));
      for (int i = 0; i < data.size(); i++) {
        Node c = g.node(data.get(i).layer.consumer());
        designs.get(i).add(acts.get(c.input(0)), acts.get(c.output()).data());
      }
      NdArray z = acts.get(logits);
      double[] p = FisherGradients.softmax(z);
      int classes = Math.toIntExact(z.dim(-1));
      for (int cl = 0; cl < classes; cl++) {
        double[] seed = new double[p.length];
        for (int r = 0; r < p.length / classes; r++) {
          double w = Math.sqrt(p[r * classes + cl]);
          for (int k = 0; k < classes; k++) {
            seed[r * classes + k] = w * (p[r * classes + k] - (k == cl ? 1 : 0));
          }
        }
        Map<String, NdArray> grads = Backprop.backward(g, acts, Map.of(logits, new NdArray(z.shape(), seed)));
        for (LayerData d : data) {
          Node c = g.node(d.layer.consumer());
          accumulateSquares(grads.get(c.output()), c, d.outputFisher);
        }
      }
    }
    for (int i = 0; i < data.size(); i++) {
      LayerData d = data.get(i);
      WeightReconstruction.Design design = designs.get(i);
      d.gram = design.gram();
      d.cross = design.cross();
      double positions = design.rows() / n;
      for (int o = 0; o < d.outputFisher.length; o++) {
        d.outputFisher[o] /= n * positions;
      }
      d.columns = columns(g, d.layer, design);
    }
    return data;
  }

  /** Adds the squared gradients of a consumer output per output channel. */
  private static void accumulateSquares(NdArray grad, Node c, double[] acc) {
    if (grad == null) {
      return;
    }
    int outs = acc.length;
    double[] v = grad.data();
    boolean dense = c.op() instanceof Op.Dense;
    int per = dense ? 1 : v.length / Math.toIntExact(grad.dim(0)) / outs;
    for (int i = 0; i < v.length; i++) {
      int o = dense ? i % outs : (i / per) % outs;
      acc[o] += v[i] * v[i];
    }
  }

  private static long outChannels(Graph g, Node c) {
    dev.tessera.ir.Tensor w = g.constant(c.input(1));
    return c.op() instanceof Op.Dense ? w.dim(1) : w.dim(0);
  }

  /** The design columns each unit feeds: Dense rows (a block after a flatten), or a Conv input channel's taps. */
  private static int[][] columns(Graph g, PrunableLayer l, WeightReconstruction.Design design) {
    int[][] f = UnitRemoval.features(g, l);
    if (design.dense()) {
      return f;
    }
    int taps = (design.dim() - 1) / l.units();
    int[][] cols = new int[l.units()][taps];
    for (int u = 0; u < l.units(); u++) {
      for (int k = 0; k < taps; k++) {
        cols[u][k] = f[u][0] * taps + k;
      }
    }
    return cols;
  }
}
