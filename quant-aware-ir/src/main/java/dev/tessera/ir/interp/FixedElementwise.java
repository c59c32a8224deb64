package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.op.Op;
import java.math.BigInteger;

/**
 * The elementwise ops of docs/fixed-point.md section 5: Add/Sub/Mul with broadcasting, Relu, LeakyRelu, Clip,
 * HardSigmoid, Elu/Selu, the table functions (Sigmoid, Tanh, Exp) and an unfolded BatchNorm. Each computes the exact
 * value of its expression on raw integers (in long when the bound of the expression fits, in BigInteger otherwise)
 * and stores {@code Q_Ty} of it.
 */
final class FixedElementwise {

  private FixedElementwise() {}

  /** Writes the result for one raw input element into {@code y[i]}. */
  private interface LongFn {
    void apply(long x, FixedValue y, int i);
  }

  /** Writes the result for one raw input element into {@code y[i]}. */
  private interface BigFn {
    void apply(BigInteger x, FixedValue y, int i);
  }

  private static FixedStep unary(FixedType ty, boolean useLong, LongFn lf, BigFn bf) {
    return args -> {
      FixedValue x = args[0];
      FixedValue y = FixedValue.zeros(ty, x.shape);
      int n = x.size();
      if (useLong && x.l != null) {
        for (int i = 0; i < n; i++) {
          lf.apply(x.l[i], y, i);
        }
      } else {
        for (int i = 0; i < n; i++) {
          bf.apply(x.big(i), y, i);
        }
      }
      return y;
    };
  }

  static FixedStep relu(FixedType tx, FixedType ty, boolean forceBig) {
    int fx = tx.fractionBits();
    return unary(ty, !forceBig, (x, y, i) -> y.put(i, Math.max(x, 0), fx),
        (x, y, i) -> y.put(i, x.max(BigInteger.ZERO), fx));
  }

  /** {@code y = Q_Ty(x >= 0 ? x : alpha x)} with alpha raw in the parameter type. */
  static FixedStep leakyRelu(FixedType tx, FixedType param, BigInteger alpha, FixedType ty, boolean forceBig) {
    int fx = tx.fractionBits();
    int fp = fx + param.fractionBits();
    boolean useLong = !forceBig && FixedValue.fitsLong(FixedValue.maxAbs(tx).multiply(alpha.abs()));
    long a = alpha.longValue();
    return unary(ty, useLong, (x, y, i) -> {
      if (x >= 0) {
        y.put(i, x, fx);
      } else {
        y.put(i, x * a, fp);
      }
    }, (x, y, i) -> y.put(i, x.signum() >= 0 ? x : x.multiply(alpha), x.signum() >= 0 ? fx : fp));
  }

  /** {@code y = min(max(Q_Ty(x), lo), hi)} with lo and hi raw in {@code ty}. */
  static FixedStep clip(FixedType tx, BigInteger lo, BigInteger hi, FixedType ty) {
    int fx = tx.fractionBits();
    return args -> {
      FixedValue x = args[0];
      FixedValue y = FixedValue.zeros(ty, x.shape);
      for (int i = 0; i < x.size(); i++) {
        y.putFrom(i, x, i);
        if (y.l != null) {
          y.l[i] = Math.min(Math.max(y.l[i], lo.longValue()), hi.longValue());
        } else {
          y.b[i] = y.b[i].max(lo).min(hi);
        }
      }
      return y;
    };
  }

  /** {@code y = Q_Ty(min(max(alpha x + beta, 0), 1))}, alpha and beta raw in the parameter type, exact inside. */
  static FixedStep hardSigmoid(FixedType tx, FixedType param, BigInteger alpha, BigInteger beta, FixedType ty,
      boolean forceBig) {
    int fx = tx.fractionBits();
    int fp = param.fractionBits();
    int f = Math.max(fx + fp, fp);
    int sa = f - fx - fp;
    int sb = f - fp;
    BigInteger one = f >= 0 ? BigInteger.ONE.shiftLeft(f) : BigInteger.ONE;
    BigInteger bound = FixedValue.maxAbs(tx).multiply(alpha.abs()).shiftLeft(sa).add(beta.abs().shiftLeft(sb))
        .add(one);
    boolean useLong = !forceBig && FixedValue.fitsLong(bound);
    long a = alpha.longValue();
    long b = useLong ? beta.longValue() << sb : 0;
    long o = one.longValue();
    return unary(ty, useLong, (x, y, i) -> {
      long v = ((x * a) << sa) + b;
      if (v >= o) {
        y.put(i, 1, 0);
      } else if (v > 0) {
        y.put(i, v, f);
      }
    }, (x, y, i) -> {
      BigInteger v = x.multiply(alpha).shiftLeft(sa).add(beta.shiftLeft(sb));
      if (v.compareTo(one) >= 0) {
        y.put(i, 1, 0);
      } else if (v.signum() > 0) {
        y.put(i, v, f);
      }
    });
  }

  /**
   * Elu/Selu: {@code x >= 0}: {@code Q_Ty(lambda x)}, lambda raw with {@code lambdaFrac} fraction bits;
   * {@code x < 0}: {@code Q_Ty(table[index(x)])}.
   */
  static FixedStep elu(FixedType tx, BigInteger lambda, int lambdaFrac, long[] table, Tables.Indexer index,
      FixedType tableType, FixedType ty, boolean forceBig) {
    int fx = tx.fractionBits();
    int ft = tableType.fractionBits();
    int fl = fx + lambdaFrac;
    boolean useLong = !forceBig && FixedValue.fitsLong(FixedValue.maxAbs(tx).multiply(lambda.abs()));
    long lam = lambda.longValue();
    return unary(ty, useLong, (x, y, i) -> {
      if (x >= 0) {
        y.put(i, x * lam, fl);
      } else {
        y.put(i, table[index.index(x)], ft);
      }
    }, (x, y, i) -> {
      if (x.signum() >= 0) {
        y.put(i, x.multiply(lambda), fl);
      } else {
        y.put(i, table[index.index(x)], ft);
      }
    });
  }

  /** {@code y = Q_Ty(table[index(x)])}. */
  static FixedStep table(long[] table, Tables.Indexer index, FixedType tableType, FixedType ty) {
    int ft = tableType.fractionBits();
    return unary(ty, true, (x, y, i) -> y.put(i, table[index.index(x)], ft),
        (x, y, i) -> y.put(i, table[index.index(x)], ft));
  }

  /** Add, Sub or Mul with numpy broadcasting: {@code y = Q_Ty(a op b)} exactly. */
  static FixedStep binary(Op.BinaryKind kind, FixedType ta, FixedType tb, FixedType ty, boolean forceBig) {
    int fa = ta.fractionBits();
    int fb = tb.fractionBits();
    boolean mul = kind == Op.BinaryKind.MUL;
    int f = mul ? fa + fb : Math.max(fa, fb);
    int sa = mul ? 0 : f - fa;
    int sb = mul ? 0 : f - fb;
    BigInteger bound = mul ? FixedValue.maxAbs(ta).multiply(FixedValue.maxAbs(tb))
        : FixedValue.maxAbs(ta).shiftLeft(sa).add(FixedValue.maxAbs(tb).shiftLeft(sb));
    boolean useLong = !forceBig && FixedValue.fitsLong(bound);
    boolean sub = kind == Op.BinaryKind.SUB;
    return args -> {
      FixedValue a = args[0];
      FixedValue b = args[1];
      long[] shape = Kernels.broadcastShape(a.shape, b.shape);
      int[] ia = Kernels.broadcastIndex(a.shape, shape);
      int[] ib = Kernels.broadcastIndex(b.shape, shape);
      FixedValue y = FixedValue.zeros(ty, shape);
      for (int i = 0; i < ia.length; i++) {
        if (useLong) {
          long x = a.l[ia[i]];
          long z = b.l[ib[i]];
          y.put(i, mul ? x * z : sub ? (x << sa) - (z << sb) : (x << sa) + (z << sb), f);
        } else {
          BigInteger x = a.big(ia[i]);
          BigInteger z = b.big(ib[i]);
          y.put(i, mul ? x.multiply(z) : sub ? x.shiftLeft(sa).subtract(z.shiftLeft(sb))
              : x.shiftLeft(sa).add(z.shiftLeft(sb)), f);
        }
      }
      return y;
    };
  }

  /**
   * An unfolded BatchNormalization over channel axis 1: {@code y = Q_Ty(x s + t)} exactly, with s and t raw per
   * channel (fraction bits {@code fs} and {@code ft}).
   */
  static FixedStep batchNorm(FixedType tx, long[] s, int fs, long[] t, int ft, FixedType ty, boolean forceBig) {
    int fx = tx.fractionBits();
    int f = Math.max(fx + fs, ft);
    int ss = f - fx - fs;
    int st = f - ft;
    BigInteger ms = BigInteger.ZERO;
    BigInteger mt = BigInteger.ZERO;
    for (int c = 0; c < s.length; c++) {
      ms = ms.max(BigInteger.valueOf(s[c]).abs());
      mt = mt.max(BigInteger.valueOf(t[c]).abs());
    }
    boolean useLong = !forceBig && FixedValue.fitsLong(FixedValue.maxAbs(tx).multiply(ms).shiftLeft(ss)
        .add(mt.shiftLeft(st)));
    return args -> {
      FixedValue x = args[0];
      if (x.shape.length < 2 || x.shape[1] != s.length) {
        throw new IllegalArgumentException("input " + dev.tessera.ir.Shape.toString(x.shape) + " does not have "
            + s.length + " channels on axis 1");
      }
      int inner = Kernels.product(x.shape, 2, x.shape.length);
      FixedValue y = FixedValue.zeros(ty, x.shape);
      for (int i = 0; i < x.size(); i++) {
        int c = (inner == 0 ? 0 : i / inner) % s.length;
        if (useLong) {
          y.put(i, ((x.l[i] * s[c]) << ss) + (t[c] << st), f);
        } else {
          y.put(i, x.big(i).multiply(BigInteger.valueOf(s[c])).shiftLeft(ss)
              .add(BigInteger.valueOf(t[c]).shiftLeft(st)), f);
        }
      }
      return y;
    };
  }
}
