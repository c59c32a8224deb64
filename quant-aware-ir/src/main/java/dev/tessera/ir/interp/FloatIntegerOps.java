package dev.tessera.ir.interp;

import dev.tessera.ir.Node;
import dev.tessera.ir.op.Op;

/**
 * Float semantics of the I-BERT integer-only ops: the functions they approximate, in double. IExp is e^x,
 * ISoftmax the softmax along its axis, IGelu {@code x (1 + erf(x / sqrt 2)) / 2}, ILayerNorm
 * {@code (x - mean) / sqrt(var + eps)} over the axes from its axis on (population variance, no scale or bias).
 */
final class FloatIntegerOps {

  private FloatIntegerOps() {}

  static FloatKernel create(Node n) {
    FloatOps.need(n, 1);
    Op op = n.op();
    if (op instanceof Op.IExp) {
      return FloatOps.unary(Math::exp);
    }
    if (op instanceof Op.IGelu) {
      return FloatOps.unary(v -> 0.5 * v * (1 + FloatMath.erf(v / Math.sqrt(2))));
    }
    if (op instanceof Op.ISoftmax s) {
      return (in, b) -> FloatLinearOps.softmax(in[0], s.axis());
    }
    if (op instanceof Op.ILayerNorm l) {
      return (in, b) -> normalize(in[0], l.axis(), l.epsilon());
    }
    throw FloatOps.unsupported(n, "not an integer-only op: " + op.kind());
  }

  /** {@code (x - mean) / sqrt(var + eps)} over the axes from {@code axisAttr} on; LayerNormalization before its
   * scale and bias. */
  static NdArray normalize(NdArray a, int axisAttr, double eps) {
    long[] xs = a.shape();
    int axis = axisAttr < 0 ? axisAttr + xs.length : axisAttr;
    Kernels.checkAxis(axis, xs.length);
    int outer = Kernels.product(xs, 0, axis);
    int inner = Kernels.product(xs, axis, xs.length);
    double[] x = a.data();
    double[] y = new double[x.length];
    for (int o = 0; o < outer; o++) {
      int base = o * inner;
      double sum = 0;
      for (int i = 0; i < inner; i++) {
        sum += x[base + i];
      }
      double mean = sum / inner;
      double sq = 0;
      for (int i = 0; i < inner; i++) {
        double d = x[base + i] - mean;
        sq += d * d;
      }
      double inv = 1 / Math.sqrt(sq / inner + eps);
      for (int i = 0; i < inner; i++) {
        y[base + i] = (x[base + i] - mean) * inv;
      }
    }
    return new NdArray(xs, y);
  }
}
