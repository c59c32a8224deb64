package dev.tessera.passes.quant.calib;

import java.util.Arrays;

/**
 * Both tails cut at a percentile: {@code lo} is the {@code (100 - p)}-th and {@code hi} the {@code p}-th percentile
 * of the samples, with linear interpolation between order statistics (numpy's default): the q-quantile of n sorted
 * values is at position {@code (n - 1) q}.
 */
public record Percentile(double percent) implements CalibrationMethod {

  public Percentile {
    if (!(percent >= 50 && percent <= 100)) {
      throw new IllegalArgumentException("percentile " + percent + " must be in [50, 100]");
    }
  }

  @Override
  public Range range(double[] values) {
    Samples.check(values);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return new Range(quantile(sorted, (100 - percent) / 100), quantile(sorted, percent / 100));
  }

  /** The q-quantile ({@code 0 <= q <= 1}) of sorted values, linear interpolation. */
  static double quantile(double[] sorted, double q) {
    double pos = (sorted.length - 1) * q;
    int i = (int) Math.floor(pos);
    if (i >= sorted.length - 1) {
      return sorted[sorted.length - 1];
    }
    double frac = pos - i;
    return frac == 0 ? sorted[i] : sorted[i] + (sorted[i + 1] - sorted[i]) * frac;
  }

  @Override
  public boolean clips() {
    return percent < 100;
  }

  @Override
  public String describe() {
    return "percentile(" + percent + ")";
  }
}
