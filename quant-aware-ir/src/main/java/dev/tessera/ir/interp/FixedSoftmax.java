package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.op.SoftmaxMode;
import java.math.BigInteger;

/**
 * Softmax along one axis (docs/fixed-point.md section 5). Stable: {@code d_i = x_i - max} (exact),
 * {@code e_i = expTable[index(d_i)]}, {@code S = sum e_i} (exact), {@code inv = invTable[index(S)]},
 * {@code y_i = Q_Ty(e_i * inv)}. Latency: the same without subtracting the maximum. Argmax: {@code Q_Ty(1)} at the
 * first maximum, 0 elsewhere.
 */
final class FixedSoftmax implements FixedStep {
  private final int axis;
  private final SoftmaxMode mode;
  private final long[] expTable;
  private final int fe;
  private final long[] invTable;
  private final int fi;
  private final boolean diffLong;
  /** Bound of one exp entry times the largest reciprocal entry: the sum and the products fit a long below it. */
  private final BigInteger sumBound;
  private final FixedType ty;
  private final Tables.Indexer expIndex;
  private final Tables.Indexer invIndex;

  FixedSoftmax(int axis, SoftmaxMode mode, dev.tessera.ir.op.TableSpec exp, dev.tessera.ir.op.TableSpec inv,
      FixedType tx, FixedType ty, boolean forceBig) {
    this.axis = axis;
    this.mode = mode;
    this.ty = ty;
    this.diffLong = !forceBig && tx.fitsLong() && tx.width() <= 62;
    if (mode == SoftmaxMode.ARGMAX) {
      expTable = null;
      invTable = null;
      expIndex = null;
      invIndex = null;
      fe = 0;
      fi = 0;
      sumBound = BigInteger.ZERO;
    } else {
      expTable = Tables.exp(exp);
      invTable = Tables.reciprocal(inv);
      fe = exp.type().fractionBits();
      fi = inv.type().fractionBits();
      expIndex = Tables.indexer(exp, tx.fractionBits());
      invIndex = Tables.indexer(inv, fe);
      BigInteger m = FixedValue.maxAbs(exp.type()).max(FixedValue.maxAbs(inv.type()));
      sumBound = forceBig ? BigInteger.ONE.shiftLeft(62) : m.multiply(m);
    }
  }

  @Override
  public FixedValue apply(FixedValue[] args) {
    FixedValue x = args[0];
    int[] split = Kernels.splitAt(x.shape, axis);
    int outer = split[0];
    int len = split[1];
    int inner = split[2];
    FixedValue y = FixedValue.zeros(ty, x.shape);
    long[] e = new long[len];
    for (int o = 0; o < outer; o++) {
      for (int in = 0; in < inner; in++) {
        int base = o * len * inner + in;
        int best = base;
        for (int i = 1; i < len; i++) {
          int at = base + i * inner;
          if (greater(x, at, best)) {
            best = at;
          }
        }
        if (mode == SoftmaxMode.ARGMAX) {
          y.put(best, 1, 0);
          continue;
        }
        for (int i = 0; i < len; i++) {
          int at = base + i * inner;
          int idx;
          if (mode == SoftmaxMode.LATENCY) {
            idx = x.l != null ? expIndex.index(x.l[at]) : expIndex.index(x.b[at]);
          } else if (diffLong) {
            idx = expIndex.index(x.l[at] - x.l[best]);
          } else {
            idx = expIndex.index(x.big(at).subtract(x.big(best)));
          }
          e[i] = expTable[idx];
        }
        if (FixedValue.fitsLong(sumBound.multiply(BigInteger.valueOf(len)))) {
          long sum = 0;
          for (int i = 0; i < len; i++) {
            sum += e[i];
          }
          long r = invTable[invIndex.index(sum)];
          for (int i = 0; i < len; i++) {
            y.put(base + i * inner, e[i] * r, fe + fi);
          }
        } else {
          BigInteger sum = BigInteger.ZERO;
          for (int i = 0; i < len; i++) {
            sum = sum.add(BigInteger.valueOf(e[i]));
          }
          BigInteger r = BigInteger.valueOf(invTable[invIndex.index(sum)]);
          for (int i = 0; i < len; i++) {
            y.put(base + i * inner, BigInteger.valueOf(e[i]).multiply(r), fe + fi);
          }
        }
      }
    }
    return y;
  }

  private boolean greater(FixedValue x, int i, int j) {
    return x.l != null ? x.l[i] > x.l[j] : x.b[i].compareTo(x.b[j]) > 0;
  }
}
