package dev.tessera.passes.prune;

/**
 * The 0/1 knapsack by dynamic programming over quantized capacity: choose items of maximal total value whose total
 * cost stays within the capacity. Costs are scaled to at most {@code bins} steps and rounded up, so a chosen set never
 * exceeds the capacity in the real costs.
 */
final class Knapsack {

  private Knapsack() {}

  /**
   * The chosen items.
   *
   * @param values non-negative values
   * @param costs non-negative costs
   * @param capacity the largest total cost
   * @param bins resolution of the capacity
   */
  static boolean[] solve(double[] values, double[] costs, double capacity, int bins) {
    int n = values.length;
    boolean[] take = new boolean[n];
    if (!(capacity > 0)) {
      for (int i = 0; i < n; i++) {
        take[i] = costs[i] <= 0;
      }
      return take;
    }
    double scale = capacity > 0 ? bins / capacity : 0;
    int cap = capacity > 0 ? bins : 0;
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      double c = Math.max(0, costs[i]) * scale;
      w[i] = c > cap ? cap + 1 : (int) Math.ceil(c - 1e-9);
    }
    double[] best = new double[cap + 1];
    long[][] chose = new long[n][(cap + 64) / 64];
    for (int i = 0; i < n; i++) {
      if (w[i] > cap) {
        continue;
      }
      for (int c = cap; c >= w[i]; c--) {
        double v = best[c - w[i]] + values[i];
        if (v > best[c]) {
          best[c] = v;
          chose[i][c >> 6] |= 1L << (c & 63);
        }
      }
    }
    int c = cap;
    for (int i = n - 1; i >= 0; i--) {
      if ((chose[i][c >> 6] & (1L << (c & 63))) != 0) {
        take[i] = true;
        c -= w[i];
      }
    }
    return take;
  }
}
