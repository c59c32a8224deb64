package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.op.Op;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Conv (1D/2D/..., NCHW, zero padding, strides, dilations, groups): each output is a Dense over its receptive field
 * in the order (input channel of the group, kernel row, kernel column), with the {@link FixedMac} accumulator rule;
 * padded positions contribute no term.
 */
final class FixedConv implements FixedStep {
  private final Op.Conv op;
  private final FixedType ty;
  private final long[] w;
  private final long[] b;
  private final int m;
  private final int cg;
  private final int ks;
  private final long[] outSpatial;
  private final FixedMac mac;
  private final long[] wShifted;
  private final long[] bShifted;

  FixedConv(Op.Conv op, FixedType tx, Tensor weight, Tensor bias, long[] outSpatial, FixedType ty, boolean forceBig) {
    this.op = op;
    this.ty = ty;
    this.outSpatial = outSpatial;
    long[] ws = weight.shape();
    if (ws.length < 3) {
      throw new IllegalArgumentException("weight must be [M, C/group, k...], got " + Shape.toString(ws));
    }
    m = Math.toIntExact(ws[0]);
    cg = Math.toIntExact(ws[1]);
    ks = Kernels.product(ws, 2, ws.length);
    if (op.group() < 1 || m % op.group() != 0) {
      throw new IllegalArgumentException(m + " output channels do not split into " + op.group() + " groups");
    }
    w = weight.raw();
    b = bias == null ? null : bias.raw();
    if (b != null && b.length != m) {
      throw new IllegalArgumentException("bias has " + b.length + " values but the weight has " + m + " outputs");
    }
    FixedType tw = (FixedType) weight.type();
    FixedType tb = bias == null ? null : (FixedType) bias.type();
    FixedMac probe = new FixedMac(op.accum(), tx, tw, tb);
    boolean exact = true;
    BigInteger bound = BigInteger.ZERO;
    int per = cg * ks;
    for (int j = 0; j < m; j++) {
      BigInteger[] lh = probe.bounds(b == null ? null : b[j], w, j * per, per, 1, tx);
      exact &= probe.exactFor(lh[0], lh[1]);
      bound = bound.max(lh[0].abs()).max(lh[1].abs());
    }
    mac = op.accum() != null ? probe : new FixedMac(FixedMac.exactType(bound, probe.fs), tx, tw, tb);
    if (exact && FixedValue.fitsLong(bound) && !forceBig) {
      int sw = mac.fs - mac.fx - mac.fw;
      wShifted = Arrays.stream(w).map(v -> v << sw).toArray();
      bShifted = new long[m];
      for (int j = 0; j < m && b != null; j++) {
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
    long[] xs = x.shape;
    int rank = xs.length - 2;
    if (rank < 1 || rank != op.kernel().length) {
      throw new IllegalArgumentException("input " + Shape.toString(xs) + " does not match a " + op.kernel().length
          + "-d kernel");
    }
    int groups = op.group();
    if (xs[1] != (long) cg * groups) {
      throw new IllegalArgumentException("input has " + xs[1] + " channels but the weight expects " + cg * groups);
    }
    long[] inSpatial = Arrays.copyOfRange(xs, 2, xs.length);
    long[] outSp = outSpatial != null ? outSpatial : Kernels.windowOutput(inSpatial, op.kernel(), op.strides(),
        op.padsBegin(), op.padsEnd(), op.dilations(), false);
    Kernels.Window win = Kernels.window(inSpatial, outSp, op.kernel(), op.strides(), op.padsBegin(), op.padsEnd(),
        op.dilations());
    long[] ys = new long[xs.length];
    ys[0] = xs[0];
    ys[1] = m;
    System.arraycopy(outSp, 0, ys, 2, rank);
    FixedValue y = FixedValue.zeros(ty, ys);
    int n = Math.toIntExact(xs[0]);
    int inSize = Kernels.product(inSpatial, 0, rank);
    int outSize = win.outSize();
    int[] index = win.index();
    int mg = m / groups;
    boolean fast = wShifted != null;
    boolean longSteps = mac.longSteps && x.l != null;
    int fa = mac.acc.fractionBits();
    for (int s = 0; s < n; s++) {
      for (int oc = 0; oc < m; oc++) {
        int g = oc / mg;
        int xBase = (s * cg * groups + g * cg) * inSize;
        int wBase = oc * cg * ks;
        int yBase = (s * m + oc) * outSize;
        for (int o = 0; o < outSize; o++) {
          int io = o * ks;
          if (fast) {
            long acc = bShifted[oc];
            for (int c = 0; c < cg; c++) {
              int xc = xBase + c * inSize;
              int wc = wBase + c * ks;
              for (int k = 0; k < ks; k++) {
                int idx = index[io + k];
                if (idx >= 0) {
                  acc += x.l[xc + idx] * wShifted[wc + k];
                }
              }
            }
            y.put(yBase + o, acc, mac.fs);
          } else if (longSteps) {
            long acc = mac.startLong(b == null ? 0 : b[oc]);
            for (int c = 0; c < cg; c++) {
              for (int k = 0; k < ks; k++) {
                int idx = index[io + k];
                if (idx >= 0) {
                  acc = mac.stepLong(acc, x.l[xBase + c * inSize + idx], w[wBase + c * ks + k]);
                }
              }
            }
            y.put(yBase + o, acc, fa);
          } else {
            BigInteger acc = mac.startBig(BigInteger.valueOf(b == null ? 0 : b[oc]));
            for (int c = 0; c < cg; c++) {
              for (int k = 0; k < ks; k++) {
                int idx = index[io + k];
                if (idx >= 0) {
                  acc = mac.stepBig(acc, x.big(xBase + c * inSize + idx), BigInteger.valueOf(w[wBase + c * ks + k]));
                }
              }
            }
            y.put(yBase + o, acc, fa);
          }
        }
      }
    }
    return y;
  }
}
