package dev.tessera.passes.quant;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import dev.tessera.ir.Tensor;
import java.math.BigInteger;

/**
 * The default Dense/Conv accumulator: the narrowest signed type in which no partial sum can overflow or round, for the
 * actual quantized weights and the input type. With {@code F = max(Fx + Fw, Fb)} fraction bits, the bound of output
 * {@code j} is {@code |b_j| + sum_i |w_ij| * max|x|} (in units of {@code 2^-F}); the width is one sign bit more than
 * the largest bound needs.
 */
final class AccumulatorSizer {

  private AccumulatorSizer() {}

  /**
   * @param x input type
   * @param w quantized weight; {@code perOutput} consecutive weights per output when {@code outputsLast} is false
   *     (Conv, [M, C/g, k...]), or the last axis indexing outputs when true (Dense, [in, out])
   * @param b quantized bias or null
   */
  static FixedType size(FixedType x, Tensor w, Tensor b, boolean outputsLast) {
    FixedType tw = (FixedType) w.type();
    FixedType tb = b == null ? null : (FixedType) b.type();
    int fp = x.fractionBits() + tw.fractionBits();
    int f = tb == null ? fp : Math.max(fp, tb.fractionBits());
    BigInteger mx = x.minRaw().abs().max(x.maxRaw()).shiftLeft(f - fp);
    long[] raw = w.raw();
    int outputs = (int) (outputsLast ? w.dim(1) : w.dim(0));
    int per = raw.length / Math.max(outputs, 1);
    BigInteger bound = BigInteger.ZERO;
    for (int j = 0; j < outputs; j++) {
      BigInteger sum = BigInteger.ZERO;
      for (int k = 0; k < per; k++) {
        long v = raw[outputsLast ? k * outputs + j : j * per + k];
        sum = sum.add(BigInteger.valueOf(v).abs());
      }
      BigInteger bj = sum.multiply(mx);
      if (b != null) {
        bj = bj.add(BigInteger.valueOf(b.raw()[j]).abs().shiftLeft(f - tb.fractionBits()));
      }
      bound = bound.max(bj);
    }
    int width = bound.bitLength() + 1;
    if (width > FixedType.MAX_WIDTH) {
      throw new IllegalArgumentException("the accumulator would need " + width + " bits");
    }
    return new FixedType(true, width, width - f, Rounding.TRN, Overflow.WRAP);
  }
}
