package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Shape;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Max and average pooling, windowed and global, over the spatial axes of an NC... tensor. Max: {@code Q_Ty} of the
 * largest element of the window (padding never wins). Average: the exact window sum times
 * {@link FixedConstants#poolReciprocal} of the divisor, then {@code Q_Ty}.
 */
final class FixedPool implements FixedStep {
  private final boolean max;
  private final boolean global;
  private final long[] kernel;
  private final long[] strides;
  private final long[] padsBegin;
  private final long[] padsEnd;
  private final long[] dilations;
  private final boolean countIncludePad;
  private final long[] outSpatial;
  private final FixedType ty;
  private final boolean forceBig;

  private FixedPool(boolean max, boolean global, long[] kernel, long[] strides, long[] padsBegin, long[] padsEnd,
      long[] dilations, boolean countIncludePad, long[] outSpatial, FixedType ty, boolean forceBig) {
    this.max = max;
    this.global = global;
    this.kernel = kernel;
    this.strides = strides;
    this.padsBegin = padsBegin;
    this.padsEnd = padsEnd;
    this.dilations = dilations;
    this.countIncludePad = countIncludePad;
    this.outSpatial = outSpatial;
    this.ty = ty;
    this.forceBig = forceBig;
  }

  static FixedPool window(boolean max, long[] kernel, long[] strides, long[] padsBegin, long[] padsEnd,
      long[] dilations, boolean countIncludePad, long[] outSpatial, FixedType ty, boolean forceBig) {
    return new FixedPool(max, false, kernel, strides, padsBegin, padsEnd, dilations, countIncludePad, outSpatial, ty,
        forceBig);
  }

  static FixedPool global(boolean max, FixedType ty, boolean forceBig) {
    return new FixedPool(max, true, null, null, null, null, null, false, null, ty, forceBig);
  }

  @Override
  public FixedValue apply(FixedValue[] args) {
    FixedValue x = args[0];
    long[] xs = x.shape;
    if (xs.length < 3) {
      throw new IllegalArgumentException("pooling needs an [N, C, spatial...] input, got " + Shape.toString(xs));
    }
    long[] inSpatial = Arrays.copyOfRange(xs, 2, xs.length);
    int rank = inSpatial.length;
    Kernels.Window win;
    if (global) {
      long[] ones = new long[rank];
      Arrays.fill(ones, 1);
      win = Kernels.window(inSpatial, ones, inSpatial, ones, new long[rank], new long[rank], null);
    } else {
      long[] outSp = outSpatial != null ? outSpatial
          : Kernels.windowOutput(inSpatial, kernel, strides, padsBegin, padsEnd, dilations, false);
      win = Kernels.window(inSpatial, outSp, kernel, strides, padsBegin, padsEnd, dilations);
    }
    long[] ys = xs.clone();
    System.arraycopy(win.outSpatial(), 0, ys, 2, rank);
    FixedValue y = FixedValue.zeros(ty, ys);
    int planes = Math.toIntExact(xs[0] * xs[1]);
    int inSize = Kernels.product(inSpatial, 0, rank);
    int outSize = win.outSize();
    int ks = win.kernelSize();
    int[] index = win.index();
    int fx = x.type.fractionBits();
    int fr = FixedConstants.RECIPROCAL_TYPE.fractionBits();
    BigInteger sumBound = FixedValue.maxAbs(x.type).multiply(BigInteger.valueOf(ks))
        .shiftLeft(FixedConstants.RECIPROCAL_TYPE.width());
    boolean useLong = !forceBig && x.l != null && FixedValue.fitsLong(sumBound);
    long[] reciprocal = new long[ks + 1];
    for (int c = 1; c <= ks && !max; c++) {
      reciprocal[c] = FixedConstants.poolReciprocal(c);
    }
    for (int p = 0; p < planes; p++) {
      int xb = p * inSize;
      for (int o = 0; o < outSize; o++) {
        int yi = p * outSize + o;
        int best = -1;
        int count = 0;
        long sum = 0;
        BigInteger big = BigInteger.ZERO;
        for (int k = 0; k < ks; k++) {
          int idx = index[o * ks + k];
          if (idx >= 0) {
            count++;
            if (max) {
              if (best < 0 || compare(x, xb + idx, best) > 0) {
                best = xb + idx;
              }
            } else if (useLong) {
              sum += x.l[xb + idx];
            } else {
              big = big.add(x.big(xb + idx));
            }
          } else if (idx == Kernels.PAD && countIncludePad) {
            count++;
          }
        }
        if (max) {
          if (best < 0) {
            throw new IllegalArgumentException("a pooling window covers only padding");
          }
          y.putFrom(yi, x, best);
        } else {
          if (count == 0) {
            throw new IllegalArgumentException("an average-pooling window covers only padding");
          }
          long r = reciprocal[count];
          if (useLong) {
            y.put(yi, sum * r, fx + fr);
          } else {
            y.put(yi, big.multiply(BigInteger.valueOf(r)), fx + fr);
          }
        }
      }
    }
    return y;
  }

  private static int compare(FixedValue x, int i, int j) {
    return x.l != null ? Long.compare(x.l[i], x.l[j]) : x.b[i].compareTo(x.b[j]);
  }
}
