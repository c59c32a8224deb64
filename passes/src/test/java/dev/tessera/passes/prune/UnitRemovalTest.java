package dev.tessera.passes.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphStats;
import dev.tessera.ir.GraphVerifier;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.FloatGraphs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Removing units is exactly a mask of 0 on them; rescaling is exactly a mask of the scale. */
class UnitRemovalTest {

  static void assertSameOutputs(Graph a, Graph b, double tol) {
    GraphVerifier.verify(b);
    Map<String, NdArray> in = FloatGraphs.inputs(a, 4, 11);
    NdArray x = new FloatInterpreter(a).run(in).get("out");
    NdArray y = new FloatInterpreter(b).run(in).get("out");
    assertArrayEquals(x.shape(), y.shape());
    assertArrayEquals(x.data(), y.data(), tol);
  }

  private static void removalIsMasking(Graph g, Map<String, int[]> keep) {
    UnitAnalysis.Result r = UnitAnalysis.analyze(g);
    Graph masked = g;
    for (PrunableLayer l : r.layers()) {
      int[] k = keep.get(l.producer());
      if (k == null) {
        continue;
      }
      double[] m = new double[l.units()];
      for (int j : k) {
        m[j] = 1;
      }
      masked = PruneGraphs.masked(masked, UnitAnalysis.analyze(masked).layer(l.producer()), m);
    }
    Graph pruned = UnitRemoval.remove(g, r.layers(), keep);
    assertSameOutputs(masked, pruned, 1e-12);
    for (PrunableLayer l : UnitAnalysis.analyze(pruned).layers()) {
      if (keep.containsKey(l.producer())) {
        assertEquals(keep.get(l.producer()).length, l.units(), l.producer());
      }
    }
  }

  @Test
  void mlpBothLayers() {
    Map<String, int[]> keep = new LinkedHashMap<>();
    keep.put("d1", new int[] {0, 2, 4});
    keep.put("d2", new int[] {1, 3});
    removalIsMasking(PruneGraphs.mlp(2), keep);
    Graph pruned = UnitRemoval.remove(PruneGraphs.mlp(2), UnitAnalysis.analyze(PruneGraphs.mlp(2)).layers(), keep);
    assertEquals(6 * 3 + 3 + 3 * 2 + 2 * 3, GraphStats.of(pruned).macs());
    assertArrayEquals(new long[] {3}, pruned.constant("mu").shape());
  }

  @Test
  void cnnFiltersAndFlattenedBlocks() {
    Map<String, int[]> keep = new LinkedHashMap<>();
    keep.put("c1", new int[] {1, 3});
    keep.put("c2", new int[] {0, 2});
    removalIsMasking(PruneGraphs.cnn(3), keep);
    Graph pruned = UnitRemoval.remove(PruneGraphs.cnn(3), UnitAnalysis.analyze(PruneGraphs.cnn(3)).layers(), keep);
    assertArrayEquals(new long[] {18, 4}, pruned.constant("w").shape());
    assertArrayEquals(new long[] {2, 2, 3, 3}, pruned.constant("k2").shape());
  }

  @Test
  void channelsLastFlattenAndPerUnitConstants() {
    Map<String, int[]> keep = new LinkedHashMap<>();
    keep.put("c", new int[] {0, 2});
    keep.put("d1", new int[] {1, 2, 4});
    removalIsMasking(PruneGraphs.channelsLast(4), keep);
  }

  @Test
  void rescaleIsAMaskOfTheScales() {
    Graph g = PruneGraphs.cnn(5);
    for (PrunableLayer l : UnitAnalysis.analyze(g).layers()) {
      double[] s = new double[l.units()];
      double[] shift = null;
      for (int j = 0; j < s.length; j++) {
        s[j] = 0.5 + 0.25 * j;
      }
      Graph scaled = UnitRemoval.rescale(g, l, s, shift);
      assertSameOutputs(PruneGraphs.masked(g, l, s), scaled, 1e-4);
    }
  }

  @Test
  void keepingNothingOrUnsortedIsRefused() {
    Graph g = PruneGraphs.mlp(1);
    List<PrunableLayer> layers = UnitAnalysis.analyze(g).layers();
    assertThrows(IllegalArgumentException.class, () -> UnitRemoval.remove(g, layers, Map.of("d1", new int[0])));
    assertThrows(IllegalArgumentException.class, () -> UnitRemoval.remove(g, layers, Map.of("d1", new int[] {2, 1})));
    assertThrows(IllegalArgumentException.class, () -> UnitRemoval.remove(g, layers, Map.of("d1", new int[] {7})));
  }
}
