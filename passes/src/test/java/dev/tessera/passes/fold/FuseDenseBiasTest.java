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
import dev.tessera.ir.op.Op;
import dev.tessera.passes.PassContext;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FuseDenseBiasTest {

  private static final Shape IN = Shape.batched(3);
  private static final Shape OUT = Shape.batched(2);

  @Test
  void matMulByAConstantAndAnAddBecomeOneDenseWithBias() {
    Graph g = Graph.builder("g").input("x", f(IN))
        .constant("W", random(new Random(1), 3, 2))
        .constant("B", floats(new long[] {2}, 0.5, -1))
        .node(node("fc", new Op.MatMul(), List.of("x", "W"), "t"), f(OUT))
        .node(node("add", new Op.Binary(Op.BinaryKind.ADD), List.of("B", "t"), "biased"), f(OUT))
        .node(node("relu", new Op.Relu(), List.of("biased"), "y"), f(OUT))
        .output("y").build();
    Graph r = new FuseDenseBias().run(g, PassContext.create());
    assertEquals(List.of("Dense", "Relu"), kinds(r));
    Node d = r.nodes().get(0);
    assertEquals("fc", d.name());
    assertEquals(List.of("biased"), d.outputs());
    assertArrayEquals(new double[] {0.5, -1}, r.constant(d.input(2)).values());
    assertSameFunction(g, r, 1e-12); // the bias is added in another order
  }

  @Test
  void anExistingBiasAndARowVectorSubtractionCombine() {
    Graph g = Graph.builder("g").input("x", f(IN))
        .constant("W", random(new Random(2), 3, 2))
        .constant("B", floats(new long[] {2}, 0.25, 0.25))
        .constant("C", floats(new long[] {1, 2}, 1, -2))
        .constant("D", floats(new long[] {}, 3))
        .node(node("fc", new Op.Dense(null), List.of("x", "W", "B"), "t"), f(OUT))
        .node(node("sub", new Op.Binary(Op.BinaryKind.SUB), List.of("t", "C"), "u"), f(OUT))
        .node(node("add", new Op.Binary(Op.BinaryKind.ADD), List.of("u", "D"), "y"), f(OUT))
        .output("y").build();
    Graph r = new FuseDenseBias().run(g, PassContext.create());
    assertEquals(List.of("Dense"), kinds(r));
    assertArrayEquals(new double[] {2.25, 5.25}, r.constant(r.nodes().get(0).input(2)).values());
    assertSameFunction(g, r, 1e-12); // the bias is added in another order
  }

  @Test
  void addsThatAreNotABiasStay() {
    Graph.Builder b = Graph.builder("g").input("x", f(IN))
        .constant("W", random(new Random(3), 3, 2))
        .constant("M", random(new Random(4), 2, 2))
        .node(node("fc", new Op.Dense(null), List.of("x", "W"), "t"), f(OUT));
    // a constant sub from the left (c - t), a [2, 2] matrix that broadcasts over the batch, and a second reader
    Graph left = b.build().toBuilder().constant("c", floats(new long[] {2}, 1, 1))
        .node(node("sub", new Op.Binary(Op.BinaryKind.SUB), List.of("c", "t"), "y"), f(OUT)).output("y").build();
    assertSame(left, new FuseDenseBias().run(left, PassContext.create()));
    Graph twoReaders = b.build().toBuilder().constant("c", floats(new long[] {2}, 1, 1))
        .node(node("add", new Op.Binary(Op.BinaryKind.ADD), List.of("t", "c"), "y"), f(OUT))
        .node(node("relu", new Op.Relu(), List.of("t"), "z"), f(OUT)).output("y").output("z").build();
    assertSame(twoReaders, new FuseDenseBias().run(twoReaders, PassContext.create()));
  }
}
