package dev.tessera.ir.grad;

import dev.tessera.ir.Tensor;
import dev.tessera.ir.interp.NdArray;
import java.util.Random;

/** Seeded random arrays for the gradient tests. */
final class Rand {
  private Rand() {}

  static NdArray uniform(Random r, double lo, double hi, long... shape) {
    double[] d = new double[Math.toIntExact(Tensor.count(shape))];
    for (int i = 0; i < d.length; i++) {
      d[i] = lo + (hi - lo) * r.nextDouble();
    }
    return new NdArray(shape, d);
  }

  /** Uniform in [lo, hi] but at least {@code gap} away from every kink. */
  static NdArray awayFrom(Random r, double lo, double hi, double gap, double[] kinks, long... shape) {
    double[] d = new double[Math.toIntExact(Tensor.count(shape))];
    for (int i = 0; i < d.length; i++) {
      double v;
      boolean near;
      do {
        v = lo + (hi - lo) * r.nextDouble();
        near = false;
        for (double k : kinks) {
          near |= Math.abs(v - k) < gap;
        }
      } while (near);
      d[i] = v;
    }
    return new NdArray(shape, d);
  }
}
