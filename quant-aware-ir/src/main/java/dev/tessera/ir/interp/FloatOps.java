package dev.tessera.ir.interp;

import dev.tessera.ir.DType;
import dev.tessera.ir.ElementType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.op.Op;
import java.util.function.DoubleUnaryOperator;

/**
 * Builds the float kernel of a node (dispatch over the op records) and holds the elementwise kernels: activations,
 * binary arithmetic with broadcasting, Identity and Cast. The other families live in {@link FloatLinearOps},
 * {@link FloatPoolOps}, {@link FloatMoveOps} and {@link FloatQuantOps}.
 */
final class FloatOps {

  private FloatOps() {}

  /** The kernel of {@code n}; an {@link UnsupportedOpException} when its attributes cannot be evaluated. */
  static FloatKernel create(Node n, Graph g) {
    Op op = n.op();
    TensorType outType = g.type(n.output());
    if (op instanceof Op.Dense || op instanceof Op.MatMul || op instanceof Op.Conv || op instanceof Op.BatchNorm
        || op instanceof Op.LayerNorm || op instanceof Op.Softmax || op instanceof Op.ReduceMean) {
      return FloatLinearOps.create(n, g);
    }
    if (op instanceof Op.MaxPool || op instanceof Op.AveragePool || op instanceof Op.GlobalAveragePool
        || op instanceof Op.GlobalMaxPool) {
      return FloatPoolOps.create(n, g);
    }
    if (op instanceof Op.Reshape || op instanceof Op.Transpose || op instanceof Op.Concat || op instanceof Op.Slice
        || op instanceof Op.Pad || op instanceof Op.Gather) {
      return FloatMoveOps.create(n, g);
    }
    if (op instanceof Op.Quant || op instanceof Op.BipolarQuant || op instanceof Op.Trunc
        || op instanceof Op.QuantizeLinear || op instanceof Op.DequantizeLinear) {
      return FloatQuantOps.create(n, g);
    }
    if (op instanceof Op.IExp || op instanceof Op.ISoftmax || op instanceof Op.IGelu || op instanceof Op.ILayerNorm) {
      return FloatIntegerOps.create(n);
    }
    if (op instanceof Op.Binary b) {
      need(n, 2);
      return binary(b.fn(), isIntegerType(outType.elementType()));
    }
    need(n, 1);
    if (op instanceof Op.Identity) {
      return (in, b) -> in[0];
    }
    if (op instanceof Op.Cast c) {
      DType to = c.to();
      if (to == null) {
        throw unsupported(n, "cast needs a target type");
      }
      return unary(v -> FloatMath.cast(v, to));
    }
    if (op instanceof Op.Relu) {
      return FloatOps::relu;
    }
    if (op instanceof Op.LeakyRelu l) {
      double alpha = l.alpha();
      return unary(v -> v >= 0 ? v : alpha * v);
    }
    if (op instanceof Op.Clip c) {
      double lo = c.min();
      double hi = c.max();
      if (Double.isNaN(lo) || Double.isNaN(hi)) {
        throw unsupported(n, "clip bounds must not be NaN");
      }
      return unary(v -> Math.min(Math.max(v, lo), hi));
    }
    if (op instanceof Op.HardSigmoid h) {
      double alpha = h.alpha();
      double beta = h.beta();
      return unary(v -> Math.max(0, Math.min(1, alpha * v + beta)));
    }
    if (op instanceof Op.Selu s) {
      double alpha = s.alpha();
      double gamma = s.gamma();
      return unary(v -> v > 0 ? gamma * v : gamma * alpha * Math.expm1(v));
    }
    if (op instanceof Op.Elu e) {
      double alpha = e.alpha();
      return unary(v -> v >= 0 ? v : alpha * Math.expm1(v));
    }
    if (op instanceof Op.Sigmoid) {
      return unary(FloatMath::sigmoid);
    }
    if (op instanceof Op.Tanh) {
      return unary(Math::tanh);
    }
    if (op instanceof Op.Exp) {
      return unary(Math::exp);
    }
    if (op instanceof Op.Erf) {
      return unary(FloatMath::erf);
    }
    if (op instanceof Op.Sqrt) {
      return unary(Math::sqrt);
    }
    throw unsupported(n, "the float interpreter has no kernel for op " + op.kind());
  }

  static UnsupportedOpException unsupported(Node n, String reason) {
    return new UnsupportedOpException(n.name(), n.source(), reason);
  }

  /** Checks that the node has at least {@code count} non-omitted leading inputs. */
  static void need(Node n, int count) {
    for (int i = 0; i < count; i++) {
      if (n.input(i) == null) {
        throw unsupported(n, "needs " + count + " input" + (count == 1 ? "" : "s") + ", input " + i
            + " is missing");
      }
    }
  }

  /** The declared shape of input {@code i} of {@code n}, or null when the input is omitted. */
  static Shape inputShape(Node n, Graph g, int i) {
    String name = n.input(i);
    return name == null ? null : g.type(name).shape();
  }

  static boolean isIntegerType(ElementType t) {
    return t instanceof DType d && !d.isFloat();
  }

  static FloatKernel unary(DoubleUnaryOperator f) {
    return (in, b) -> {
      double[] x = in[0].data();
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = f.applyAsDouble(x[i]);
      }
      return new NdArray(in[0].shape(), y);
    };
  }

  private static NdArray relu(NdArray[] in, FloatBinding b) {
    double[] x = in[0].data();
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      y[i] = v > 0 ? v : (v == v ? 0 : v);
    }
    return new NdArray(in[0].shape(), y);
  }

  private static FloatKernel binary(Op.BinaryKind kind, boolean integerResult) {
    return (in, b) -> {
      NdArray a = in[0];
      NdArray c = in[1];
      double[] y;
      long[] shape;
      if (java.util.Arrays.equals(a.shape(), c.shape())) {
        shape = a.shape();
        y = new double[a.size()];
        row(kind, a.data(), 0, 1, c.data(), 0, 1, y, 0, y.length);
      } else {
        Kernels.Broadcast p = Kernels.broadcast(a.shape(), c.shape());
        shape = p.shape();
        y = new double[p.size()];
        int sa = p.innerStride()[0];
        int sc = p.innerStride()[1];
        int[] ra = p.rowOffset()[0];
        int[] rc = p.rowOffset()[1];
        for (int r = 0; r < p.rows(); r++) {
          row(kind, a.data(), ra[r], sa, c.data(), rc[r], sc, y, r * p.inner(), p.inner());
        }
      }
      if (integerResult) {
        for (int i = 0; i < y.length; i++) {
          double v = y[i];
          y[i] = v < 0 ? Math.ceil(v) : Math.floor(v);
        }
      }
      return new NdArray(shape, y);
    };
  }

  private static void row(Op.BinaryKind kind, double[] a, int ao, int as, double[] c, int co, int cs, double[] y,
      int yo, int n) {
    switch (kind) {
      case ADD:
        for (int i = 0; i < n; i++) {
          y[yo + i] = a[ao + i * as] + c[co + i * cs];
        }
        break;
      case SUB:
        for (int i = 0; i < n; i++) {
          y[yo + i] = a[ao + i * as] - c[co + i * cs];
        }
        break;
      case MUL:
        for (int i = 0; i < n; i++) {
          y[yo + i] = a[ao + i * as] * c[co + i * cs];
        }
        break;
      case DIV:
        for (int i = 0; i < n; i++) {
          y[yo + i] = a[ao + i * as] / c[co + i * cs];
        }
        break;
      case POW:
        for (int i = 0; i < n; i++) {
          y[yo + i] = Math.pow(a[ao + i * as], c[co + i * cs]);
        }
        break;
      default:
        throw new IllegalStateException("unhandled binary op " + kind);
    }
  }
}
