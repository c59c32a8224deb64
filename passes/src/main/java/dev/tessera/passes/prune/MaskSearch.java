package dev.tessera.passes.prune;

import dev.tessera.ir.Graph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mask search of Kwon et al. (2022) with a hardware cost: keep the units of largest total Fisher importance whose
 * pruned graph costs at most the budget. Removing a unit lowers the loss by about its diagonal Fisher information, so
 * the search is a knapsack with one item per unit. A unit's cost depends on what else is kept (a Dense weight
 * exists only while both its input and output unit do), so the cost is linearized at the current masks, the knapsack
 * is solved by dynamic programming, and the two steps repeat until the masks settle. Every candidate is priced by
 * the cost model on the physically pruned graph; a final repair removes the least important units per cost until the
 * budget holds, and units are added back in order of importance while it still holds. One unit per layer, the most
 * important, is always kept. Read-only.
 */
public final class MaskSearch {

  /** Linearization rounds. */
  static final int ROUNDS = 6;
  /** Knapsack resolution. */
  static final int BINS = 20_000;

  private final Graph graph;
  private final List<PrunableLayer> layers;
  private final double[][] importance;
  private final PruneCost cost;
  private int evaluations;

  /** The masks found, their true cost and the number of cost evaluations. */
  public record Result(Map<String, boolean[]> keep, double cost, int evaluations) {}

  /**
   * @param importance per layer (by producer) the diagonal Fisher information of each unit
   */
  public MaskSearch(Graph graph, List<PrunableLayer> layers, Map<String, double[]> importance, PruneCost cost) {
    this.graph = graph;
    this.layers = List.copyOf(layers);
    this.cost = cost;
    this.importance = new double[layers.size()][];
    for (int l = 0; l < layers.size(); l++) {
      double[] f = importance.get(layers.get(l).producer());
      if (f == null || f.length != layers.get(l).units()) {
        throw new IllegalArgumentException("no importance for the " + layers.get(l).units() + " units of '"
            + layers.get(l).producer() + "'");
      }
      this.importance[l] = f.clone();
    }
  }

  /**
   * Masks whose pruned graph costs at most {@code budget}.
   *
   * @throws PruneException when even one unit per layer costs more than the budget
   */
  public Result search(double budget) {
    boolean[][] full = all(true);
    double fullCost = price(full);
    if (fullCost <= budget) {
      return result(full, fullCost);
    }
    boolean[][] minimal = minimal();
    double minCost = price(minimal);
    if (minCost > budget) {
      throw new PruneException(String.format(java.util.Locale.ROOT, "the budget of %.0f %s is below the "
          + "smallest cost the pruning can reach, %.0f %s with one unit per layer (unpruned: %.0f)", budget,
          cost.unit(), minCost, cost.unit(), fullCost));
    }
    boolean[][] s = full;
    double sCost = fullCost;
    boolean[][] best = null;
    double bestValue = -1;
    double[][] marg = null;
    for (int round = 0; round < ROUNDS; round++) {
      marg = marginals(s, sCost);
      boolean[][] next = knapsack(s, sCost, marg, budget);
      double c = price(next);
      double v = value(next);
      if (c <= budget && v > bestValue) {
        best = next;
        bestValue = v;
      }
      if (same(next, s)) {
        break;
      }
      s = next;
      sCost = c;
    }
    if (best == null) {
      best = repair(s, marg, budget);
    }
    best = addBack(best, budget);
    return result(best, price(best));
  }

  private Result result(boolean[][] keep, double c) {
    Map<String, boolean[]> m = new LinkedHashMap<>();
    for (int l = 0; l < layers.size(); l++) {
      m.put(layers.get(l).producer(), keep[l].clone());
    }
    return new Result(m, c, evaluations);
  }

  /** The true cost of masks. */
  private double price(boolean[][] keep) {
    evaluations++;
    return cost.of(prune(graph, layers, keep));
  }

  /** The graph pruned to the masks. */
  static Graph prune(Graph g, List<PrunableLayer> layers, boolean[][] keep) {
    Map<String, int[]> k = new LinkedHashMap<>();
    for (int l = 0; l < layers.size(); l++) {
      k.put(layers.get(l).producer(), indices(keep[l]));
    }
    return UnitRemoval.remove(g, layers, k);
  }

  static int[] indices(boolean[] keep) {
    int n = 0;
    for (boolean b : keep) {
      n += b ? 1 : 0;
    }
    int[] out = new int[n];
    int i = 0;
    for (int j = 0; j < keep.length; j++) {
      if (keep[j]) {
        out[i++] = j;
      }
    }
    return out;
  }

  /**
   * Per unit, the cost change of toggling it: the saving of removing a kept unit, the price of adding back a removed
   * one (never below 0).
   */
  private double[][] marginals(boolean[][] s, double sCost) {
    double[][] m = new double[layers.size()][];
    for (int l = 0; l < layers.size(); l++) {
      m[l] = new double[s[l].length];
      double keptRep = Double.NaN;
      double removedRep = Double.NaN;
      for (int j = 0; j < s[l].length; j++) {
        boolean kept = s[l][j];
        if (kept && count(s[l]) == 1) {
          m[l][j] = 0;
          continue;
        }
        if (cost.uniformWithinLayer() && kept && !Double.isNaN(keptRep)) {
          m[l][j] = keptRep;
          continue;
        }
        if (cost.uniformWithinLayer() && !kept && !Double.isNaN(removedRep)) {
          m[l][j] = removedRep;
          continue;
        }
        s[l][j] = !kept;
        double c = price(s);
        s[l][j] = kept;
        m[l][j] = Math.max(0, kept ? sCost - c : c - sCost);
        if (kept) {
          keptRep = m[l][j];
        } else {
          removedRep = m[l][j];
        }
      }
    }
    return m;
  }

  /** The knapsack of the cost linearized at masks {@code s}. */
  private boolean[][] knapsack(boolean[][] s, double sCost, double[][] marg, double budget) {
    double capacity = budget - sCost;
    for (int l = 0; l < layers.size(); l++) {
      for (int j = 0; j < s[l].length; j++) {
        if (s[l][j]) {
          capacity += marg[l][j];
        }
      }
    }
    List<int[]> items = new ArrayList<>();
    boolean[][] keep = all(false);
    for (int l = 0; l < layers.size(); l++) {
      int top = top(l);
      keep[l][top] = true;
      capacity -= marg[l][top];
      for (int j = 0; j < s[l].length; j++) {
        if (j != top) {
          items.add(new int[] {l, j});
        }
      }
    }
    double[] values = new double[items.size()];
    double[] costs = new double[items.size()];
    for (int i = 0; i < values.length; i++) {
      int[] it = items.get(i);
      values[i] = importance[it[0]][it[1]];
      costs[i] = marg[it[0]][it[1]];
    }
    boolean[] take = Knapsack.solve(values, costs, capacity, BINS);
    for (int i = 0; i < take.length; i++) {
      if (take[i]) {
        keep[items.get(i)[0]][items.get(i)[1]] = true;
      }
    }
    return keep;
  }

  /** Removes the kept units of least importance per cost saved until the budget holds. */
  private boolean[][] repair(boolean[][] s, double[][] marg, double budget) {
    boolean[][] k = copy(s);
    List<int[]> order = new ArrayList<>();
    for (int l = 0; l < layers.size(); l++) {
      int top = top(l);
      for (int j = 0; j < k[l].length; j++) {
        if (k[l][j] && j != top) {
          order.add(new int[] {l, j});
        }
      }
    }
    order.sort(Comparator.comparingDouble(it -> importance[it[0]][it[1]] / Math.max(marg[it[0]][it[1]], 1e-12)));
    for (int[] it : order) {
      if (price(k) <= budget) {
        return k;
      }
      k[it[0]][it[1]] = false;
    }
    return minimal();
  }

  /** Adds removed units back, most important first, while the budget holds. */
  private boolean[][] addBack(boolean[][] s, double budget) {
    boolean[][] k = copy(s);
    List<int[]> order = new ArrayList<>();
    for (int l = 0; l < layers.size(); l++) {
      for (int j = 0; j < k[l].length; j++) {
        if (!k[l][j]) {
          order.add(new int[] {l, j});
        }
      }
    }
    order.sort(Comparator.comparingDouble((int[] it) -> importance[it[0]][it[1]]).reversed());
    for (int[] it : order) {
      k[it[0]][it[1]] = true;
      if (price(k) > budget) {
        k[it[0]][it[1]] = false;
      }
    }
    return k;
  }

  private int top(int l) {
    int t = 0;
    for (int j = 1; j < importance[l].length; j++) {
      if (importance[l][j] > importance[l][t]) {
        t = j;
      }
    }
    return t;
  }

  private boolean[][] minimal() {
    boolean[][] k = all(false);
    for (int l = 0; l < layers.size(); l++) {
      k[l][top(l)] = true;
    }
    return k;
  }

  private boolean[][] all(boolean v) {
    boolean[][] k = new boolean[layers.size()][];
    for (int l = 0; l < k.length; l++) {
      k[l] = new boolean[layers.get(l).units()];
      Arrays.fill(k[l], v);
    }
    return k;
  }

  private double value(boolean[][] k) {
    double v = 0;
    for (int l = 0; l < k.length; l++) {
      for (int j = 0; j < k[l].length; j++) {
        if (k[l][j]) {
          v += importance[l][j];
        }
      }
    }
    return v;
  }

  private static int count(boolean[] b) {
    int n = 0;
    for (boolean x : b) {
      n += x ? 1 : 0;
    }
    return n;
  }

  private static boolean same(boolean[][] a, boolean[][] b) {
    return Arrays.deepEquals(a, b);
  }

  private static boolean[][] copy(boolean[][] a) {
    boolean[][] c = new boolean[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }
}
