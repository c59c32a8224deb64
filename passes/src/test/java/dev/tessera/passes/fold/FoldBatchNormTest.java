package dev.tessera.passes.fold;

import static dev.tessera.passes.FloatGraphs.assertSameFunction;
import static dev.tessera.passes.FloatGraphs.f;
import static dev.tessera.passes.FloatGraphs.floats;
import static dev.tessera.passes.FloatGraphs.kinds;
import static dev.tessera.passes.FloatGraphs.node;
import static dev.tessera.passes.FloatGraphs.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.FloatGraphs;
import dev.tessera.passes.PassContext;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FoldBatchNormTest {

  private static Graph.Builder withStats(Graph.Builder b, int c) {
    Random rnd = new Random(c);
    double[] var = new double[c];
    for (int i = 0; i < c; i++) {
      var[i] = 0.5 + i;
    }
    return b.constant("gamma", random(rnd, c)).constant("beta", random(rnd, c)).constant("mean", random(rnd, c))
        .constant("var", floats(new long[] {c}, var));
  }

  private static final List<String> STATS = List.of("gamma", "beta", "mean", "var");

  private static List<String> bnInputs(String x) {
    List<String> l = new java.util.ArrayList<>(List.of(x));
    l.addAll(STATS);
    return l;
  }

  @Test
  void foldsIntoADenseWithABias() {
    Graph g = withStats(Graph.builder("g").input("x", f(Shape.batched(3))), 2)
        .constant("W", random(new Random(9), 3, 2)).constant("B", floats(new long[] {2}, 1, -1))
        .node(node("fc", new Op.Dense(null), List.of("x", "W", "B"), "h"), f(Shape.batched(2)))
        .node(node("bn", new Op.BatchNorm(1e-3), bnInputs("h"), "y"), f(Shape.batched(2)))
        .output("y").build();
    Graph r = new FoldBatchNorm().run(g, PassContext.create());
    assertEquals(List.of("Dense"), kinds(r));
    assertEquals("fc", r.nodes().get(0).name());
    assertEquals(List.of("y"), r.nodes().get(0).outputs());
    assertSameFunction(g, r, 1e-12);
  }

  @Test
  void foldsIntoAConvPerOutputChannel() {
    Op.Conv conv = new Op.Conv(new long[] {3}, new long[] {1}, new long[] {1}, new long[] {1}, new long[] {1}, 1,
        null);
    Graph g = withStats(Graph.builder("g").input("x", f(Shape.batched(2, 5))), 3)
        .constant("W", random(new Random(5), 3, 2, 3))
        .node(node("conv", conv, List.of("x", "W"), "h"), f(Shape.batched(3, 5)))
        .node(node("bn", new Op.BatchNorm(1e-5), bnInputs("h"), "b"), f(Shape.batched(3, 5)))
        .node(node("relu", new Op.Relu(), List.of("b"), "y"), f(Shape.batched(3, 5)))
        .output("y").build();
    Graph r = new FoldBatchNorm().run(g, PassContext.create());
    assertEquals(List.of("Conv", "Relu"), kinds(r));
    assertSameFunction(g, r, 1e-12);
  }

  @Test
  void foldsThroughThePyTorchUnsqueezeSqueezePair() {
    Graph g = withStats(Graph.builder("g").input("x", f(Shape.batched(3))), 4)
        .constant("W", random(new Random(7), 3, 4))
        .node(node("fc", new Op.Dense(null), List.of("x", "W"), "h"), f(Shape.batched(4)))
        .node(node("unsq", new Op.Reshape(), List.of("h"), "h3"), f(Shape.batched(4, 1)))
        .node(node("bn", new Op.BatchNorm(1e-5), bnInputs("h3"), "b3"), f(Shape.batched(4, 1)))
        .node(node("sq", new Op.Reshape(), List.of("b3"), "y"), f(Shape.batched(4)))
        .output("y").build();
    Graph r = new FoldBatchNorm().run(g, PassContext.create());
    assertEquals(List.of("Dense"), kinds(r));
    assertEquals(List.of("y"), r.nodes().get(0).outputs());
    assertSameFunction(g, r, 1e-12);
  }

  /**
   * Keras' exporter wraps the BatchNormalization of a Dense output in a pair of rank-2 Transposes: it normalizes per
   * feature. The folded graph must equal a plain Dense followed by a per-feature BatchNormalization.
   */
  @Test
  void foldsThroughTheKerasTransposePairPerFeature() {
    Graph.Builder base = withStats(Graph.builder("g").input("x", f(Shape.batched(3))), 4)
        .constant("W", random(new Random(8), 3, 4)).constant("B", random(new Random(10), 4))
        .node(node("fc", new Op.Dense(null), List.of("x", "W", "B"), "h"), f(Shape.batched(4)));
    Graph keras = base.build().toBuilder()
        .node(node("t1", new Op.Transpose(new int[] {1, 0}), List.of("h"), "ht"), f(new Shape(List.of(
            dev.tessera.ir.Dim.of(4), dev.tessera.ir.Dim.sym("N")))))
        .node(node("bn", new Op.BatchNorm(1e-3), bnInputs("ht"), "bt"), f(new Shape(List.of(
            dev.tessera.ir.Dim.of(4), dev.tessera.ir.Dim.sym("N")))))
        .node(node("t2", new Op.Transpose(new int[] {1, 0}), List.of("bt"), "y"), f(Shape.batched(4)))
        .output("y").build();
    Graph reference = base.build().toBuilder()
        .node(node("bn", new Op.BatchNorm(1e-3), bnInputs("h"), "y"), f(Shape.batched(4))).output("y").build();
    Graph r = new FoldBatchNorm().run(keras, PassContext.create());
    assertEquals(List.of("Dense"), kinds(r));
    Map<String, NdArray> in = FloatGraphs.inputs(reference, 5, 3);
    assertArrayEquals(new FloatInterpreter(reference).run(in).get("y").data(),
        new FloatInterpreter(r).run(in).get("y").data(), 1e-12);
  }

  @Test
  void aBatchNormWithoutALayerBeforeItStays() {
    Graph g = withStats(Graph.builder("g").input("x", f(Shape.batched(2))), 2)
        .node(node("bn", new Op.BatchNorm(1e-3), bnInputs("x"), "y"), f(Shape.batched(2))).output("y").build();
    assertSame(g, new FoldBatchNorm().run(g, PassContext.create()));
    // a Dense whose output has a second reader stays unfolded too
    Graph shared = withStats(Graph.builder("g").input("x", f(Shape.batched(2))), 2)
        .constant("W", random(new Random(1), 2, 2))
        .node(node("fc", new Op.Dense(null), List.of("x", "W"), "h"), f(Shape.batched(2)))
        .node(node("bn", new Op.BatchNorm(1e-3), bnInputs("h"), "y"), f(Shape.batched(2)))
        .output("y").output("h").build();
    Graph r = new FoldBatchNorm().run(shared, PassContext.create());
    assertEquals(List.of("Dense", "BatchNorm"), kinds(r));
    Node bn = r.nodes().get(1);
    assertEquals("bn", bn.name());
  }
}
