package dev.tessera.passes.quant.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The budgets' confidence bounds. */
class BudgetTest {

  private static Budget.Metrics agreement(double a, int n, double probes, int m) {
    return new Budget.Metrics(Double.NaN, Double.NaN, a, probes, n, m, Double.NaN);
  }

  @Test
  void wilsonBoundsMatchTheirFormula() {
    // 990 of 1000 at z = 1.645: (0.99 + 1.353e-3 - 1.645 sqrt(9.9e-6 + 6.765e-7)) / 1.002706 = 0.98334
    assertEquals(0.98334, Budget.lowerBound(0.99, 1000, 1.645), 1e-5);
    assertEquals(0.99, Budget.lowerBound(0.99, 1000, 0), 0.0);
    // no disagreement among 300: the bound is 1 - z^2/(n + z^2) ~ 0.991
    assertEquals(1 - 1.645 * 1.645 / (300 + 1.645 * 1.645), Budget.lowerBound(1.0, 300, 1.645), 1e-12);
  }

  @Test
  void theAgreementBudgetNeedsItsBoundOnSamplesAndProbes() {
    Budget b = new Budget.Agreement(0.99, 1.645);
    assertTrue(b.holds(agreement(1.0, 1000, Double.NaN, 0)));
    assertFalse(b.holds(agreement(0.99, 1000, Double.NaN, 0)), "observed 99 % is not 99 % at 95 % confidence");
    assertTrue(new Budget.Agreement(0.99).holds(agreement(0.99, 1000, Double.NaN, 0)));
    assertFalse(b.holds(agreement(1.0, 1000, 0.98, 2000)), "the probes fail");
    assertTrue(b.slack(agreement(1.0, 1000, 1.0, 2000)) > b.slack(agreement(1.0, 1000, 0.996, 2000)));
  }

  @Test
  void theAccuracyBudgetBoundsThePairedDifference() {
    Budget b = new Budget.AccuracyDrop(0.01, 1.645);
    // drop 0.5 % with 1 % discordant samples out of 1000: 0.005 + 1.645 sqrt(0.01 / 1000) = 0.0102 > 0.01
    assertFalse(b.holds(new Budget.Metrics(0.975, 0.98, 0.99, Double.NaN, 1000, 0, 0.01)));
    assertTrue(b.holds(new Budget.Metrics(0.975, 0.98, 0.99, Double.NaN, 4000, 0, 0.01)));
    assertEquals(0.975, b.value(new Budget.Metrics(0.975, 0.98, 0.99, Double.NaN, 4000, 0, 0.01)));
    assertThrows(IllegalArgumentException.class, () -> new Budget.AccuracyDrop(1.5));
    assertThrows(IllegalArgumentException.class, () -> new Budget.Agreement(0.9, -1));
  }
}
