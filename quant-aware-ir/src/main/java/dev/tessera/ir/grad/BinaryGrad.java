package dev.tessera.ir.grad;

import dev.tessera.ir.interp.Kernels;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;

/**
 * Gradients of the broadcasting binary ops Add, Sub, Mul, Div and Pow. The gradient of an operand that was
 * broadcast is summed over the axes it was repeated along. Pow's gradient with respect to the exponent,
 * {@code a^b · ln a}, is 0 at a base of 0 and NaN at a negative base (no real derivative there).
 */
final class BinaryGrad {

  private BinaryGrad() {}

  static NdArray[] backward(Step s, Op.BinaryKind kind) {
    NdArray[] res = s.none();
    NdArray a = s.in()[0];
    NdArray b = s.in()[1];
    long[] outShape = s.out().shape();
    int[] ia = Kernels.broadcastIndex(a.shape(), outShape);
    int[] ib = Kernels.broadcastIndex(b.shape(), outShape);
    double[] g = s.g();
    double[] av = a.data();
    double[] bv = b.data();
    double[] y = s.out().data();
    if (s.wants(0)) {
      double[] da = new double[av.length];
      for (int i = 0; i < g.length; i++) {
        double x = av[ia[i]];
        double w = bv[ib[i]];
        double d;
        if (kind == Op.BinaryKind.ADD || kind == Op.BinaryKind.SUB) {
          d = 1;
        } else if (kind == Op.BinaryKind.MUL) {
          d = w;
        } else if (kind == Op.BinaryKind.DIV) {
          d = 1 / w;
        } else {
          d = w == 0 ? 0 : w * Math.pow(x, w - 1);
        }
        da[ia[i]] += g[i] * d;
      }
      res[0] = new NdArray(a.shape(), da);
    }
    if (s.wants(1)) {
      double[] db = new double[bv.length];
      for (int i = 0; i < g.length; i++) {
        double x = av[ia[i]];
        double w = bv[ib[i]];
        double d;
        if (kind == Op.BinaryKind.ADD) {
          d = 1;
        } else if (kind == Op.BinaryKind.SUB) {
          d = -1;
        } else if (kind == Op.BinaryKind.MUL) {
          d = x;
        } else if (kind == Op.BinaryKind.DIV) {
          d = -x / (w * w);
        } else {
          d = x > 0 ? y[i] * Math.log(x) : x == 0 ? 0 : Double.NaN;
        }
        db[ib[i]] += g[i] * d;
      }
      res[1] = new NdArray(b.shape(), db);
    }
    return res;
  }
}
