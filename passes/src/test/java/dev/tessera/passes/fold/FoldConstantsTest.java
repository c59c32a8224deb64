package dev.tessera.passes.fold;

import static dev.tessera.passes.FloatGraphs.assertSameFunction;
import static dev.tessera.passes.FloatGraphs.f;
import static dev.tessera.passes.FloatGraphs.floats;
import static dev.tessera.passes.FloatGraphs.kinds;
import static dev.tessera.passes.FloatGraphs.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.PassContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class FoldConstantsTest {

  @Test
  void chainsOfConstantNodesBecomeOneConstant() {
    Shape s = Shape.of(3);
    Graph g = Graph.builder("g").input("x", f(Shape.batched(3)))
        .constant("a", floats(new long[] {3}, 1, 2, 3))
        .constant("b", floats(new long[] {3}, 0.5, 0.5, -4))
        .node(node("add", new Op.Binary(Op.BinaryKind.ADD), List.of("a", "b"), "ab"), f(s))
        .node(node("relu", new Op.Relu(), List.of("ab"), "k"), f(s))
        .node(node("mul", new Op.Binary(Op.BinaryKind.MUL), List.of("x", "k"), "y"), f(Shape.batched(3)))
        .output("y").build();
    Graph r = new FoldConstants().run(g, PassContext.create());
    assertEquals(List.of("Mul"), kinds(r));
    Tensor k = r.constant("k");
    assertArrayEquals(new double[] {1.5, 2.5, 0}, k.values());
    assertFalse(r.isConstant("a"), "inputs of folded nodes are dropped when unused");
    assertSameFunction(g, r, 0);
  }

  @Test
  void aQuantOfAWeightFoldsToTheQuantizedValues() {
    Shape s = Shape.of(4);
    Graph g = Graph.builder("g").input("x", f(Shape.batched(4)))
        .constant("w", floats(new long[] {4}, 0.30, -0.26, 5.0, 0.0625))
        .constant("scale", floats(new long[] {}, 0.125))
        .constant("zero", floats(new long[] {}, 0))
        .constant("bits", floats(new long[] {}, 4))
        .node(node("q", new Op.Quant(true, false, "ROUND"), List.of("w", "scale", "zero", "bits"), "wq"), f(s))
        .node(node("mul", new Op.Binary(Op.BinaryKind.MUL), List.of("x", "wq"), "y"), f(Shape.batched(4)))
        .output("y").build();
    Graph r = new FoldConstants().run(g, PassContext.create());
    assertEquals(List.of("Mul"), kinds(r));
    // 2.4 -> 2, -2.08 -> -2, 40 -> clamp 7, 0.5 -> 0 (half to even); times 1/8
    assertArrayEquals(new double[] {0.25, -0.25, 0.875, 0}, r.constant("wq").values());
    assertSameFunction(g, r, 0);
  }

  @Test
  void nodesProducingGraphOutputsStay() {
    Graph g = Graph.builder("g").input("x", f(Shape.batched(1)))
        .constant("a", floats(new long[] {1}, -1))
        .node(node("relu", new Op.Relu(), List.of("a"), "y"), f(Shape.of(1)))
        .output("y").build();
    assertEquals(List.of("Relu"), kinds(new FoldConstants().run(g, PassContext.create())));
  }
}
