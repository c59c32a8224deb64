package dev.tessera.passes.prune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The mask rearrangement of Kwon et al. (2022) for one layer: with the layer's block F of the Fisher information, the
 * loss grows by about {@code ½ (1-m)ᵀ F (1-m)} when the units with {@code m = 0} are removed, which the diagonal
 * search ignores when pruned units have correlated gradients. Keeping the number of pruned units, it visits the kept
 * units in order of increasing diagonal, moves each into the pruned set and then takes out the member whose removal
 * from the set leaves the smallest {@code Σ_{i,j pruned} F_ij} (greedy swaps). Returns new masks; never changes its
 * inputs.
 */
public final class MaskRearrangement {

  private MaskRearrangement() {}

  /**
   * The rearranged mask of one layer.
   *
   * @param keep the layer's mask (true = kept)
   * @param block the layer's Fisher block, units × units
   */
  public static boolean[] rearrange(boolean[] keep, double[][] block) {
    int n = keep.length;
    List<Integer> pruned = new ArrayList<>();
    List<Integer> kept = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      (keep[j] ? kept : pruned).add(j);
    }
    if (pruned.isEmpty() || kept.isEmpty()) {
      return keep.clone();
    }
    kept.sort(Comparator.comparingDouble(j -> block[j][j]));
    for (int u : kept) {
      pruned.add(u);
      int drop = -1;
      double bestObjective = Double.POSITIVE_INFINITY;
      double total = objective(pruned, block);
      for (int e : pruned) {
        double rowSum = 0;
        for (int i : pruned) {
          rowSum += block[i][e];
        }
        double without = total - 2 * rowSum + block[e][e];
        if (without < bestObjective - 1e-15 * Math.abs(total)) {
          bestObjective = without;
          drop = e;
        }
      }
      pruned.remove(Integer.valueOf(drop));
    }
    boolean[] out = new boolean[n];
    java.util.Arrays.fill(out, true);
    for (int j : pruned) {
      out[j] = false;
    }
    return out;
  }

  /** {@code Σ_{i,j ∈ set} F_ij}: the second-order loss increase (times 2) of removing the set. */
  public static double objective(List<Integer> set, double[][] block) {
    double s = 0;
    for (int i : set) {
      for (int j : set) {
        s += block[i][j];
      }
    }
    return s;
  }
}
