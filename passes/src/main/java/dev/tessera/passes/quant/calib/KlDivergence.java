package dev.tessera.passes.quant.calib;

/**
 * Entropy calibration as described for TensorRT's INT8 mode (Migacz, "8-bit Inference with TensorRT", GTC 2017):
 * the clipping threshold whose quantized distribution loses the least information, measured by the Kullback-Leibler
 * divergence on a histogram.
 *
 * <p>The histogram has {@code bins} equal bins over {@code [0, A]} of |x| (signed data) or x (non-negative data),
 * A the largest magnitude; the number of quantization levels is {@code 2^(bits-1)} for signed and {@code 2^bits} for
 * non-negative data. For every candidate {@code i} from the number of levels to {@code bins} (threshold
 * {@code T = i A / bins}): the reference P is bins {@code [0, i)} with the mass of all bins from i on added to bin
 * {@code i - 1}; the candidate Q splits bins {@code [0, i)} into the levels (level g covers bins
 * {@code [floor(g i / levels), floor((g+1) i / levels))}) and spreads each level's count evenly over its non-empty
 * bins. P and Q are normalized and Q is smoothed, {@code q' = (1 - 1e-4) q + 1e-4 / i}, because a candidate whose
 * last kept bin is empty while outliers exist would otherwise have an infinite divergence (the reference
 * implementations smooth too; the published description leaves it open). The divergence is
 * {@code sum p log(p / q')} over the non-empty bins of P; the smallest wins (the smallest i on ties). With at least
 * as many levels as bins nothing is clipped. The result is the sample range intersected with
 * {@code [-T, T]}.
 */
public record KlDivergence(int bits, int bins) implements CalibrationMethod {

  /** TensorRT's histogram size. */
  public static final int DEFAULT_BINS = 2048;
  /** Weight of the uniform distribution mixed into Q so that the divergence stays finite. */
  public static final double SMOOTHING = 1e-4;

  public KlDivergence {
    if (bits < 1 || bits > 30) {
      throw new IllegalArgumentException("kl calibration bit width " + bits + " must be in [1, 30]");
    }
    if (bins < 2 || bins > 1 << 20) {
      throw new IllegalArgumentException("kl calibration histogram bins " + bins + " must be in [2, 1048576]");
    }
  }

  /** 2048 bins. */
  public KlDivergence(int bits) {
    this(bits, DEFAULT_BINS);
  }

  @Override
  public Range range(double[] values) {
    Samples.check(values);
    Range all = Samples.minMax(values);
    boolean signed = all.lo() < 0;
    double amax = all.maxAbs();
    int levels = 1 << (signed ? bits - 1 : bits);
    if (amax == 0 || levels >= bins) {
      return all;
    }
    long[] hist = histogram(values, amax, bins);
    int best = threshold(hist, levels);
    return all.clipSymmetric(amax * best / bins);
  }

  /** Counts of |x| in {@code bins} equal bins over {@code [0, amax]}; amax itself goes to the last bin. */
  static long[] histogram(double[] values, double amax, int bins) {
    long[] h = new long[bins];
    double scale = bins / amax;
    for (double v : values) {
      int b = (int) (Math.abs(v) * scale);
      h[Math.min(b, bins - 1)]++;
    }
    return h;
  }

  /** The number of kept bins i with the smallest divergence. */
  static int threshold(long[] hist, int levels) {
    int bins = hist.length;
    int best = bins;
    double bestKl = Double.POSITIVE_INFINITY;
    for (int i = levels; i <= bins; i++) {
      double kl = divergence(hist, i, levels);
      if (kl < bestKl) {
        bestKl = kl;
        best = i;
      }
    }
    return best;
  }

  /** {@code KL(P || Q)} for the candidate that keeps {@code i} bins ({@code levels <= i <= hist.length}). */
  static double divergence(long[] hist, int i, int levels) {
    long total = 0;
    long kept = 0;
    for (int j = 0; j < hist.length; j++) {
      total += hist[j];
      if (j < i) {
        kept += hist[j];
      }
    }
    if (kept == 0) {
      return Double.POSITIVE_INFINITY;
    }
    long outliers = total - kept;
    double[] q = new double[i];
    expandLevels(hist, i, levels, q);
    double kl = 0;
    for (int j = 0; j < i; j++) {
      double pj = hist[j] + (j == i - 1 ? outliers : 0);
      if (pj == 0) {
        continue;
      }
      double p = pj / total;
      double qq = (1 - SMOOTHING) * q[j] / kept + SMOOTHING / i;
      kl += p * Math.log(p / qq);
    }
    return kl;
  }

  /** Q over bins [0, i): each level's count spread evenly over its non-empty bins. */
  private static void expandLevels(long[] hist, int i, int levels, double[] q) {
    for (int g = 0; g < levels; g++) {
      int from = (int) ((long) g * i / levels);
      int to = (int) ((long) (g + 1) * i / levels);
      long sum = 0;
      int nonEmpty = 0;
      for (int j = from; j < to; j++) {
        sum += hist[j];
        if (hist[j] != 0) {
          nonEmpty++;
        }
      }
      for (int j = from; j < to; j++) {
        q[j] = hist[j] == 0 ? 0 : (double) sum / nonEmpty;
      }
    }
  }

  @Override
  public boolean clips() {
    return true;
  }

  @Override
  public String describe() {
    return "kl(" + bits + ", " + bins + " bins)";
  }
}
