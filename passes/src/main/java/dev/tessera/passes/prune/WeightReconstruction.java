package dev.tessera.passes.prune;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.Kernels;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.GraphEdit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Mask tuning with the consumer's weights as the variables: layer by layer, in graph order, the weights and bias of
 * each pruned layer's consumer are refitted by damped linear least squares so that its output on the pruned model's
 * inputs reconstructs the unpruned model's output on the sample data. It generalizes the per-unit scale factors of
 * {@link MaskTuning} (a scale is a common factor on one unit's weights) and recovers much more of the accuracy when
 * many units go. The system per consumer is {@code (XᵀX + λI) Θ = XᵀT + λΘ₀}, X the consumer's inputs with a column
 * of ones (Conv: its input patches), T the unpruned outputs, Θ₀ the current weights and bias, {@code λ = damping ·
 * trace(XᵀX)/dim}; solved by Cholesky (EJML). A fit that does not lower the reconstruction error is not applied.
 */
public final class WeightReconstruction {

  private WeightReconstruction() {}

  /** Tunes the pruned layers of {@code pruned}; the arguments are those of {@link MaskTuning#tune}. */
  public static MaskTuning.Result tune(Graph original, Graph pruned, Map<String, int[]> keep,
      Map<String, NdArray> inputs, double damping, int batch) {
    List<PrunableLayer> todo = MaskTuning.prunedLayers(original, pruned, keep);
    Map<String, NdArray> targets = MaskTuning.targets(original, todo, inputs, batch);
    Graph g = pruned;
    List<MaskTuning.Fit> fits = new ArrayList<>();
    for (PrunableLayer l : todo) {
      Node c = g.node(l.consumer());
      NdArray target = MaskTuning.restrict(targets.get(c.output()), c, keep.get(c.name()));
      Design d = new Design(g, c);
      int n = FisherGradients.samples(inputs);
      FloatInterpreter interp = new FloatInterpreter(g);
      int perSample = target.size() / Math.toIntExact(target.dim(0));
      for (int from = 0; from < n; from += batch) {
        int to = Math.min(n, from + batch);
        NdArray x = interp.runAll(FisherGradients.slice(inputs, from, to)).get(c.input(0));
        double[] t = Arrays.copyOfRange(target.data(), from * perSample, to * perSample);
        d.add(x, t);
      }
      double[][] theta = d.solve(damping);
      double before = d.error(d.prior);
      double after = theta == null ? before : d.error(theta);
      boolean ok = theta != null && after < before;
      double norm = Math.max(d.variance(), 1e-300);
      String detail = ok ? String.format(Locale.ROOT, "weights changed by %.1f %%", 100 * d.change(theta))
          : "no better fit";
      fits.add(new MaskTuning.Fit(l.producer(), "weights", l.units(), before / norm, (ok ? after : before) / norm, ok,
          detail));
      if (ok) {
        g = d.apply(theta);
      }
    }
    return new MaskTuning.Result(g, fits);
  }

  /** The normal equations of one consumer: inputs (or patches) with a bias column against the target outputs. */
  static final class Design {
    private final Graph g;
    private final Node c;
    private final boolean dense;
    private final int dim;
    private final int outs;
    private final double[][] xx;
    private final double[][] xt;
    private final double[] sumT;
    private double tt;
    private double rows;
    final double[][] prior;
    private final Tensor w;

    Design(Graph g, Node c) {
      this.g = g;
      this.c = c;
      dense = c.op() instanceof Op.Dense;
      w = g.constant(c.input(1));
      outs = Math.toIntExact(dense ? w.dim(1) : w.dim(0));
      int fan = dense ? Math.toIntExact(w.dim(0)) : w.size() / outs;
      dim = fan + 1;
      xx = new double[dim][dim];
      xt = new double[dim][outs];
      sumT = new double[outs];
      prior = new double[dim][outs];
      double[] wv = w.values();
      double[] b = c.input(2) == null ? new double[outs] : g.constant(c.input(2)).values();
      for (int o = 0; o < outs; o++) {
        for (int f = 0; f < fan; f++) {
          prior[f][o] = dense ? wv[f * outs + o] : wv[o * fan + f];
        }
        prior[fan][o] = b[o];
      }
    }

    /** Adds samples: the consumer input x and the target outputs t (row-major like the consumer's output). */
    void add(NdArray x, double[] t) {
      double[][] rowsX;
      double[][] rowsT;
      if (dense) {
        int r = x.size() / (dim - 1);
        rowsX = new double[r][dim];
        rowsT = new double[r][outs];
        for (int i = 0; i < r; i++) {
          System.arraycopy(x.data(), i * (dim - 1), rowsX[i], 0, dim - 1);
          rowsX[i][dim - 1] = 1;
          System.arraycopy(t, i * outs, rowsT[i], 0, outs);
        }
      } else {
        Patches p = patches(x);
        rowsX = p.rows;
        rowsT = new double[rowsX.length][outs];
        int positions = p.positions;
        for (int i = 0; i < rowsX.length; i++) {
          int n = i / positions;
          int pos = i % positions;
          for (int o = 0; o < outs; o++) {
            rowsT[i][o] = t[(n * outs + o) * positions + pos];
          }
        }
      }
      for (int i = 0; i < rowsX.length; i++) {
        double[] xr = rowsX[i];
        double[] tr = rowsT[i];
        for (int a = 0; a < dim; a++) {
          double xa = xr[a];
          if (xa == 0) {
            continue;
          }
          double[] xxa = xx[a];
          for (int b = a; b < dim; b++) {
            xxa[b] += xa * xr[b];
          }
          double[] xta = xt[a];
          for (int o = 0; o < outs; o++) {
            xta[o] += xa * tr[o];
          }
        }
        for (int o = 0; o < outs; o++) {
          tt += tr[o] * tr[o];
          sumT[o] += tr[o];
        }
      }
      rows += rowsX.length;
    }

    /** Input patches of a Conv (with the bias column): one row per (sample, output position). */
    private record Patches(double[][] rows, int positions) {}

    private Patches patches(NdArray x) {
      Op.Conv conv = (Op.Conv) c.op();
      long[] xs = x.shape();
      int batch = Math.toIntExact(xs[0]);
      int ch = Math.toIntExact(xs[1]);
      long[] inSpatial = Arrays.copyOfRange(xs, 2, xs.length);
      long[] outSpatial = g.type(c.output()).shape().dropFirst().sizes();
      outSpatial = Arrays.copyOfRange(outSpatial, 1, outSpatial.length);
      Kernels.Window win = Kernels.window(inSpatial, outSpatial, conv.kernel(), conv.strides(), conv.padsBegin(),
          conv.padsEnd(), conv.dilations());
      int taps = win.kernelSize();
      int positions = win.outSize();
      int spatial = Kernels.count(inSpatial);
      double[] xv = x.data();
      double[][] rowsX = new double[batch * positions][dim];
      for (int n = 0; n < batch; n++) {
        for (int p = 0; p < positions; p++) {
          double[] r = rowsX[n * positions + p];
          for (int ci = 0; ci < ch; ci++) {
            int base = (n * ch + ci) * spatial;
            for (int k = 0; k < taps; k++) {
              int at = win.index()[p * taps + k];
              r[ci * taps + k] = at >= 0 ? xv[base + at] : 0;
            }
          }
          r[dim - 1] = 1;
        }
      }
      return new Patches(rowsX, positions);
    }

    /** The number of columns: the consumer's fan-in (Dense: input features; Conv: channels times taps) plus one. */
    int dim() {
      return dim;
    }

    /** The consumer's output channels. */
    int outs() {
      return outs;
    }

    /** Rows added so far (Dense: samples; Conv: samples times output positions). */
    double rows() {
      return rows;
    }

    /** True for a Dense consumer, false for a Conv. */
    boolean dense() {
      return dense;
    }

    /** {@code XᵀX}, symmetric, with the bias column last (a copy). */
    double[][] gram() {
      double[][] a = new double[dim][dim];
      for (int i = 0; i < dim; i++) {
        for (int j = i; j < dim; j++) {
          a[i][j] = xx[i][j];
          a[j][i] = xx[i][j];
        }
      }
      return a;
    }

    /** {@code XᵀT} [dim][outs] (a copy). */
    double[][] cross() {
      double[][] c = new double[dim][];
      for (int i = 0; i < dim; i++) {
        c[i] = xt[i].clone();
      }
      return c;
    }

    /** The damped solution, or null when the system is singular. */
    double[][] solve(double damping) {
      double trace = 0;
      for (int a = 0; a < dim; a++) {
        for (int b = 0; b < a; b++) {
          xx[a][b] = xx[b][a];
        }
        trace += xx[a][a];
      }
      double lambda = damping * trace / dim;
      DMatrixRMaj a = new DMatrixRMaj(dim, dim);
      DMatrixRMaj rhs = new DMatrixRMaj(dim, outs);
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          a.set(i, j, xx[i][j] + (i == j ? lambda : 0));
        }
        for (int o = 0; o < outs; o++) {
          rhs.set(i, o, xt[i][o] + lambda * prior[i][o]);
        }
      }
      LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(dim);
      if (!(trace > 0) || !solver.setA(a)) {
        return null;
      }
      DMatrixRMaj sol = new DMatrixRMaj(dim, outs);
      solver.solve(rhs, sol);
      double[][] theta = new double[dim][outs];
      for (int i = 0; i < dim; i++) {
        for (int o = 0; o < outs; o++) {
          theta[i][o] = sol.get(i, o);
          if (!Double.isFinite(theta[i][o])) {
            return null;
          }
        }
      }
      return theta;
    }

    /** {@code ‖XΘ - T‖²} from the sums. */
    double error(double[][] theta) {
      double e = tt;
      for (int o = 0; o < outs; o++) {
        for (int a = 0; a < dim; a++) {
          double ta = theta[a][o];
          if (ta == 0) {
            continue;
          }
          e -= 2 * ta * xt[a][o];
          double s = 0;
          for (int b = 0; b < dim; b++) {
            s += xx[a][b] * theta[b][o];
          }
          e += ta * s;
        }
      }
      return Math.max(e, 0);
    }

    /** The target's variance about its per-output means, times the number of rows. */
    double variance() {
      double v = tt;
      for (int o = 0; o < outs; o++) {
        v -= sumT[o] * sumT[o] / rows;
      }
      return v;
    }

    /** {@code ‖Θ - Θ₀‖ / ‖Θ₀‖} over the weights (not the bias). */
    double change(double[][] theta) {
      double d = 0;
      double n = 0;
      for (int a = 0; a < dim - 1; a++) {
        for (int o = 0; o < outs; o++) {
          d += (theta[a][o] - prior[a][o]) * (theta[a][o] - prior[a][o]);
          n += prior[a][o] * prior[a][o];
        }
      }
      return Math.sqrt(d / Math.max(n, 1e-300));
    }

    /** The graph with the consumer's weight and bias replaced (float32 values rounded). */
    Graph apply(double[][] theta) {
      DType dt = (DType) w.type();
      int fan = dim - 1;
      double[] wv = new double[w.size()];
      double[] bv = new double[outs];
      for (int o = 0; o < outs; o++) {
        for (int f = 0; f < fan; f++) {
          wv[dense ? f * outs + o : o * fan + f] = theta[f][o];
        }
        bv[o] = theta[fan][o];
      }
      Graph.Builder b = g.toBuilder();
      UnitRemoval.replaceInput(b, c, 1, Tensor.ofValues(dt, w.shape(), Tensors.rounded(dt, wv)));
      Tensor bias = Tensor.ofValues(dt, new long[] {outs}, Tensors.rounded(dt, bv));
      Node node = b.build().node(c.name());
      if (node.input(2) != null) {
        UnitRemoval.replaceInput(b, node, 2, bias);
      } else {
        String bName = GraphEdit.addConstant(b, c.name() + "_bias", bias);
        b.nodes().set(b.nodes().indexOf(node), node.withInputs(List.of(node.input(0), node.input(1), bName)));
      }
      GraphEdit.prune(b);
      return b.build();
    }
  }
}
