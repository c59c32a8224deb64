package dev.tessera.ir.grad;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.Arrays;
import java.util.Map;

/**
 * Gradients of a loss with respect to multiplicative masks on output units, for Fisher-information pruning (Kwon et
 * al. 2022). A mask {@code m_u} multiplies every output value of unit u; at {@code m = 1},
 * {@code dL/dm_u = Σ (dL/dy · y)} over the values of unit u. The values are per sample (rows = axis 0 of the
 * tensor) because the empirical Fisher information needs per-sample squares; compute the gradients with
 * {@link Reduction#SUM} so that each row is the gradient of that sample's own loss.
 */
public final class MaskGradients {

  private MaskGradients() {}

  /**
   * Per-sample mask gradients of a node's output units: output channels (axis 1) of a Conv, output neurons (last
   * axis) of a Dense or MatMul.
   *
   * @param activations the forward values (FloatInterpreter.runAll)
   * @param grads the gradients from {@link Backprop#backward}
   * @return [batch, units]
   */
  public static NdArray perUnit(Graph g, Map<String, NdArray> activations, Map<String, NdArray> grads,
      String nodeName) {
    Node n = g.node(nodeName);
    if (n == null) {
      throw new IllegalArgumentException("no node named '" + nodeName + "'");
    }
    NdArray y = lookup(activations, n.output(), "activation");
    int axis;
    if (n.op() instanceof Op.Conv) {
      axis = 1;
    } else if (n.op() instanceof Op.Dense || n.op() instanceof Op.MatMul) {
      axis = y.rank() - 1;
    } else {
      throw new IllegalArgumentException(n.describe() + ": units are defined for Dense, MatMul and Conv; use "
          + "perUnit(y, dy, axis) and name the unit axis");
    }
    return perUnit(y, lookup(grads, n.output(), "gradient"), axis);
  }

  /** Per-sample mask gradients of the units along {@code axis} (not 0, the sample axis) of a tensor y: [batch, units]. */
  public static NdArray perUnit(NdArray y, NdArray dy, int axis) {
    return perGroup(y, dy, axis, Math.toIntExact(y.dim(axis)));
  }

  /**
   * Per-sample mask gradients of {@code groups} equal, contiguous groups of {@code axis}, e.g. the attention heads of
   * a [batch, tokens, heads·headDim] tensor (axis 2, groups = heads): [batch, groups].
   */
  public static NdArray perGroup(NdArray y, NdArray dy, int axis, int groups) {
    if (!Arrays.equals(y.shape(), dy.shape())) {
      throw new IllegalArgumentException("activation " + Shape.toString(y.shape()) + " and gradient "
          + Shape.toString(dy.shape()) + " differ in shape");
    }
    if (axis < 1 || axis >= y.rank()) {
      throw new IllegalArgumentException("unit axis " + axis + " must be in [1, " + (y.rank() - 1)
          + "] for a tensor of rank " + y.rank() + " (axis 0 is the sample axis)");
    }
    long len = y.dim(axis);
    if (groups < 1 || len % groups != 0) {
      throw new IllegalArgumentException("axis " + axis + " of size " + len + " does not split into " + groups
          + " equal groups");
    }
    int batch = Math.toIntExact(y.dim(0));
    int per = Math.toIntExact(len / groups);
    int mid = 1;
    for (int a = 1; a < axis; a++) {
      mid *= Math.toIntExact(y.dim(a));
    }
    int inner = 1;
    for (int a = axis + 1; a < y.rank(); a++) {
      inner *= Math.toIntExact(y.dim(a));
    }
    double[] yv = y.data();
    double[] gv = dy.data();
    double[] out = new double[batch * groups];
    int i = 0;
    for (int b = 0; b < batch; b++) {
      for (int m = 0; m < mid; m++) {
        for (int u = 0; u < len; u++) {
          int at = b * groups + u / per;
          for (int k = 0; k < inner; k++, i++) {
            out[at] += yv[i] * gv[i];
          }
        }
      }
    }
    return new NdArray(new long[] {batch, groups}, out);
  }

  /**
   * The diagonal of the empirical Fisher information of the masks: per unit, the mean over samples of the squared
   * per-sample gradient, {@code F_u = (1/B) Σ_b (dL_b/dm_u)²}.
   */
  public static double[] fisher(NdArray perSample) {
    if (perSample.rank() != 2) {
      throw new IllegalArgumentException("per-sample mask gradients must be [batch, units], got "
          + Shape.toString(perSample.shape()));
    }
    int batch = Math.toIntExact(perSample.dim(0));
    int units = Math.toIntExact(perSample.dim(1));
    double[] f = new double[units];
    double[] d = perSample.data();
    for (int b = 0; b < batch; b++) {
      for (int u = 0; u < units; u++) {
        f[u] += d[b * units + u] * d[b * units + u];
      }
    }
    for (int u = 0; u < units; u++) {
      f[u] /= Math.max(batch, 1);
    }
    return f;
  }

  private static NdArray lookup(Map<String, NdArray> m, String tensor, String what) {
    NdArray a = m.get(tensor);
    if (a == null) {
      throw new IllegalArgumentException("no " + what + " for tensor '" + tensor + "'");
    }
    return a;
  }
}
