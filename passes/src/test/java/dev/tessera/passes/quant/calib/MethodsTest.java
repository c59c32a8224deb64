package dev.tessera.passes.quant.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The four calibration methods on distributions whose answer is known or bounded, and on edge cases. */
class MethodsTest {

  private static final List<CalibrationMethod> ALL = List.of(new MinMax(), new Percentile(99.99),
      new MseOptimal(8), MseOptimal.powerOfTwo(8), new KlDivergence(8));

  @Test
  void minMaxIsExact() {
    double[] v = Distributions.uniform(1, 100000, -3, 5);
    v[500] = -3;
    v[600] = 5;
    assertEquals(new Range(-3, 5), new MinMax().range(v));
    assertEquals(new Range(2.5, 2.5), new MinMax().range(new double[] {2.5}));
  }

  @Test
  void percentileInterpolatesLikeNumpy() {
    double[] v = new double[101];
    for (int i = 0; i < v.length; i++) {
      v[v.length - 1 - i] = i + 1; // 1..101, reversed
    }
    // position 100 * 0.99 = 99 -> 100; position 100 * 0.01 = 1 -> 2
    assertEquals(new Range(2, 100), new Percentile(99).range(v));
    // position 100 * 0.995 = 99.5 -> 100.5
    assertEquals(100.5, new Percentile(99.5).range(v).hi(), 1e-12);
    assertEquals(new Range(1, 101), new Percentile(100).range(v));
    assertEquals(new Range(51, 51), new Percentile(50).range(v));
  }

  @Test
  void percentileOfKnownDistributions() {
    Range u = new Percentile(99).range(Distributions.uniform(2, 200_000, 0, 1));
    assertEquals(0.01, u.lo(), 0.002);
    assertEquals(0.99, u.hi(), 0.002);
    // standard normal: the 99.99 % quantile is 3.7190
    Range g = new Percentile(99.99).range(Distributions.gaussian(3, 1_000_000, 1));
    System.out.printf("percentile(99.99) of 1e6 N(0,1): %s%n", g);
    assertEquals(3.719, g.hi(), 0.08);
    assertEquals(-3.719, g.lo(), 0.08);
    // with outliers on 0.001 % of the samples the 99.99 % range ignores them
    Range o = new Percentile(99.99).range(Distributions.gaussianWithOutliers(4, 300_000, 3, 1000));
    assertTrue(o.hi() < 4.2 && o.lo() > -4.2, "range " + o);
  }

  @Test
  void mseClippingBeatsMinMaxOnHeavyTailsAtFourBits() {
    for (double[] v : new double[][] {Distributions.laplace(5, 400_000, 1),
        Distributions.gaussianWithOutliers(6, 400_000, 40, 60)}) {
      Range all = new MinMax().range(v);
      double amax = all.maxAbs();
      for (MseOptimal m : new MseOptimal[] {new MseOptimal(4), MseOptimal.powerOfTwo(4)}) {
        Range r = m.range(v);
        double t = r.maxAbs();
        double clipped = MseOptimal.mse(v, t, 4, true);
        double minMax = MseOptimal.mse(v, amax, 4, true);
        System.out.printf("%s: max %.3f, threshold %.3f, mse %.5g vs min-max %.5g%n", m.describe(), amax, t,
            clipped, minMax);
        assertTrue(t < amax / 2, "threshold " + t + " of max " + amax);
        assertTrue(clipped < minMax / 2, "mse " + clipped + " vs min-max " + minMax);
      }
    }
  }

  @Test
  void mseThresholdsMatchTheKnownOptimaForLaplaceAndGaussian() {
    // ACIQ (Banner et al., 2019) optima for 16 levels: Laplace(b) about 5.03 b, Gaussian about 2.55 sigma
    double laplace = new MseOptimal(4).range(Distributions.laplace(7, 400_000, 2)).maxAbs();
    double gauss = new MseOptimal(4).range(Distributions.gaussian(8, 400_000, 3)).maxAbs();
    System.out.printf("mse(4) laplace b=2: %.3f (%.3f b), gaussian sigma=3: %.3f (%.3f sigma)%n", laplace,
        laplace / 2, gauss, gauss / 3);
    assertEquals(5.03, laplace / 2, 0.5);
    assertEquals(2.55, gauss / 3, 0.25);
  }

  @Test
  void msePowerOfTwoReturnsAPowerOfTwoNoWorseThanItsNeighbours() {
    double[] v = Distributions.laplace(9, 200_000, 0.7);
    double t = MseOptimal.powerOfTwo(4).range(v).maxAbs();
    assertEquals(t, Math.scalb(1.0, IntegerBits.floorLog2(t)));
    double e = MseOptimal.mse(v, t, 4, true);
    assertTrue(e <= MseOptimal.mse(v, 2 * t, 4, true) && e <= MseOptimal.mse(v, t / 2, 4, true));
  }

  @Test
  void mseOnNonNegativeDataUsesAnUnsignedQuantizer() {
    double[] v = Distributions.laplace(10, 200_000, 1);
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.abs(v[i]);
    }
    Range r = new MseOptimal(4).range(v);
    assertEquals(new MinMax().range(v).lo(), r.lo());
    assertTrue(r.hi() < new MinMax().range(v).hi());
    assertTrue(MseOptimal.mse(v, r.hi(), 4, false) < MseOptimal.mse(v, r.hi(), 4, true));
  }

  @Test
  void mseSubsamplingIsDeterministicAndClose() {
    double[] v = Distributions.laplace(11, 300_000, 1);
    MseOptimal sampled = new MseOptimal(4, MseOptimal.Search.LINEAR, 50_000);
    assertEquals(sampled.range(v), sampled.range(v.clone()));
    double full = new MseOptimal(4, MseOptimal.Search.LINEAR, 1_000_000).range(v).maxAbs();
    assertEquals(full, sampled.range(v).maxAbs(), 0.15 * full);
  }

  @Test
  void klPicksAThresholdBelowTheMaxOnOutlierHeavyData() {
    double[] v = Distributions.gaussianWithOutliers(12, 500_000, 50, 50);
    Range r = new KlDivergence(8).range(v);
    double amax = new MinMax().range(v).maxAbs();
    System.out.printf("kl(8) gaussian with outliers: max %.2f, threshold %.3f%n", amax, r.maxAbs());
    assertTrue(r.maxAbs() < amax / 4, "threshold " + r.maxAbs() + " of max " + amax);
    assertTrue(r.maxAbs() > 2.5, "threshold " + r.maxAbs() + " clips the gaussian body");
  }

  @Test
  void klOnAGaussianAndOnUniformData() {
    double t = new KlDivergence(8).range(Distributions.gaussian(13, 500_000, 1)).maxAbs();
    System.out.printf("kl(8) gaussian sigma=1: threshold %.3f%n", t);
    assertTrue(t > 2.5 && t < 5.5, "threshold " + t);
    // uniform data has nothing to gain from clipping: the threshold stays within a few bins of the max
    Range u = new KlDivergence(8).range(Distributions.uniform(14, 500_000, -1, 1));
    assertTrue(u.maxAbs() > 0.97, "uniform threshold " + u.maxAbs());
    // fewer levels than bins are needed: with 12 bits (2048 magnitude levels) nothing is clipped
    double[] v = Distributions.gaussianWithOutliers(15, 100_000, 10, 50);
    assertEquals(new MinMax().range(v), new KlDivergence(12).range(v));
  }

  @Test
  void klHandlesNonNegativeData() {
    double[] v = Distributions.gaussianWithOutliers(16, 300_000, 30, 40);
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.max(0, v[i]); // ReLU
    }
    Range r = new KlDivergence(8).range(v);
    assertEquals(0.0, r.lo());
    assertTrue(r.hi() > 2.5 && r.hi() < 8, "threshold " + r.hi() + " of max " + new MinMax().range(v).hi());
  }

  @Test
  void klDivergenceMatchesHandComputedHistograms() {
    // 8 bins, 2 levels. i = 2: P = {4, 5}/9, Q = {4, 4}/8 -> KL = 4/9 ln(8/9) + 5/9 ln(10/9)
    long[] hist = {4, 4, 0, 0, 0, 0, 0, 1};
    double kl2 = 4.0 / 9 * Math.log(8.0 / 9) + 5.0 / 9 * Math.log(10.0 / 9);
    assertEquals(kl2, KlDivergence.divergence(hist, 2, 2), 2e-4);
    // i = 8: levels {4,4,0,0} and {0,0,0,1} keep their shape, Q = P; only the smoothing remains
    assertEquals(0, KlDivergence.divergence(hist, 8, 2), 2e-4);
    // i = 3: the last kept bin is empty but an outlier exists: large (infinite without smoothing)
    assertTrue(KlDivergence.divergence(hist, 3, 2) > 0.5);
    assertEquals(8, KlDivergence.threshold(hist, 2));
    // i = 4: P = {4,4,0,4}/12, Q = {4,4,0,3}/11; i = 8: Q spreads 11 over three bins
    long[] h2 = {4, 4, 0, 3, 0, 0, 0, 1};
    double kl4 = 2.0 / 3 * Math.log(11.0 / 12) + 1.0 / 3 * Math.log(11.0 / 9);
    double kl8 = 2.0 / 3 * Math.log(12.0 / 11) + 1.0 / 4 * Math.log(9.0 / 11);
    assertEquals(kl4, KlDivergence.divergence(h2, 4, 2), 2e-4);
    assertEquals(kl8, KlDivergence.divergence(h2, 8, 2), 2e-4);
    assertEquals(8, KlDivergence.threshold(h2, 2));
  }

  @Test
  void edgeCasesForEveryMethod() {
    for (CalibrationMethod m : ALL) {
      String what = m.describe();
      assertEquals(new Range(0, 0), m.range(new double[1000]), what + " of zeros");
      double[] constant = new double[1000];
      java.util.Arrays.fill(constant, -2.75);
      assertEquals(new Range(-2.75, -2.75), m.range(constant), what + " of a constant");
      assertEquals(new Range(3, 3), m.range(new double[] {3}), what + " of one value");
      assertThrows(IllegalArgumentException.class, () -> m.range(new double[] {1, Double.NaN}), what);
      assertThrows(IllegalArgumentException.class, () -> m.range(new double[] {Double.NEGATIVE_INFINITY}), what);
      assertThrows(IllegalArgumentException.class, () -> m.range(new double[0]), what);
      double[] v = Distributions.laplace(17, 20_000, 1);
      Range r = m.range(v);
      Range all = new MinMax().range(v);
      assertTrue(r.lo() >= all.lo() && r.hi() <= all.hi(), what + " range " + r + " outside the samples");
      assertEquals(m.clips(), !(m instanceof MinMax), what);
    }
  }

  @Test
  void invalidParametersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Percentile(49));
    assertThrows(IllegalArgumentException.class, () -> new Percentile(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new MseOptimal(0));
    assertThrows(IllegalArgumentException.class, () -> new MseOptimal(4, null, 10));
    assertThrows(IllegalArgumentException.class, () -> new KlDivergence(8, 1));
    assertThrows(IllegalArgumentException.class, () -> new Range(1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Range(Double.NaN, 0));
  }
}
