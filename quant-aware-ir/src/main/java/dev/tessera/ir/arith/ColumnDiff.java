package dev.tessera.ir.arith;

/**
 * First stage of the shift-add construction (docs/shift-add.md): where a column of the weight matrix is close to a
 * shifted copy of another, {@code col_b = g (col_a << s) + delta}, the product is rewritten as
 * {@code col_a (x_a + g (x_b << s)) + delta x_b}: one pre-adder on the inputs buys the signed digits saved by
 * {@code delta}. Greedy: the rewrite with the largest saving first, while some saving is positive.
 */
final class ColumnDiff {
  private static final int MAX_SHIFT = 8;

  private final GraphBuilder gb;
  private final long[][] w; // [out][col], rewritten in place
  private final int[] node; // node of each column
  private final int maxDepth;
  private final int cols;
  // best rewrite of column b against column a: saving, shift, sign
  private final int[][] saving;
  private final int[][] shift;
  private final int[][] sign;
  private int applied;

  private ColumnDiff(GraphBuilder gb, long[][] w, int[] node, int maxDepth) {
    this.gb = gb;
    this.w = w;
    this.node = node;
    this.maxDepth = maxDepth;
    cols = node.length;
    saving = new int[cols][cols];
    shift = new int[cols][cols];
    sign = new int[cols][cols];
  }

  /**
   * Rewrites {@code w} ([outputs][columns]) and {@code node} (the node each column multiplies) in place; new nodes
   * are at most {@code maxDepth} levels deep. Returns the number of pre-adders built.
   */
  static int run(GraphBuilder gb, long[][] w, int[] node, int maxDepth) {
    ColumnDiff cd = new ColumnDiff(gb, w, node, maxDepth);
    for (int a = 0; a < cd.cols; a++) {
      for (int b = 0; b < cd.cols; b++) {
        cd.evaluate(a, b);
      }
    }
    while (cd.step()) {
      cd.applied++;
    }
    return cd.applied;
  }

  private boolean step() {
    int bestA = -1;
    int bestB = -1;
    int best = 0;
    for (int a = 0; a < cols; a++) {
      for (int b = 0; b < cols; b++) {
        if (saving[a][b] > best) {
          best = saving[a][b];
          bestA = a;
          bestB = b;
        }
      }
    }
    if (bestA < 0) {
      return false;
    }
    int a = bestA;
    int b = bestB;
    int s = shift[a][b];
    int g = sign[a][b];
    // z = x_a + g (x_b << s) takes column a's weights; column b keeps the difference
    node[a] = gb.add(node[a], node[b], s, g < 0);
    for (long[] row : w) {
      row[b] = row[b] - g * (row[a] << s);
    }
    for (int k = 0; k < cols; k++) {
      evaluate(a, k);
      evaluate(k, a);
      evaluate(b, k);
      evaluate(k, b);
    }
    return true;
  }

  private void evaluate(int a, int b) {
    saving[a][b] = 0;
    if (a == b || Math.max(gb.depth(node[a]), gb.depth(node[b])) + 1 > maxDepth) {
      return;
    }
    int own = 0;
    for (long[] row : w) {
      own += Csd.weight(row[b]);
    }
    for (int s = 0; s <= MAX_SHIFT; s++) {
      for (int g = -1; g <= 1; g += 2) {
        int c = 1;
        for (long[] row : w) {
          c += Csd.weight(row[b] - g * (row[a] << s));
          if (own - c <= saving[a][b]) {
            break;
          }
        }
        if (own - c > saving[a][b]) {
          saving[a][b] = own - c;
          shift[a][b] = s;
          sign[a][b] = g;
        }
      }
    }
  }
}
