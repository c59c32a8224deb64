package dev.tessera.passes.fold;

import static dev.tessera.passes.FloatGraphs.assertSameFunction;
import static dev.tessera.passes.FloatGraphs.f;
import static dev.tessera.passes.FloatGraphs.kinds;
import static dev.tessera.passes.FloatGraphs.node;
import static dev.tessera.passes.FloatGraphs.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.PassContext;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EliminateTransposesTest {

  private static Op.Transpose t(int... perm) {
    return new Op.Transpose(perm);
  }

  @Test
  void aTransposePairThatCancelsVanishes() {
    Graph g = Graph.builder("g").input("x", f(Shape.batched(2, 3)))
        .node(node("relu", new Op.Relu(), List.of("x"), "r"), f(Shape.batched(2, 3)))
        .node(node("t1", t(0, 2, 1), List.of("r"), "a"), f(Shape.batched(3, 2)))
        .node(node("t2", t(0, 2, 1), List.of("a"), "y"), f(Shape.batched(2, 3)))
        .output("y").build();
    Graph r = new EliminateTransposes().run(g, PassContext.create());
    assertEquals(List.of("Relu"), kinds(r));
    assertEquals(List.of("y"), r.nodes().get(0).outputs());
    assertSameFunction(g, r, 0);
  }

  @Test
  void twoTransposesThatDoNotCancelMergeIntoOne() {
    Graph g = Graph.builder("g").input("x", f(Shape.batched(2, 3, 4)))
        .node(node("t1", t(0, 2, 3, 1), List.of("x"), "a"), f(Shape.batched(3, 4, 2)))
        .node(node("t2", t(0, 2, 1, 3), List.of("a"), "y"), f(Shape.batched(4, 3, 2)))
        .output("y").build();
    Graph r = new EliminateTransposes().run(g, PassContext.create());
    assertEquals(List.of("Transpose"), kinds(r));
    assertArrayEquals(new int[] {0, 3, 2, 1}, ((Op.Transpose) r.nodes().get(0).op()).perm());
    assertSameFunction(g, r, 0);
  }

  @Test
  void aTransposeOfUnitAxesBeforeAFlattenIsAReshape() {
    // Keras Conv1D with one output channel: [N, 1, 7] -> [N, 7, 1] -> flatten [N, 7]
    Graph g = Graph.builder("g").input("x", f(Shape.batched(1, 7)))
        .node(node("relu", new Op.Relu(), List.of("x"), "r"), f(Shape.batched(1, 7)))
        .node(node("t", t(0, 2, 1), List.of("r"), "a"), f(Shape.batched(7, 1)))
        .node(node("flat", new Op.Reshape(), List.of("a"), "y"), f(Shape.batched(7)))
        .output("y").build();
    Graph r = new EliminateTransposes().run(g, PassContext.create());
    assertEquals(List.of("Relu", "Reshape"), kinds(r));
    assertEquals(List.of("r"), r.nodes().get(1).inputs());
    assertSameFunction(g, r, 0);
  }

  @Test
  void theKerasChannelsLastFlattenIsAbsorbedIntoTheDenseWeight() {
    // NCHW conv output [N, 2, 3, 4] -> NHWC -> flatten [N, 24] -> Dense 24 -> 5
    Graph g = Graph.builder("g").input("x", f(Shape.batched(2, 3, 4)))
        .constant("W", random(new Random(3), 24, 5))
        .node(node("relu", new Op.Relu(), List.of("x"), "r"), f(Shape.batched(2, 3, 4)))
        .node(node("nhwc", t(0, 2, 3, 1), List.of("r"), "a"), f(Shape.batched(3, 4, 2)))
        .node(node("flat", new Op.Reshape(), List.of("a"), "f"), f(Shape.batched(24)))
        .node(node("fc", new Op.Dense(null), List.of("f", "W"), "y"), f(Shape.batched(5)))
        .output("y").build();
    Graph r = new EliminateTransposes().run(g, PassContext.create());
    assertEquals(List.of("Relu", "Reshape", "Dense"), kinds(r));
    assertSameFunction(g, r, 1e-12); // same products, summed in another order
  }

  @Test
  void aTransposeOnAGraphInputWithRealChannelsStays() {
    Graph g = Graph.builder("g").input("x", f(Shape.batched(4, 4, 3)))
        .node(node("nchw", t(0, 3, 1, 2), List.of("x"), "a"), f(Shape.batched(3, 4, 4)))
        .node(node("relu", new Op.Relu(), List.of("a"), "y"), f(Shape.batched(3, 4, 4)))
        .output("y").build();
    assertSame(g, new EliminateTransposes().run(g, PassContext.create()));
  }

  @Test
  void aTransposeOnAGraphInputWithOneChannelBecomesAReshape() {
    Graph g = Graph.builder("g").input("x", f(Shape.batched(4, 4, 1)))
        .node(node("nchw", t(0, 3, 1, 2), List.of("x"), "a"), f(Shape.batched(1, 4, 4)))
        .node(node("relu", new Op.Relu(), List.of("a"), "y"), f(Shape.batched(1, 4, 4)))
        .output("y").build();
    Graph r = new EliminateTransposes().run(g, PassContext.create());
    assertEquals(List.of("Reshape", "Relu"), kinds(r));
    assertSameFunction(g, r, 0);
  }
}
