package dev.tessera.passes.quant.calib;

import java.util.SplittableRandom;

/**
 * The clipping threshold T that minimizes the mean squared error of a uniform quantizer with {@code bits} bits.
 *
 * <p>The quantizer is the one a fixed-point type with round-to-nearest and saturation implements: for signed data
 * (a negative sample exists) the step is {@code T / 2^(bits-1)} and the codes are
 * {@code [-2^(bits-1), 2^(bits-1) - 1]}; for non-negative data the step is {@code T / 2^bits} and the codes are
 * {@code [0, 2^bits - 1]}; a value maps to {@code clamp(rint(x / step)) * step}.
 *
 * <p>Search (the error is not unimodal in T, so no bisection): with {@code A} the largest magnitude, in
 * {@link Search#LINEAR} mode a coarse grid {@code T = A j / 128} for {@code j = 1..128}, then a fine grid of 128
 * points between the neighbours of the coarse minimum; in {@link Search#POWER_OF_TWO} mode every
 * {@code T = 2^e} from the smallest power of two {@code >= A} down 32 octaves, which are exactly the ranges of
 * fixed-point types. Ties go to the larger T. Above {@code maxSamples} samples the error is evaluated on a
 * deterministic stratified sample of that size. The result is the sample range intersected with {@code [-T, T]}.
 */
public record MseOptimal(int bits, Search search, int maxSamples) implements CalibrationMethod {

  /** Candidate thresholds. */
  public enum Search {
    /** Coarse then fine uniform grids of thresholds. */
    LINEAR,
    /** Powers of two only (the thresholds of fixed-point types). */
    POWER_OF_TWO
  }

  /** Default sample cap for the error evaluation. */
  public static final int DEFAULT_MAX_SAMPLES = 1 << 17;
  private static final int GRID = 128;
  private static final int OCTAVES = 32;

  public MseOptimal {
    if (bits < 1 || bits > 32) {
      throw new IllegalArgumentException("mse calibration bit width " + bits + " must be in [1, 32]");
    }
    if (search == null) {
      throw new IllegalArgumentException("mse calibration needs a search mode");
    }
    if (maxSamples < 1) {
      throw new IllegalArgumentException("mse calibration sample cap " + maxSamples + " must be >= 1");
    }
  }

  /** Linear search with the default sample cap. */
  public MseOptimal(int bits) {
    this(bits, Search.LINEAR, DEFAULT_MAX_SAMPLES);
  }

  /** Power-of-two search with the default sample cap. */
  public static MseOptimal powerOfTwo(int bits) {
    return new MseOptimal(bits, Search.POWER_OF_TWO, DEFAULT_MAX_SAMPLES);
  }

  @Override
  public Range range(double[] values) {
    Samples.check(values);
    Range all = Samples.minMax(values);
    boolean signed = all.lo() < 0;
    double amax = all.maxAbs();
    if (amax == 0) {
      return all;
    }
    double[] s = sample(values, maxSamples);
    double t = search == Search.LINEAR ? linear(s, amax, signed) : powerOfTwo(s, amax, signed);
    return all.clipSymmetric(t);
  }

  private double linear(double[] s, double amax, boolean signed) {
    double best = amax;
    double bestErr = Double.POSITIVE_INFINITY;
    int bestJ = GRID;
    for (int j = GRID; j >= 1; j--) {
      double t = amax * j / GRID;
      double e = mse(s, t, bits, signed);
      if (e < bestErr) {
        bestErr = e;
        best = t;
        bestJ = j;
      }
    }
    double from = amax * (bestJ - 1) / GRID;
    double to = amax * Math.min(bestJ + 1, GRID) / GRID;
    for (int j = GRID; j >= 1; j--) {
      double t = from + (to - from) * j / GRID;
      double e = mse(s, t, bits, signed);
      if (e < bestErr) {
        bestErr = e;
        best = t;
      }
    }
    return best;
  }

  private double powerOfTwo(double[] s, double amax, boolean signed) {
    int top = IntegerBits.ceilLog2(amax);
    double best = Math.scalb(1.0, top);
    double bestErr = Double.POSITIVE_INFINITY;
    for (int e = top; e > top - OCTAVES; e--) {
      double t = Math.scalb(1.0, e);
      double err = mse(s, t, bits, signed);
      if (err < bestErr) {
        bestErr = err;
        best = t;
      }
    }
    return best;
  }

  /**
   * Mean squared error of the quantizer described above with threshold {@code t > 0} over {@code values} (public so
   * that reports and tests can compare thresholds).
   */
  public static double mse(double[] values, double t, int bits, boolean signed) {
    double step = signed ? Math.scalb(t, -(bits - 1)) : Math.scalb(t, -bits);
    double lo = signed ? -Math.scalb(1.0, bits - 1) : 0;
    double hi = signed ? Math.scalb(1.0, bits - 1) - 1 : Math.scalb(1.0, bits) - 1;
    double sum = 0;
    for (double x : values) {
      double code = Math.min(hi, Math.max(lo, Math.rint(x / step)));
      double d = x - code * step;
      sum += d * d;
    }
    return sum / values.length;
  }

  /** All values when there are at most {@code cap}; else one value from each of {@code cap} equal strata. */
  static double[] sample(double[] values, int cap) {
    if (values.length <= cap) {
      return values;
    }
    SplittableRandom rnd = new SplittableRandom(0x7E55E7AL);
    double[] s = new double[cap];
    double per = (double) values.length / cap;
    for (int j = 0; j < cap; j++) {
      int from = (int) (j * per);
      int to = Math.max(from + 1, (int) ((j + 1) * per));
      s[j] = values[from + rnd.nextInt(to - from)];
    }
    return s;
  }

  @Override
  public boolean clips() {
    return true;
  }

  @Override
  public String describe() {
    return "mse(" + bits + (search == Search.POWER_OF_TWO ? ", pow2" : "") + ")";
  }
}
