package dev.tessera.ir.arith;

import java.util.Arrays;

/**
 * Stage of the shift-add construction (docs/shift-add.md) that derives an output from a similar one:
 * {@code y_j = g (y_k << s) + delta_j x} when the signed digits of {@code delta_j} plus one adder are fewer than those
 * of row {@code j}. A parent is never itself derived, so this adds at most one adder level.
 */
final class RowDiff {
  private static final int MAX_SHIFT = 8;

  /** Parent of each row (-1 for none), its shift and sign; rows of {@code w} are replaced by the differences. */
  record Plan(int[] parent, int[] shift, int[] sign) {}

  private RowDiff() {}

  /** No output derived. */
  static Plan none(int rows) {
    int[] parent = new int[rows];
    Arrays.fill(parent, -1);
    return new Plan(parent, new int[rows], new int[rows]);
  }

  static Plan run(long[][] w) {
    int n = w.length;
    int[] parent = new int[n];
    int[] shift = new int[n];
    int[] sign = new int[n];
    Arrays.fill(parent, -1);
    boolean[] isParent = new boolean[n];
    int[] own = new int[n];
    for (int j = 0; j < n; j++) {
      own[j] = digits(w[j]);
    }
    // best[j][k]: saving of deriving j from k
    int[][] best = new int[n][n];
    int[][] bs = new int[n][n];
    int[][] bg = new int[n][n];
    for (int j = 0; j < n; j++) {
      for (int k = 0; k < n; k++) {
        if (j == k) {
          continue;
        }
        for (int s = 0; s <= MAX_SHIFT; s++) {
          for (int g = -1; g <= 1; g += 2) {
            int c = 1;
            for (int i = 0; i < w[j].length && own[j] - c > best[j][k]; i++) {
              c += Csd.weight(w[j][i] - g * (w[k][i] << s));
            }
            if (own[j] - c > best[j][k]) {
              best[j][k] = own[j] - c;
              bs[j][k] = s;
              bg[j][k] = g;
            }
          }
        }
      }
    }
    while (true) {
      int bj = -1;
      int bk = -1;
      int b = 0;
      for (int j = 0; j < n; j++) {
        if (parent[j] >= 0 || isParent[j]) {
          continue;
        }
        for (int k = 0; k < n; k++) {
          if (parent[k] < 0 && best[j][k] > b) {
            b = best[j][k];
            bj = j;
            bk = k;
          }
        }
      }
      if (bj < 0) {
        break;
      }
      parent[bj] = bk;
      shift[bj] = bs[bj][bk];
      sign[bj] = bg[bj][bk];
      isParent[bk] = true;
    }
    for (int j = 0; j < n; j++) {
      if (parent[j] >= 0) {
        long[] p = w[parent[j]];
        for (int i = 0; i < w[j].length; i++) {
          w[j][i] -= sign[j] * (p[i] << shift[j]);
        }
      }
    }
    return new Plan(parent, shift, sign);
  }

  private static int digits(long[] row) {
    int d = 0;
    for (long v : row) {
      d += Csd.weight(v);
    }
    return d;
  }
}
