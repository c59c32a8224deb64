package dev.tessera.passes.quant.calib;

import java.util.Random;

/** Seeded sample generators for the calibration tests. */
final class Distributions {

  private Distributions() {}

  static double[] uniform(long seed, int n, double lo, double hi) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + (hi - lo) * r.nextDouble();
    }
    return v;
  }

  static double[] gaussian(long seed, int n, double sigma) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = sigma * r.nextGaussian();
    }
    return v;
  }

  /** Laplace with scale b: density exp(-|x|/b) / 2b. */
  static double[] laplace(long seed, int n, double b) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble() - 0.5;
      v[i] = -b * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
    }
    return v;
  }

  /** Gaussian(0, 1) with {@code outliers} values replaced by +-magnitude. */
  static double[] gaussianWithOutliers(long seed, int n, int outliers, double magnitude) {
    double[] v = gaussian(seed, n, 1);
    Random r = new Random(seed + 1);
    for (int i = 0; i < outliers; i++) {
      v[r.nextInt(n)] = (r.nextBoolean() ? 1 : -1) * magnitude * (0.5 + 0.5 * r.nextDouble());
    }
    return v;
  }
}
