package dev.tessera.passes.fold;

import static dev.tessera.passes.FloatGraphs.assertSameFunction;
import static dev.tessera.passes.FloatGraphs.f;
import static dev.tessera.passes.FloatGraphs.kinds;
import static dev.tessera.passes.FloatGraphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.PassContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoveIdentitiesTest {

  private static final Shape S = Shape.batched(4);

  @Test
  void removesIdentityCastReshapeAndTransposeThatChangeNothing() {
    Graph g = Graph.builder("g").input("x", f(S))
        .node(node("id", new Op.Identity(), List.of("x"), "a"), f(S))
        .node(node("relu", new Op.Relu(), List.of("a"), "b"), f(S))
        .node(node("same", new Op.Reshape(), List.of("b"), "c"), f(S))
        .node(node("cast", new Op.Cast(DType.FLOAT), List.of("c"), "d"), f(S))
        .node(node("tr", new Op.Transpose(new int[] {0, 1}), List.of("d"), "y"), f(S))
        .output("y").build();
    Graph r = new RemoveIdentities().run(g, PassContext.create());
    assertEquals(List.of("Relu"), kinds(r));
    assertEquals("relu", r.nodes().get(0).name());
    assertEquals(List.of("x"), r.nodes().get(0).inputs());
    assertEquals(List.of("y"), r.nodes().get(0).outputs()); // the output keeps its name
    assertSameFunction(g, r, 0);
  }

  @Test
  void keepsNodesThatChangeShapeOrTypeAndThoseJoiningInputToOutput() {
    Graph g = Graph.builder("g").input("x", f(S))
        .node(node("flat", new Op.Reshape(), List.of("x"), "a"), f(Shape.batched(2, 2)))
        .node(node("cast", new Op.Cast(DType.DOUBLE), List.of("a"), "b"), new dev.tessera.ir.TensorType(DType.DOUBLE,
            Shape.batched(2, 2)))
        .node(node("id", new Op.Identity(), List.of("x"), "y2"), f(S))
        .output("b").output("y2").build();
    Graph r = new RemoveIdentities().run(g, PassContext.create());
    assertSame(g, r);
  }
}
