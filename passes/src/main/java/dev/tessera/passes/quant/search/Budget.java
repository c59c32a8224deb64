package dev.tessera.passes.quant.search;

import java.util.Locale;

/**
 * What the precision search must keep: label accuracy within {@code maxDrop} of the float model's when labels are
 * known, otherwise argmax agreement with the float model of at least {@code minAgreement}. Both are fractions in
 * [0, 1].
 *
 * <p>Two safeguards make a budget met on the calibration samples hold on unseen data. First, the metrics are
 * estimates from a finite sample, so the budget is checked on their one-sided confidence bound with {@code z}
 * standard errors (Wilson's score bound for agreements; for the accuracy drop the normal bound of a paired
 * difference, whose variance is the fraction of discordant samples over n); {@code z = 0} checks the observed
 * values. Second, when the evaluation has boundary probes (interpolations between calibration samples,
 * {@link BoundaryProbes}) their agreement must also reach {@code 1 - maxDrop} (respectively {@code minAgreement}):
 * calibration samples are often training samples, far from the decision boundaries.
 */
public sealed interface Budget permits Budget.AccuracyDrop, Budget.Agreement {

  /** True when a quantized model with these metrics meets the budget. */
  default boolean holds(Metrics m) {
    return slack(m) >= -1e-12;
  }

  /** The value the budget looks at, for messages and reports (accuracy or agreement). */
  double value(Metrics m);

  /** How far the metrics' confidence bounds are from breaking the budget (negative when broken). */
  double slack(Metrics m);

  /** Standard errors of the confidence bound. */
  double z();

  /** E.g. {@code accuracy drop <= 1.00 %}. */
  String describe();

  /**
   * The quality of a quantized model on the evaluation data.
   *
   * @param accuracy label accuracy of the quantized model, NaN without labels
   * @param floatAccuracy label accuracy of the float model, NaN without labels
   * @param agreement fraction of samples whose argmax equals the float model's
   * @param probeAgreement the same on the boundary probes, NaN without probes
   * @param samples number of samples
   * @param probes number of probes (0 without)
   * @param discordant fraction of samples that exactly one of the two models classifies right (NaN without labels)
   */
  record Metrics(double accuracy, double floatAccuracy, double agreement, double probeAgreement, int samples,
      int probes, double discordant) {

    /** The accuracy lost against the float model (negative when quantization helped). */
    public double accuracyDrop() {
      return floatAccuracy - accuracy;
    }
  }

  /** Wilson's lower score bound of a proportion {@code p} observed on {@code n} trials, {@code z} standard errors. */
  static double lowerBound(double p, int n, double z) {
    if (z == 0 || n == 0) {
      return p;
    }
    double z2 = z * z;
    double centre = p + z2 / (2.0 * n);
    double spread = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return (centre - spread) / (1 + z2 / n);
  }

  /** {@code floatAccuracy - accuracy <= maxDrop} (at the confidence bound of {@code z} standard errors). */
  record AccuracyDrop(double maxDrop, double z) implements Budget {
    public AccuracyDrop {
      if (!(maxDrop >= 0 && maxDrop <= 1)) {
        throw new IllegalArgumentException("maximum accuracy drop " + maxDrop + " must be in [0, 1]");
      }
      if (!(z >= 0)) {
        throw new IllegalArgumentException("confidence z " + z + " must be >= 0");
      }
    }

    /** Checks the observed values only. */
    public AccuracyDrop(double maxDrop) {
      this(maxDrop, 0);
    }

    @Override
    public double slack(Metrics m) {
      double se = m.samples() == 0 || Double.isNaN(m.discordant()) ? 0 : Math.sqrt(m.discordant() / m.samples());
      double s = maxDrop - (m.accuracyDrop() + z * se);
      if (Double.isNaN(m.probeAgreement())) {
        return s;
      }
      return Math.min(s, lowerBound(m.probeAgreement(), m.probes(), z) - (1 - maxDrop));
    }

    @Override
    public double value(Metrics m) {
      return m.accuracy();
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "accuracy drop <= %.2f %%", 100 * maxDrop);
    }
  }

  /** {@code agreement >= minAgreement} (at the confidence bound of {@code z} standard errors). */
  record Agreement(double minAgreement, double z) implements Budget {
    public Agreement {
      if (!(minAgreement >= 0 && minAgreement <= 1)) {
        throw new IllegalArgumentException("minimum agreement " + minAgreement + " must be in [0, 1]");
      }
      if (!(z >= 0)) {
        throw new IllegalArgumentException("confidence z " + z + " must be >= 0");
      }
    }

    /** Checks the observed values only. */
    public Agreement(double minAgreement) {
      this(minAgreement, 0);
    }

    @Override
    public double slack(Metrics m) {
      double s = lowerBound(m.agreement(), m.samples(), z) - minAgreement;
      if (Double.isNaN(m.probeAgreement())) {
        return s;
      }
      return Math.min(s, lowerBound(m.probeAgreement(), m.probes(), z) - minAgreement);
    }

    @Override
    public double value(Metrics m) {
      return m.agreement();
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "argmax agreement with float >= %.2f %%", 100 * minAgreement);
    }
  }
}
