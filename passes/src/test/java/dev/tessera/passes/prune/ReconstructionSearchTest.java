package dev.tessera.passes.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * The saliency of the reconstruction search is the exact increase of the (damped, Fisher-weighted) least-squares error
 * when a unit's group of consumer inputs is dropped and the rest refitted; a unit that duplicates another costs
 * nothing and goes first.
 */
class ReconstructionSearchTest {

  private static final int N = 40;
  private static final int[][] GROUPS = {{0}, {1, 2}, {3, 4, 5}, {6}};
  private static final double[] FISHER = {1.0, 2.0, 0.5};

  /** Random design X [N][7] plus a bias column, targets T [N][3]: the sums of one layer. */
  private static ReconstructionSearch.LayerData layer(PrunableLayer consumerLayer) {
    Random r = new Random(3);
    int dim = 8;
    double[][] x = new double[N][dim];
    double[][] t = new double[N][3];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < dim - 1; j++) {
        x[i][j] = r.nextGaussian();
      }
      x[i][dim - 1] = 1;
      for (int o = 0; o < 3; o++) {
        t[i][o] = r.nextGaussian() + 0.8 * x[i][o] - 0.5 * x[i][o + 3];
      }
    }
    ReconstructionSearch.LayerData d = new ReconstructionSearch.LayerData();
    d.layer = new PrunableLayer("p", GROUPS.length, 1, List.of(), "m", 1, "c", false);
    d.consumerLayer = consumerLayer;
    d.columns = GROUPS;
    d.outputFisher = FISHER.clone();
    d.gram = new double[dim][dim];
    d.cross = new double[dim][3];
    for (double[] row : x) {
      for (int a = 0; a < dim; a++) {
        for (int b = 0; b < dim; b++) {
          d.gram[a][b] += row[a] * row[b];
        }
      }
    }
    for (int i = 0; i < N; i++) {
      for (int a = 0; a < dim; a++) {
        for (int o = 0; o < 3; o++) {
          d.cross[a][o] += x[i][a] * t[i][o];
        }
      }
    }
    return d;
  }

  /** {@code min_θ θᵀHθ - 2θᵀc} per output over the columns {@code cols} (H = gram + λI): {@code -cᵀH⁻¹c}. */
  private static double[] minimum(ReconstructionSearch.LayerData d, int[] cols, double lambda) {
    int m = cols.length;
    DMatrixRMaj h = new DMatrixRMaj(m, m);
    for (int a = 0; a < m; a++) {
      for (int b = 0; b < m; b++) {
        h.set(a, b, d.gram[cols[a]][cols[b]] + (a == b ? lambda : 0));
      }
    }
    CommonOps_DDRM.invert(h);
    double[] e = new double[3];
    for (int o = 0; o < 3; o++) {
      for (int a = 0; a < m; a++) {
        for (int b = 0; b < m; b++) {
          e[o] -= d.cross[cols[a]][o] * h.get(a, b) * d.cross[cols[b]][o];
        }
      }
    }
    return e;
  }

  private static void checkAgainstRefits(PrunableLayer consumerLayer, Map<String, boolean[]> keep, double[] w) {
    ReconstructionSearch.LayerData d = layer(consumerLayer);
    double damping = 0.05;
    double[] s = ReconstructionSearch.saliencies(d, keep, damping, N);
    double trace = 0;
    for (int i = 0; i < 8; i++) {
      trace += d.gram[i][i];
    }
    double lambda = damping * trace / 8;
    double[] full = minimum(d, new int[] {0, 1, 2, 3, 4, 5, 6, 7}, lambda);
    for (int u = 0; u < GROUPS.length; u++) {
      final int unit = u;
      int[] rest = java.util.stream.IntStream.range(0, 8).filter(c -> uIndex(c) != unit).toArray();
      double[] without = minimum(d, rest, lambda);
      double expected = 0;
      for (int o = 0; o < 3; o++) {
        expected += w[o] * (without[o] - full[o]);
      }
      expected *= 0.5 / N;
      assertTrue(expected > 0, "dropping unit " + u + " must cost something");
      assertEquals(expected, s[u], 1e-9 * expected, "unit " + u);
    }
  }

  /** The unit of design column c (-1 for the bias column). */
  private static int uIndex(int c) {
    for (int u = 0; u < GROUPS.length; u++) {
      for (int x : GROUPS[u]) {
        if (x == c) {
          return u;
        }
      }
    }
    return -1;
  }

  @Test
  void saliencyIsTheRefittedErrorIncreaseOfTheUnitsGroup() {
    Map<String, boolean[]> keep = new LinkedHashMap<>();
    keep.put("p", new boolean[] {true, true, true, true});
    checkAgainstRefits(null, keep, FISHER);
  }

  @Test
  void removedConsumerOutputsNoLongerCount() {
    PrunableLayer next = new PrunableLayer("c", 3, 1, List.of(), "m2", 1, "d", false);
    Map<String, boolean[]> keep = new LinkedHashMap<>();
    keep.put("p", new boolean[] {true, true, true, true});
    keep.put("c", new boolean[] {true, false, true});
    checkAgainstRefits(next, keep, new double[] {FISHER[0], 0, FISHER[2]});
  }

  @Test
  void aDuplicateUnitIsFreeAndGoesFirst() {
    Graph g = MaskTuningTest.duplicateDense(false);
    List<PrunableLayer> layers = UnitAnalysis.analyze(g).layers();
    assertEquals(1, layers.size());
    Random r = new Random(8);
    double[] x = new double[200 * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian();
    }
    Map<String, NdArray> in = Map.of("x", new NdArray(new long[] {200, 3}, x));
    ReconstructionSearch.LayerData d = ReconstructionSearch.prepare(g, layers, in, 64).get(0);
    Map<String, boolean[]> keep = Map.of("d1", new boolean[] {true, true, true, true});
    double[] s = ReconstructionSearch.saliencies(d, keep, 1e-6, 200);
    double unique = Math.min(s[1], s[2]);
    assertTrue(unique > 0, java.util.Arrays.toString(s));
    assertTrue(s[0] < 1e-3 * unique && s[3] < 1e-3 * unique, java.util.Arrays.toString(s));

    PruneCost macs = PruneCost.macs();
    double before = macs.of(g);
    double one = before - macs.of(UnitRemoval.remove(g, layers, Map.of("d1", new int[] {0, 1, 2})));
    ReconstructionSearch.Result res = ReconstructionSearch.search(g, layers, in, macs, before - one, 1e-6, 64);
    assertNotNull(res);
    boolean[] k = res.keep().get("d1");
    assertTrue(k[1] && k[2], "a unique unit was removed: " + java.util.Arrays.toString(k));
    assertFalse(k[0] && k[3], "one of the duplicates goes");
    assertTrue(res.cost() <= before - one);
  }

  @Test
  void anUnreachableBudgetGivesNull() {
    Graph g = MaskTuningTest.duplicateDense(false);
    List<PrunableLayer> layers = UnitAnalysis.analyze(g).layers();
    Map<String, NdArray> in = Map.of("x", new NdArray(new long[] {4, 3}, new double[12]));
    assertEquals(null, ReconstructionSearch.search(g, layers, in, PruneCost.macs(), 1, 0.01, 64));
  }
}
