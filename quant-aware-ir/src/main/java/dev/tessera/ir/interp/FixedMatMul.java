package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import java.math.BigInteger;

/** MatMul of two tensors (numpy semantics): exact products and sum, then {@code Q_Ty}. */
final class FixedMatMul implements FixedStep {
  private final FixedType ty;
  private final BigInteger termBound;
  private final boolean forceBig;

  FixedMatMul(FixedType ta, FixedType tb, FixedType ty, boolean forceBig) {
    this.ty = ty;
    this.termBound = FixedValue.maxAbs(ta).multiply(FixedValue.maxAbs(tb));
    this.forceBig = forceBig;
  }

  @Override
  public FixedValue apply(FixedValue[] args) {
    FixedValue a = args[0];
    FixedValue b = args[1];
    Kernels.MatMul p = Kernels.matmul(a.shape, b.shape);
    FixedValue y = FixedValue.zeros(ty, p.shape());
    int f = a.type.fractionBits() + b.type.fractionBits();
    int m = p.m();
    int k = p.k();
    int n = p.n();
    boolean fast = !forceBig && FixedValue.fitsLong(termBound.multiply(BigInteger.valueOf(Math.max(k, 1))));
    for (int t = 0; t < p.batch(); t++) {
      int ao = p.aOffset()[t];
      int bo = p.bOffset()[t];
      int yo = t * m * n;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          if (fast) {
            long s = 0;
            for (int q = 0; q < k; q++) {
              s += a.l[ao + i * k + q] * b.l[bo + q * n + j];
            }
            y.put(yo + i * n + j, s, f);
          } else {
            BigInteger s = BigInteger.ZERO;
            for (int q = 0; q < k; q++) {
              s = s.add(a.big(ao + i * k + q).multiply(b.big(bo + q * n + j)));
            }
            y.put(yo + i * n + j, s, f);
          }
        }
      }
    }
    return y;
  }
}
