package dev.tessera.passes.prune;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The mask tuning of Kwon et al. (2022): layer by layer, in graph order, a scale factor per kept unit (and, with bias
 * correction, a shift per output channel of the consumer) is fitted by damped linear least squares so that the
 * consumer's output in the pruned model reconstructs the consumer's output in the unpruned model on the sample data;
 * the scales are folded into the consumer's weights and the shifts into its bias. Each layer is fitted on the inputs
 * that the already tuned layers before it produce. The damping pulls the scales toward 1: the system solved is
 * {@code (AᵀA + λI) s = Aᵀt + λ·1} with {@code λ = damping · trace(AᵀA)/k} (k kept units), by Cholesky (EJML). A fit
 * with a scale outside [-10, 10] or no lower reconstruction error is not applied.
 */
public final class MaskTuning {

  /** Largest magnitude of an accepted scale (as in the reference implementation). */
  static final double MAX_SCALE = 10;

  private MaskTuning() {}

  /**
   * The fit of one layer.
   *
   * @param layer the producer
   * @param method "scales" or "weights"
   * @param units kept units fitted
   * @param errorBefore squared reconstruction error of the consumer's output before tuning, relative to the target's
   *     variance about its per-channel means
   * @param errorAfter the same after tuning (equal to before when not applied)
   * @param applied whether the fit was folded into the graph
   * @param detail the range of the scales, or the relative change of the weights
   */
  public record Fit(String layer, String method, int units, double errorBefore, double errorAfter, boolean applied,
      String detail) {}

  /** The tuned graph and the fit of every layer. */
  public record Result(Graph graph, List<Fit> fits) {
    public Result {
      fits = List.copyOf(fits);
    }
  }

  /**
   * Tunes the pruned layers of {@code pruned}.
   *
   * @param original the unpruned graph
   * @param pruned the graph after unit removal
   * @param keep per pruned producer the kept unit indices of the original graph (only these layers are tuned)
   * @param inputs sample inputs, samples on axis 0
   * @param damping relative damping (0 = plain least squares)
   * @param biasCorrection also fit a shift per consumer output channel
   * @param batch samples per interpreter run
   */
  public static Result tune(Graph original, Graph pruned, Map<String, int[]> keep, Map<String, NdArray> inputs,
      double damping, boolean biasCorrection, int batch) {
    List<PrunableLayer> todo = prunedLayers(original, pruned, keep);
    Map<String, NdArray> targets = targets(original, todo, inputs, batch);
    Graph g = pruned;
    List<Fit> fits = new ArrayList<>();
    for (PrunableLayer l : todo) {
      Node consumer = g.node(l.consumer());
      NdArray target = restrict(targets.get(consumer.output()), consumer, keep.get(consumer.name()));
      Normal eq = accumulate(g, l, target, inputs, batch);
      Fit fit = solve(eq, l, damping, biasCorrection);
      if (fit.applied()) {
        g = UnitRemoval.rescale(g, l, eq.scales, biasCorrection ? eq.shifts : null);
      }
      fits.add(fit);
    }
    return new Result(g, fits);
  }

  /** The layers of the pruned graph that lost units, in graph order. */
  static List<PrunableLayer> prunedLayers(Graph original, Graph pruned, Map<String, int[]> keep) {
    UnitAnalysis.Result now = UnitAnalysis.analyze(pruned);
    UnitAnalysis.Result before = UnitAnalysis.analyze(original);
    List<PrunableLayer> todo = new ArrayList<>();
    for (PrunableLayer l : now.layers()) {
      int[] k = keep.get(l.producer());
      PrunableLayer full = before.layer(l.producer());
      if (k != null && k.length == l.units() && full != null && full.units() > k.length) {
        todo.add(l);
      }
    }
    return todo;
  }

  /** The unpruned consumer outputs of every layer to tune, over all samples. */
  static Map<String, NdArray> targets(Graph original, List<PrunableLayer> layers,
      Map<String, NdArray> inputs, int batch) {
    FloatInterpreter interp = new FloatInterpreter(original);
    int n = FisherGradients.samples(inputs);
    Map<String, List<NdArray>> parts = new LinkedHashMap<>();
    for (PrunableLayer l : layers) {
      parts.put(original.node(l.consumer()).output(), new ArrayList<>());
    }
    for (int from = 0; from < n; from += batch) {
      Map<String, NdArray> acts = interp.runAll(FisherGradients.slice(inputs, from, Math.min(n, from + batch)));
      parts.forEach((t, list) -> list.add(acts.get(t)));
    }
    Map<String, NdArray> out = new LinkedHashMap<>();
    parts.forEach((t, list) -> out.put(t, concat(list)));
    return out;
  }

  private static NdArray concat(List<NdArray> parts) {
    long[] shape = parts.get(0).shape();
    int total = 0;
    long rows = 0;
    for (NdArray a : parts) {
      total += a.size();
      rows += a.dim(0);
    }
    double[] d = new double[total];
    int at = 0;
    for (NdArray a : parts) {
      System.arraycopy(a.data(), 0, d, at, a.size());
      at += a.size();
    }
    shape[0] = rows;
    return new NdArray(shape, d);
  }

  /** The target restricted to the consumer's own kept units when the consumer is itself pruned. */
  static NdArray restrict(NdArray t, Node consumer, int[] keptOutputs) {
    if (keptOutputs == null) {
      return t;
    }
    int axis = consumer.op() instanceof Op.Dense ? t.rank() - 1 : 1;
    Tensor sel = Tensors.select(Tensor.ofValues(DType.DOUBLE, t.shape(), t.data()), axis, keptOutputs);
    return new NdArray(sel.shape(), sel.values());
  }

  /** Sums of the normal equations of one layer, with their solution once solved. */
  private static final class Normal {
    final int k;
    final int channels;
    final double[][] aa;
    final double[] at;
    final double[][] sumA;
    final double[] sumT;
    double tt;
    double count;
    double[] scales;
    double[] shifts;

    Normal(int k, int channels) {
      this.k = k;
      this.channels = channels;
      aa = new double[k][k];
      at = new double[k];
      sumA = new double[k][channels];
      sumT = new double[channels];
    }
  }

  /**
   * Accumulates, over the samples, {@code AᵀA}, {@code Aᵀt}, {@code tᵀt} and per-channel sums, where column i of A is
   * unit i's contribution to the consumer's output and t is the target minus the consumer's current bias.
   */
  private static Normal accumulate(Graph g, PrunableLayer l, NdArray target, Map<String, NdArray> inputs,
      int batch) {
    FloatInterpreter interp = new FloatInterpreter(g);
    Node consumer = g.node(l.consumer());
    Tensor w = g.constant(consumer.input(1));
    boolean dense = consumer.op() instanceof Op.Dense;
    int channels = Math.toIntExact(dense ? w.dim(1) : w.dim(0));
    double[] bias = consumer.input(2) == null ? new double[channels] : g.constant(consumer.input(2)).values();
    Normal eq = new Normal(l.units(), channels);
    int n = FisherGradients.samples(inputs);
    int perSample = target.size() / Math.toIntExact(target.dim(0));
    int positions = dense ? 1 : perSample / channels;
    int[][] features = dense ? UnitRemoval.features(g, l) : null;
    for (int from = 0; from < n; from += batch) {
      int to = Math.min(n, from + batch);
      NdArray z = interp.runAll(FisherGradients.slice(inputs, from, to)).get(l.maskTensor());
      double[][] a = dense ? denseContributions(z, w, features) : convContributions(z, w, (Op.Conv) consumer.op(),
          g.type(consumer.output()).shape());
      double[] t = new double[(to - from) * perSample];
      System.arraycopy(target.data(), from * perSample, t, 0, t.length);
      for (int x = 0; x < t.length; x++) {
        t[x] -= bias[(x / positions) % channels];
      }
      add(eq, a, t, positions, channels);
    }
    return eq;
  }

  private static void add(Normal eq, double[][] a, double[] t, int positions, int channels) {
    int k = eq.k;
    for (int i = 0; i < k; i++) {
      double[] ai = a[i];
      for (int j = i; j < k; j++) {
        double[] aj = a[j];
        double s = 0;
        for (int x = 0; x < ai.length; x++) {
          s += ai[x] * aj[x];
        }
        eq.aa[i][j] += s;
        if (j != i) {
          eq.aa[j][i] += s;
        }
      }
      double s = 0;
      for (int x = 0; x < ai.length; x++) {
        s += ai[x] * t[x];
        eq.sumA[i][(x / positions) % channels] += ai[x];
      }
      eq.at[i] += s;
    }
    for (int x = 0; x < t.length; x++) {
      eq.tt += t[x] * t[x];
      eq.sumT[(x / positions) % channels] += t[x];
    }
    eq.count += (double) t.length / channels;
  }

  /** Unit i's contribution to a Dense consumer: rows of its input features times their weight rows. */
  private static double[][] denseContributions(NdArray z, Tensor w, int[][] features) {
    int in = Math.toIntExact(w.dim(0));
    int out = Math.toIntExact(w.dim(1));
    int rows = z.size() / in;
    double[] zv = z.data();
    double[] wv = w.values();
    double[][] a = new double[features.length][rows * out];
    for (int i = 0; i < features.length; i++) {
      double[] ai = a[i];
      for (int r = 0; r < rows; r++) {
        for (int f : features[i]) {
          double x = zv[r * in + f];
          if (x == 0) {
            continue;
          }
          int wo = f * out;
          int ao = r * out;
          for (int o = 0; o < out; o++) {
            ai[ao + o] += x * wv[wo + o];
          }
        }
      }
    }
    return a;
  }

  /**
   * Unit i's contribution to a Conv consumer: a grouped convolution with one input channel per group, whose group i
   * holds the consumer's weights of input channel i, computes all of them in one run of the interpreter.
   */
  private static double[][] convContributions(NdArray z, Tensor w, Op.Conv c, Shape outShape) {
    int m = Math.toIntExact(w.dim(0));
    int k = Math.toIntExact(w.dim(1));
    int taps = w.size() / (m * k);
    double[] wv = w.values();
    double[] g = new double[k * m * taps];
    for (int i = 0; i < k; i++) {
      for (int o = 0; o < m; o++) {
        System.arraycopy(wv, (o * k + i) * taps, g, (i * m + o) * taps, taps);
      }
    }
    long[] ws = w.shape();
    ws[0] = (long) k * m;
    ws[1] = 1;
    Shape zs = Shape.batched(java.util.Arrays.copyOfRange(z.shape(), 1, z.rank()));
    long[] os = outShape.sizes(1);
    os[1] = (long) k * m;
    Shape ys = Shape.batched(java.util.Arrays.copyOfRange(os, 1, os.length));
    Graph one = Graph.builder("contributions").input("z", new TensorType(DType.DOUBLE, zs))
        .constant("w", Tensor.ofValues(DType.DOUBLE, ws, g))
        .node(new Node("conv", new Op.Conv(c.kernel(), c.strides(), c.padsBegin(), c.padsEnd(), c.dilations(), k, null),
            List.of("z", "w"), List.of("y")), new TensorType(DType.DOUBLE, ys))
        .output("y").build();
    NdArray y = new FloatInterpreter(one).run(Map.of("z", z)).get("y");
    int batch = Math.toIntExact(y.dim(0));
    int per = y.size() / batch;
    int block = per / k;
    double[][] a = new double[k][batch * block];
    double[] yv = y.data();
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < k; i++) {
        System.arraycopy(yv, b * per + i * block, a[i], b * block, block);
      }
    }
    return a;
  }

  /** Solves the (centered) damped normal equations; fills the scales and shifts of {@code eq}. */
  private static Fit solve(Normal eq, PrunableLayer l, double damping, boolean centered) {
    int k = eq.k;
    double[][] aa = new double[k][k];
    double[] at = new double[k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        aa[i][j] = eq.aa[i][j] - (centered ? dotOver(eq.sumA[i], eq.sumA[j], eq.count) : 0);
      }
      at[i] = eq.at[i] - (centered ? dotOver(eq.sumA[i], eq.sumT, eq.count) : 0);
    }
    double norm = Math.max(eq.tt - dotOver(eq.sumT, eq.sumT, eq.count), 1e-300);
    double[] ones = new double[k];
    java.util.Arrays.fill(ones, 1);
    double before = error(eq, ones, null);
    double trace = 0;
    for (int i = 0; i < k; i++) {
      trace += aa[i][i];
    }
    double lambda = damping * trace / k;
    DMatrixRMaj a = new DMatrixRMaj(k, k);
    DMatrixRMaj b = new DMatrixRMaj(k, 1);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        a.set(i, j, aa[i][j] + (i == j ? lambda : 0));
      }
      b.set(i, 0, at[i] + lambda);
    }
    DMatrixRMaj x = new DMatrixRMaj(k, 1);
    LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(k);
    boolean ok = trace > 0 && solver.setA(a);
    double[] s = new double[k];
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    if (ok) {
      solver.solve(b, x);
      for (int i = 0; i < k; i++) {
        s[i] = x.get(i, 0);
        ok &= Double.isFinite(s[i]) && Math.abs(s[i]) <= MAX_SCALE;
        min = Math.min(min, s[i]);
        max = Math.max(max, s[i]);
      }
    }
    double[] shift = ok && centered ? shifts(eq, s) : null;
    double after = ok ? error(eq, s, shift) : before;
    ok &= after < before;
    eq.scales = ok ? s : ones;
    eq.shifts = ok ? shift : null;
    return new Fit(l.producer(), "scales", k, before / norm, (ok ? after : before) / norm, ok, ok
        ? String.format(java.util.Locale.ROOT, "scales in [%.3f, %.3f]", min, max) : "no fit with scales in [-10, 10]");
  }

  /** The shift per channel that centres the residual, given scales: {@code (Σt - Σ_i s_i ΣA_i)/count}. */
  private static double[] shifts(Normal eq, double[] s) {
    double[] d = new double[eq.channels];
    for (int c = 0; c < eq.channels; c++) {
      double v = eq.sumT[c];
      for (int i = 0; i < eq.k; i++) {
        v -= s[i] * eq.sumA[i][c];
      }
      d[c] = v / eq.count;
    }
    return d;
  }

  /** {@code ‖Σ s_i A_i + δ - t‖²} from the accumulated sums. */
  private static double error(Normal eq, double[] s, double[] shift) {
    double e = eq.tt;
    for (int i = 0; i < eq.k; i++) {
      e -= 2 * s[i] * eq.at[i];
      for (int j = 0; j < eq.k; j++) {
        e += s[i] * s[j] * eq.aa[i][j];
      }
    }
    if (shift != null) {
      for (int c = 0; c < eq.channels; c++) {
        double sa = 0;
        for (int i = 0; i < eq.k; i++) {
          sa += s[i] * eq.sumA[i][c];
        }
        e += 2 * shift[c] * (sa - eq.sumT[c]) + shift[c] * shift[c] * eq.count;
      }
    }
    return Math.max(e, 0);
  }

  private static double dotOver(double[] a, double[] b, double count) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s / count;
  }
}
