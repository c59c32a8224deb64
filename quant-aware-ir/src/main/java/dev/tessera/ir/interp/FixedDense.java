package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Tensor;
import java.math.BigInteger;

/**
 * Dense {@code y = x W + b} over the last axis with the accumulator rule of {@link FixedMac}. Three paths give the
 * same result: a plain long sum when every {@code Q_Tacc} is exact and the bound fits a long, the ordered
 * accumulation in long when the accumulator and the products fit, and the ordered accumulation in BigInteger.
 */
final class FixedDense implements FixedStep {
  private final FixedType ty;
  private final int in;
  private final int out;
  private final long[] w;
  private final long[] b;
  private final FixedMac mac;
  /** Exact-sum fast path: weights and bias pre-shifted to {@code mac.fs} fraction bits. */
  private final long[] wShifted;
  private final long[] bShifted;

  FixedDense(FixedType tx, Tensor weight, Tensor bias, FixedType accum, FixedType ty, boolean forceBig) {
    this.ty = ty;
    long[] ws = weight.shape();
    if (ws.length != 2) {
      throw new IllegalArgumentException("weight must be [in, out], got " + dev.tessera.ir.Shape.toString(ws));
    }
    in = Math.toIntExact(ws[0]);
    out = Math.toIntExact(ws[1]);
    w = weight.raw();
    b = bias == null ? null : bias.raw();
    if (b != null && b.length != out) {
      throw new IllegalArgumentException("bias has " + b.length + " values but the weight has " + out + " outputs");
    }
    FixedType tw = (FixedType) weight.type();
    FixedType tb = bias == null ? null : (FixedType) bias.type();
    FixedMac probe = new FixedMac(accum, tx, tw, tb);
    boolean exact = true;
    BigInteger bound = BigInteger.ZERO;
    for (int j = 0; j < out; j++) {
      BigInteger[] lh = probe.bounds(b == null ? null : b[j], w, j, in, out, tx);
      exact &= probe.exactFor(lh[0], lh[1]);
      bound = bound.max(lh[0].abs()).max(lh[1].abs());
    }
    mac = accum != null ? probe : new FixedMac(FixedMac.exactType(bound, probe.fs), tx, tw, tb);
    if (exact && FixedValue.fitsLong(bound) && !forceBig) {
      int sw = mac.fs - mac.fx - mac.fw;
      wShifted = new long[w.length];
      for (int i = 0; i < w.length; i++) {
        wShifted[i] = w[i] << sw;
      }
      bShifted = new long[out];
      for (int j = 0; j < out && b != null; j++) {
        bShifted[j] = b[j] << (mac.fs - mac.fb);
      }
    } else {
      wShifted = null;
      bShifted = null;
    }
  }

  @Override
  public FixedValue apply(FixedValue[] args) {
    FixedValue x = args[0];
    long[] s = x.shape.clone();
    if (s.length == 0 || s[s.length - 1] != in) {
      throw new IllegalArgumentException("input " + dev.tessera.ir.Shape.toString(s) + " does not end in " + in
          + " features");
    }
    s[s.length - 1] = out;
    FixedValue y = FixedValue.zeros(ty, s);
    int rows = in == 0 ? 0 : x.size() / in;
    if (wShifted != null) {
      exactSum(x.l, y, rows);
    } else if (mac.longSteps && x.l != null) {
      orderedLong(x.l, y, rows);
    } else {
      orderedBig(x, y, rows);
    }
    return y;
  }

  private void exactSum(long[] x, FixedValue y, int rows) {
    long[] acc = new long[out];
    int fs = mac.fs;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(bShifted, 0, acc, 0, out);
      int xo = r * in;
      for (int i = 0; i < in; i++) {
        long xi = x[xo + i];
        if (xi == 0) {
          continue;
        }
        int wo = i * out;
        for (int j = 0; j < out; j++) {
          acc[j] += xi * wShifted[wo + j];
        }
      }
      int yo = r * out;
      for (int j = 0; j < out; j++) {
        y.put(yo + j, acc[j], fs);
      }
    }
  }

  private void orderedLong(long[] x, FixedValue y, int rows) {
    int fa = mac.acc.fractionBits();
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < out; j++) {
        long a = mac.startLong(b == null ? 0 : b[j]);
        for (int i = 0; i < in; i++) {
          a = mac.stepLong(a, x[r * in + i], w[i * out + j]);
        }
        y.put(r * out + j, a, fa);
      }
    }
  }

  private void orderedBig(FixedValue x, FixedValue y, int rows) {
    int fa = mac.acc.fractionBits();
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < out; j++) {
        BigInteger a = mac.startBig(BigInteger.valueOf(b == null ? 0 : b[j]));
        for (int i = 0; i < in; i++) {
          a = mac.stepBig(a, x.big(r * in + i), BigInteger.valueOf(w[i * out + j]));
        }
        y.put(r * out + j, a, fa);
      }
    }
  }
}
