package dev.tessera.passes.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskRearrangementTest {

  private static double[][] gram(double[][] rows) {
    int u = rows[0].length;
    double[][] f = new double[u][u];
    for (double[] r : rows) {
      for (int i = 0; i < u; i++) {
        for (int j = 0; j < u; j++) {
          f[i][j] += r[i] * r[j];
        }
      }
    }
    return f;
  }

  private static List<Integer> pruned(boolean[] keep) {
    List<Integer> p = new ArrayList<>();
    for (int j = 0; j < keep.length; j++) {
      if (!keep[j]) {
        p.add(j);
      }
    }
    return p;
  }

  /**
   * Units 0 and 1 have large but opposite gradients (removing both changes nothing), unit 2 a small one: the
   * diagonal prunes unit 2, the block finds the pair whose joint removal costs less.
   */
  @Test
  void findsUnitsWhoseGradientsCancel() {
    Random r = new Random(1);
    double[][] rows = new double[200][4];
    for (double[] row : rows) {
      double a = r.nextGaussian();
      row[0] = a;
      row[1] = -a + 0.01 * r.nextGaussian();
      row[2] = 0.3 * r.nextGaussian();
      row[3] = 2 * r.nextGaussian();
    }
    double[][] f = gram(rows);
    boolean[] diag = {true, false, false, true};
    boolean[] out = MaskRearrangement.rearrange(new boolean[] {true, true, false, true}, f);
    assertEquals(1, pruned(new boolean[] {true, true, false, true}).size());
    boolean[] two = MaskRearrangement.rearrange(new boolean[] {true, false, false, true}, f);
    assertEquals(List.of(0, 1), pruned(two), "the cancelling pair is pruned");
    assertTrue(MaskRearrangement.objective(pruned(two), f) < MaskRearrangement.objective(pruned(diag), f));
    assertEquals(1, pruned(out).size());
  }

  @Test
  void keepsTheCountAndNeverWorsensTheObjective() {
    Random r = new Random(2);
    for (int trial = 0; trial < 50; trial++) {
      int u = 3 + r.nextInt(10);
      double[][] rows = new double[30][u];
      for (double[] row : rows) {
        double common = r.nextGaussian();
        for (int j = 0; j < u; j++) {
          row[j] = r.nextGaussian() + (j % 2 == 0 ? common : -common);
        }
      }
      double[][] f = gram(rows);
      boolean[] keep = new boolean[u];
      for (int j = 0; j < u; j++) {
        keep[j] = r.nextBoolean();
      }
      boolean[] out = MaskRearrangement.rearrange(keep, f);
      assertEquals(pruned(keep).size(), pruned(out).size());
      assertTrue(MaskRearrangement.objective(pruned(out), f) <= MaskRearrangement.objective(pruned(keep), f) + 1e-9);
    }
  }

  @Test
  void nothingOrEverythingPrunedIsUnchanged() {
    double[][] f = {{1, 0}, {0, 2}};
    assertArrayEquals(new boolean[] {true, true}, MaskRearrangement.rearrange(new boolean[] {true, true}, f));
    assertArrayEquals(new boolean[] {false, false}, MaskRearrangement.rearrange(new boolean[] {false, false}, f));
  }
}
