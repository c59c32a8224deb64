package dev.tessera.passes.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KnapsackTest {

  /** Integer costs with as many bins as the capacity: the DP is exact, so it matches brute force. */
  @Test
  void matchesBruteForceOnIntegerCosts() {
    Random r = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(10);
      double[] v = new double[n];
      double[] c = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = r.nextDouble();
        c[i] = r.nextInt(20);
      }
      int cap = r.nextInt(60);
      boolean[] take = Knapsack.solve(v, c, cap, Math.max(cap, 1));
      double got = 0;
      double cost = 0;
      for (int i = 0; i < n; i++) {
        if (take[i]) {
          got += v[i];
          cost += c[i];
        }
      }
      assertTrue(cost <= cap, "over capacity");
      double best = 0;
      for (int mask = 0; mask < (1 << n); mask++) {
        double vv = 0;
        double cc = 0;
        for (int i = 0; i < n; i++) {
          if ((mask >> i & 1) == 1) {
            vv += v[i];
            cc += c[i];
          }
        }
        if (cc <= cap) {
          best = Math.max(best, vv);
        }
      }
      assertEquals(best, got, 1e-12, "trial " + trial);
    }
  }

  @Test
  void realCostsNeverExceedTheCapacity() {
    Random r = new Random(8);
    for (int trial = 0; trial < 100; trial++) {
      int n = 50;
      double[] v = new double[n];
      double[] c = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = r.nextDouble();
        c[i] = r.nextDouble() * 97.3;
      }
      double cap = r.nextDouble() * 1000;
      boolean[] take = Knapsack.solve(v, c, cap, 300);
      double cost = 0;
      for (int i = 0; i < n; i++) {
        cost += take[i] ? c[i] : 0;
      }
      assertTrue(cost <= cap + 1e-9, cost + " > " + cap);
    }
  }
}
