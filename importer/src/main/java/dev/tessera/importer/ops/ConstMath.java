package dev.tessera.importer.ops;

import dev.tessera.importer.Value;
import dev.tessera.ir.DType;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** Evaluation of data-movement and elementwise ops on constants, carrying shape symbols where they survive. */
final class ConstMath {

  private ConstMath() {}

  static C transpose(C c, int[] perm) {
    double[] out = new double[c.size()];
    String[] sym = c.sym() == null ? null : new String[c.size()];
    Nd.transpose(c.shape(), perm, (from, to) -> {
      out[to] = c.v()[from];
      if (sym != null) {
        sym[to] = c.sym()[from];
      }
    });
    long[] s = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      s[i] = c.shape()[perm[i]];
    }
    return new C(c.type(), s, out, sym);
  }

  /** Gather along {@code axis} with normalized indices of shape {@code idxShape}. */
  static C gather(C c, int axis, long[] idx, long[] idxShape) {
    long[] s = c.shape();
    long outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= s[i];
    }
    long inner = 1;
    for (int i = axis + 1; i < s.length; i++) {
      inner *= s[i];
    }
    long[] outShape = new long[s.length - 1 + idxShape.length];
    System.arraycopy(s, 0, outShape, 0, axis);
    System.arraycopy(idxShape, 0, outShape, axis, idxShape.length);
    System.arraycopy(s, axis + 1, outShape, axis + idxShape.length, s.length - axis - 1);
    int n = Nd.count(outShape);
    double[] out = new double[n];
    String[] sym = c.sym() == null ? null : new String[n];
    int o = 0;
    for (long a = 0; a < outer; a++) {
      for (long k : idx) {
        for (long b = 0; b < inner; b++) {
          int src = (int) ((a * s[axis] + k) * inner + b);
          out[o] = c.v()[src];
          if (sym != null) {
            sym[o] = c.sym()[src];
          }
          o++;
        }
      }
    }
    return new C(c.type(), outShape, out, sym);
  }

  static C concat(List<C> parts, int axis) {
    long[] s = parts.get(0).shape().clone();
    long total = 0;
    for (C p : parts) {
      total += p.shape()[axis];
    }
    s[axis] = total;
    long outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= s[i];
    }
    int n = Nd.count(s);
    double[] out = new double[n];
    boolean anySym = parts.stream().anyMatch(p -> p.sym() != null);
    String[] sym = anySym ? new String[n] : null;
    int o = 0;
    for (long a = 0; a < outer; a++) {
      for (C p : parts) {
        int chunk = (int) (p.size() / Math.max(outer, 1));
        if (outer == 0) {
          chunk = 0;
        }
        for (int k = 0; k < chunk; k++) {
          int src = (int) (a * chunk + k);
          out[o] = p.v()[src];
          if (sym != null && p.sym() != null) {
            sym[o] = p.sym()[src];
          }
          o++;
        }
      }
    }
    return new C(parts.get(0).type(), s, out, sym);
  }

  /** Slice with resolved per-axis start and step and output counts (every axis listed). */
  static C slice(C c, long[] start, long[] step, long[] count) {
    long[] s = c.shape();
    long[] strides = Nd.strides(s);
    int n = Nd.count(count);
    double[] out = new double[n];
    String[] sym = c.sym() == null ? null : new String[n];
    int[] idx = new int[s.length];
    for (int o = 0; o < n; o++) {
      long src = 0;
      for (int i = 0; i < s.length; i++) {
        src += (start[i] + idx[i] * step[i]) * strides[i];
      }
      out[o] = c.v()[(int) src];
      if (sym != null) {
        sym[o] = c.sym()[(int) src];
      }
      for (int i = s.length - 1; i >= 0; i--) {
        if (++idx[i] < count[i]) {
          break;
        }
        idx[i] = 0;
      }
    }
    return new C(c.type(), count, out, sym);
  }

  static C unary(C c, DType outType, DoubleUnaryOperator f) {
    double[] out = new double[c.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = C.fit(outType, f.applyAsDouble(c.v()[i]));
    }
    return new C(outType, c.shape(), out, expressionSymbols(c.sym()));
  }

  /**
   * Elementwise binary op with broadcasting. A symbolic element survives x*1, x/1, x+0 and x-0; any other
   * arithmetic on it yields {@link Value#EXPRESSION}.
   */
  static C binary(C a, C b, DType outType, DoubleBinaryOperator f, String opType) {
    long[] shape = Nd.broadcastShape(a.shape(), b.shape());
    int[] ia = Nd.broadcastIndex(a.shape(), shape);
    int[] ib = Nd.broadcastIndex(b.shape(), shape);
    double[] out = new double[ia.length];
    String[] sym = a.sym() != null || b.sym() != null ? new String[ia.length] : null;
    for (int i = 0; i < out.length; i++) {
      double x = a.v()[ia[i]];
      double y = b.v()[ib[i]];
      out[i] = C.fit(outType, f.applyAsDouble(x, y));
      if (sym != null) {
        String sa = a.symbolAt(ia[i]);
        String sb = b.symbolAt(ib[i]);
        if (sa != null && sb == null && neutralRight(opType, y)) {
          sym[i] = sa;
        } else if (sb != null && sa == null && neutralLeft(opType, x)) {
          sym[i] = sb;
        } else if (sa != null || sb != null) {
          sym[i] = Value.EXPRESSION;
        }
      }
    }
    return new C(outType, shape, out, sym);
  }

  private static boolean neutralRight(String op, double y) {
    return switch (op) {
      case "Mul", "Div" -> y == 1;
      case "Add", "Sub" -> y == 0;
      default -> false;
    };
  }

  private static boolean neutralLeft(String op, double x) {
    return switch (op) {
      case "Mul" -> x == 1;
      case "Add" -> x == 0;
      default -> false;
    };
  }

  private static String[] expressionSymbols(String[] sym) {
    if (sym == null) {
      return null;
    }
    String[] out = new String[sym.length];
    for (int i = 0; i < sym.length; i++) {
      out[i] = sym[i] == null ? null : Value.EXPRESSION;
    }
    return out;
  }
}
