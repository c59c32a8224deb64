package dev.tessera.ir.grad;

import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;

/**
 * Gradients of elementwise one-input ops: {@code dx = g · f'(x)}, with f' written in terms of x and, where cheaper,
 * the forward output y. At a kink (Relu at 0, Clip at a bound) the one-sided derivative of the branch the forward
 * took is used. A Cast to a float type passes the gradient through unchanged (its rounding to float32 or float16
 * is a step function whose derivative is ignored, as a straight-through estimator); a Cast to an integer type has
 * no gradient.
 */
final class UnaryGrad {

  private UnaryGrad() {}

  /** The derivative of one element. */
  private interface Derivative {
    double at(double x, double y);
  }

  /** True when this class handles the op. */
  static boolean handles(Op op) {
    return op instanceof Op.Relu || op instanceof Op.LeakyRelu || op instanceof Op.Clip
        || op instanceof Op.Sigmoid || op instanceof Op.Tanh || op instanceof Op.Exp || op instanceof Op.Selu
        || op instanceof Op.Elu || op instanceof Op.HardSigmoid || op instanceof Op.Erf || op instanceof Op.Sqrt
        || op instanceof Op.Identity || op instanceof Op.Cast;
  }

  static NdArray[] backward(Step s) {
    NdArray[] out = s.none();
    if (!s.wants(0)) {
      return out;
    }
    Derivative d = derivative(s);
    double[] x = s.in()[0].data();
    double[] y = s.out().data();
    double[] g = s.g();
    double[] dx = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      dx[i] = g[i] == 0 ? 0 : g[i] * d.at(x[i], y[i]);
    }
    out[0] = new NdArray(s.in()[0].shape(), dx);
    return out;
  }

  private static Derivative derivative(Step s) {
    Op op = s.node().op();
    if (op instanceof Op.Relu) {
      return (x, y) -> x > 0 ? 1 : 0;
    }
    if (op instanceof Op.LeakyRelu l) {
      double a = l.alpha();
      return (x, y) -> x >= 0 ? 1 : a;
    }
    if (op instanceof Op.Clip c) {
      double lo = c.min();
      double hi = c.max();
      return (x, y) -> x > lo && x < hi ? 1 : 0;
    }
    if (op instanceof Op.Sigmoid) {
      return (x, y) -> y * (1 - y);
    }
    if (op instanceof Op.Tanh) {
      return (x, y) -> 1 - y * y;
    }
    if (op instanceof Op.Exp) {
      return (x, y) -> y;
    }
    if (op instanceof Op.Selu e) {
      double ga = e.gamma() * e.alpha();
      double g = e.gamma();
      return (x, y) -> x >= 0 ? g : ga * Math.exp(x);
    }
    if (op instanceof Op.Elu e) {
      double a = e.alpha();
      return (x, y) -> x >= 0 ? 1 : a * Math.exp(x);
    }
    if (op instanceof Op.HardSigmoid h) {
      double a = h.alpha();
      double b = h.beta();
      return (x, y) -> {
        double v = a * x + b;
        return v > 0 && v < 1 ? a : 0;
      };
    }
    if (op instanceof Op.Erf) {
      double c = 2 / Math.sqrt(Math.PI);
      return (x, y) -> c * Math.exp(-x * x);
    }
    if (op instanceof Op.Sqrt) {
      return (x, y) -> 0.5 / y;
    }
    if (op instanceof Op.Cast c && !c.to().isFloat()) {
      throw s.unsupported("no gradient through a cast to " + c.to() + " (the result is not continuous)");
    }
    return (x, y) -> 1;
  }
}
