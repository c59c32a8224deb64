package dev.tessera.passes.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitAnalysisTest {

  @Test
  void mlpLayersAndTheLastLayerIsSkipped() {
    UnitAnalysis.Result r = UnitAnalysis.analyze(PruneGraphs.mlp(1));
    assertEquals(List.of("d1", "d2"), r.layers().stream().map(PrunableLayer::producer).toList());
    PrunableLayer d1 = r.layer("d1");
    assertEquals(5, d1.units());
    assertEquals("d2", d1.consumer());
    assertEquals("h1", d1.maskTensor());
    assertEquals(List.of("bn", "r1"), d1.chain().stream().map(PrunableLayer.Step::node).toList());
    assertFalse(d1.flatten());
    assertEquals(1, r.skipped().size());
    assertEquals("d3", r.skipped().get(0).node());
    assertTrue(r.skipped().get(0).reason().contains("graph output"), r.skipped().get(0).reason());
  }

  @Test
  void aSoftmaxBeforeTheOutputIsNamedAsTheLastLayer() {
    Graph g = PruneGraphs.mlp(1);
    Graph.Builder b = g.toBuilder();
    b.node(new Node("sm", new Op.Softmax(1, dev.tessera.ir.op.SoftmaxMode.STABLE, null, null), List.of("out"),
        List.of("prob")), PruneGraphs.f(Shape.batched(3)));
    b.outputs(List.of("prob"));
    UnitAnalysis.Result r = UnitAnalysis.analyze(b.build());
    assertEquals(2, r.layers().size());
    String why = r.skipped().get(0).reason();
    assertTrue(why.contains("graph output 'prob' through node 'sm' (Softmax)"), why);
  }

  @Test
  void convolutionsIncludingFlattenIntoDense() {
    UnitAnalysis.Result r = UnitAnalysis.analyze(PruneGraphs.cnn(1));
    assertEquals("c2", r.layer("c1").consumer());
    PrunableLayer c2 = r.layer("c2");
    assertEquals("d", c2.consumer());
    assertTrue(c2.flatten());
    assertEquals("h2", c2.maskTensor());
    assertEquals(1, c2.maskAxis());
    assertEquals("d", r.skipped().get(0).node());
  }

  @Test
  void transposeMovesTheUnitAxisAndConstantsAlongItAreAllowed() {
    UnitAnalysis.Result r = UnitAnalysis.analyze(PruneGraphs.channelsLast(1));
    PrunableLayer c = r.layer("c");
    assertEquals("d1", c.consumer());
    assertEquals(3, c.maskAxis());
    assertEquals("yl", c.maskTensor());
    assertEquals("d2", r.layer("d1").consumer());
  }

  @Test
  void aSecondReaderOrAMixingNodeStopsPruning() {
    Graph g = PruneGraphs.mlp(1);
    Graph.Builder b = g.toBuilder();
    b.node(new Node("extra", new Op.Relu(), List.of("h1"), List.of("e")), PruneGraphs.f(Shape.batched(5)));
    b.output("e");
    UnitAnalysis.Result r = UnitAnalysis.analyze(b.build());
    assertNull(r.layer("d1"));
    assertTrue(r.skipped().stream().anyMatch(s -> s.node().equals("d1") && s.reason().contains("graph output")
        || s.node().equals("d1") && s.reason().contains("read by 2")), r.skipped().toString());

    Graph soft = g.toBuilder().build();
    Graph.Builder s = soft.toBuilder();
    int i = s.nodes().indexOf(soft.node("r1"));
    s.nodes().set(i, new Node("r1", new Op.Softmax(1, dev.tessera.ir.op.SoftmaxMode.STABLE, null, null),
        List.of("z1"), List.of("h1")));
    UnitAnalysis.Result rs = UnitAnalysis.analyze(s.build());
    assertNull(rs.layer("d1"));
    assertTrue(rs.skipped().stream().anyMatch(x -> x.node().equals("d1") && x.reason().contains("mixes units")),
        rs.skipped().toString());
  }
}
