package dev.tessera.passes.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphStats;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskSearchTest {

  private static double value(Map<String, boolean[]> keep, Map<String, double[]> imp) {
    double v = 0;
    for (Map.Entry<String, boolean[]> e : keep.entrySet()) {
      for (int j = 0; j < e.getValue().length; j++) {
        v += e.getValue()[j] ? imp.get(e.getKey())[j] : 0;
      }
    }
    return v;
  }

  @Test
  void oneLayerKeepsTheMostImportantUnitsThatFit() {
    Random r = new Random(4);
    Graph g = Graph.builder("one").input("x", PruneGraphs.f(Shape.batched(6)))
        .constant("w1", PruneGraphs.random(r, 6, 8)).constant("w2", PruneGraphs.random(r, 8, 3))
        .node(PruneGraphs.node("d1", new Op.Dense(null), List.of("x", "w1"), "y"), PruneGraphs.f(Shape.batched(8)))
        .node(PruneGraphs.node("r", new Op.Relu(), List.of("y"), "h"), PruneGraphs.f(Shape.batched(8)))
        .node(PruneGraphs.node("d2", new Op.Dense(null), List.of("h", "w2"), "out"), PruneGraphs.f(Shape.batched(3)))
        .output("out").build();
    List<PrunableLayer> layers = UnitAnalysis.analyze(g).layers();
    double[] f = {0.3, 0.9, 0.1, 0.5, 0.05, 0.7, 0.2, 0.6};
    MaskSearch.Result res = new MaskSearch(g, layers, Map.of("d1", f), PruneCost.macs()).search(40);
    assertTrue(Arrays.equals(new boolean[] {false, true, false, true, false, true, false, true}, res.keep().get("d1")),
        Arrays.toString(res.keep().get("d1")));
    assertEquals(36, res.cost());
  }

  /** Two interacting layers: the cost of a unit depends on what the next layer keeps. Compared with brute force. */
  @Test
  void nearOptimalOnInteractingLayers() {
    Graph g = PruneGraphs.mlp(6);
    List<PrunableLayer> layers = UnitAnalysis.analyze(g).layers();
    double full = GraphStats.of(g).macs();
    Random r = new Random(12);
    for (int trial = 0; trial < 20; trial++) {
      Map<String, double[]> imp = new LinkedHashMap<>();
      imp.put("d1", r.doubles(5).map(x -> x * x).toArray());
      imp.put("d2", r.doubles(4).map(x -> x * x * 3).toArray());
      double budget = full * (0.35 + 0.5 * r.nextDouble());
      MaskSearch.Result res = new MaskSearch(g, layers, imp, PruneCost.macs()).search(budget);
      assertTrue(res.cost() <= budget, res.cost() + " > " + budget);
      assertEquals(res.cost(), GraphStats.of(MaskSearch.prune(g, layers, new boolean[][] {res.keep().get("d1"),
          res.keep().get("d2")})).macs(), "the reported cost is the pruned graph's");
      double best = 0;
      for (int m = 0; m < (1 << 9); m++) {
        boolean[] a = new boolean[5];
        boolean[] b = new boolean[4];
        for (int j = 0; j < 9; j++) {
          (j < 5 ? a : b)[j < 5 ? j : j - 5] = (m >> j & 1) == 1;
        }
        if (MaskSearch.indices(a).length == 0 || MaskSearch.indices(b).length == 0) {
          continue;
        }
        if (GraphStats.of(MaskSearch.prune(g, layers, new boolean[][] {a, b})).macs() <= budget) {
          best = Math.max(best, value(Map.of("d1", a, "d2", b), imp));
        }
      }
      double got = value(res.keep(), imp);
      assertTrue(got >= 0.95 * best, "trial " + trial + ": " + got + " < 0.95 * " + best);
    }
  }

  @Test
  void anUnreachableBudgetIsAnError() {
    Graph g = PruneGraphs.mlp(6);
    List<PrunableLayer> layers = UnitAnalysis.analyze(g).layers();
    Map<String, double[]> imp = Map.of("d1", new double[5], "d2", new double[4]);
    PruneException e = assertThrows(PruneException.class,
        () -> new MaskSearch(g, layers, imp, PruneCost.macs()).search(10));
    assertTrue(e.getMessage().contains("one unit per layer"), e.getMessage());
    MaskSearch.Result all = new MaskSearch(g, layers, imp, PruneCost.macs()).search(1e9);
    assertEquals(GraphStats.of(g).macs(), all.cost());
  }
}
