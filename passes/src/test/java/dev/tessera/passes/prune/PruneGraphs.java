package dev.tessera.passes.prune;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.GraphEdit;
import java.util.List;
import java.util.Random;

/** Small float graphs with prunable layers, and the same graphs with an explicit mask on a layer's units. */
final class PruneGraphs {

  private PruneGraphs() {}

  static TensorType f(Shape s) {
    return new TensorType(DType.FLOAT, s);
  }

  static Tensor random(Random rnd, long... shape) {
    double[] v = new double[Math.toIntExact(Tensor.count(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return Tensor.ofFloats(shape, v);
  }

  static Tensor positive(Random rnd, long... shape) {
    double[] v = new double[Math.toIntExact(Tensor.count(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (0.5 + rnd.nextDouble());
    }
    return Tensor.ofFloats(shape, v);
  }

  static Node node(String name, Op op, List<String> in, String out) {
    return new Node(name, op, in, List.of(out));
  }

  /** x[N,6] → d1 (6→5) → bn → relu → d2 (5→4) → relu → d3 (4→3). */
  static Graph mlp(long seed) {
    Random r = new Random(seed);
    return Graph.builder("mlp").input("x", f(Shape.batched(6)))
        .constant("w1", random(r, 6, 5)).constant("b1", random(r, 5))
        .constant("g", positive(r, 5)).constant("beta", random(r, 5)).constant("mu", random(r, 5))
        .constant("var", positive(r, 5))
        .constant("w2", random(r, 5, 4)).constant("b2", random(r, 4))
        .constant("w3", random(r, 4, 3)).constant("b3", random(r, 3))
        .node(node("d1", new Op.Dense(null), List.of("x", "w1", "b1"), "y1"), f(Shape.batched(5)))
        .node(node("bn", new Op.BatchNorm(1e-5), List.of("y1", "g", "beta", "mu", "var"), "z1"), f(Shape.batched(5)))
        .node(node("r1", new Op.Relu(), List.of("z1"), "h1"), f(Shape.batched(5)))
        .node(node("d2", new Op.Dense(null), List.of("h1", "w2", "b2"), "y2"), f(Shape.batched(4)))
        .node(node("r2", new Op.Relu(), List.of("y2"), "h2"), f(Shape.batched(4)))
        .node(node("d3", new Op.Dense(null), List.of("h2", "w3", "b3"), "out"), f(Shape.batched(3)))
        .output("out").build();
  }

  /** x[N,2,5,5] → c1 (2→4, 3×3, pad 1) → bn → relu → c2 (4→3, 3×3) → relu → flatten [N,27] → d (27→4). */
  static Graph cnn(long seed) {
    Random r = new Random(seed);
    long[] one = {1, 1};
    long[] zero = {0, 0};
    return Graph.builder("cnn").input("x", f(Shape.batched(2, 5, 5)))
        .constant("k1", random(r, 4, 2, 3, 3)).constant("c1b", random(r, 4))
        .constant("g", positive(r, 4)).constant("beta", random(r, 4)).constant("mu", random(r, 4))
        .constant("var", positive(r, 4))
        .constant("k2", random(r, 3, 4, 3, 3)).constant("c2b", random(r, 3))
        .constant("w", random(r, 27, 4)).constant("b", random(r, 4))
        .node(node("c1", new Op.Conv(new long[] {3, 3}, one, one, one, one, 1, null), List.of("x", "k1", "c1b"), "y1"),
            f(Shape.batched(4, 5, 5)))
        .node(node("bn", new Op.BatchNorm(1e-5), List.of("y1", "g", "beta", "mu", "var"), "z1"),
            f(Shape.batched(4, 5, 5)))
        .node(node("r1", new Op.Relu(), List.of("z1"), "h1"), f(Shape.batched(4, 5, 5)))
        .node(node("c2", new Op.Conv(new long[] {3, 3}, one, zero, zero, one, 1, null), List.of("h1", "k2", "c2b"),
            "y2"), f(Shape.batched(3, 3, 3)))
        .node(node("r2", new Op.Relu(), List.of("y2"), "h2"), f(Shape.batched(3, 3, 3)))
        .node(node("flat", new Op.Reshape(), List.of("h2"), "fl"), f(Shape.batched(27)))
        .node(node("d", new Op.Dense(null), List.of("fl", "w", "b"), "out"), f(Shape.batched(4)))
        .output("out").build();
  }

  /**
   * Channels-last flatten and per-unit constants: x[N,2,4,4] → c (2→3, 3×3, pad 1) → mul by [3,1,1] → add 0.5 →
   * tanh → transpose to NHWC → flatten [N,48] → d1 (48→5) → mul by [5] → relu → d2 (5→2).
   */
  static Graph channelsLast(long seed) {
    Random r = new Random(seed);
    long[] one = {1, 1};
    return Graph.builder("nhwc").input("x", f(Shape.batched(2, 4, 4)))
        .constant("k", random(r, 3, 2, 3, 3)).constant("cs", positive(r, 3, 1, 1))
        .constant("half", Tensor.ofFloats(new long[0], 0.5))
        .constant("w1", random(r, 48, 5)).constant("s1", positive(r, 5))
        .constant("w2", random(r, 5, 2)).constant("b2", random(r, 2))
        .node(node("c", new Op.Conv(new long[] {3, 3}, one, one, one, one, 1, null), List.of("x", "k"), "y"),
            f(Shape.batched(3, 4, 4)))
        .node(node("scale", new Op.Binary(Op.BinaryKind.MUL), List.of("y", "cs"), "ys"), f(Shape.batched(3, 4, 4)))
        .node(node("shift", new Op.Binary(Op.BinaryKind.ADD), List.of("half", "ys"), "yh"), f(Shape.batched(3, 4, 4)))
        .node(node("t", new Op.Tanh(null), List.of("yh"), "yt"), f(Shape.batched(3, 4, 4)))
        .node(node("nhwc", new Op.Transpose(new int[] {0, 2, 3, 1}), List.of("yt"), "yl"), f(Shape.batched(4, 4, 3)))
        .node(node("flat", new Op.Reshape(), List.of("yl"), "fl"), f(Shape.batched(48)))
        .node(node("d1", new Op.Dense(null), List.of("fl", "w1"), "z"), f(Shape.batched(5)))
        .node(node("s", new Op.Binary(Op.BinaryKind.MUL), List.of("z", "s1"), "zs"), f(Shape.batched(5)))
        .node(node("r", new Op.Relu(), List.of("zs"), "h"), f(Shape.batched(5)))
        .node(node("d2", new Op.Dense(null), List.of("h", "w2", "b2"), "out"), f(Shape.batched(2)))
        .output("out").build();
  }

  /** The graph with the layer's mask tensor multiplied by {@code m} (one factor per unit) before anything reads it. */
  static Graph masked(Graph g, PrunableLayer l, double[] m) {
    int rank = g.type(l.maskTensor()).shape().rank();
    long[] shape = new long[rank - l.maskAxis()];
    java.util.Arrays.fill(shape, 1);
    shape[0] = m.length;
    Graph.Builder b = g.toBuilder();
    String c = GraphEdit.addConstant(b, "mask_values", Tensor.ofFloats(shape, m.clone()));
    String out = GraphEdit.freshName(b, "masked");
    GraphEdit.replaceUses(b, l.maskTensor(), out);
    Node p = GraphEdit.producer(b, l.maskTensor());
    b.nodes().add(b.nodes().indexOf(p) + 1, new Node("mask", new Op.Binary(Op.BinaryKind.MUL),
        List.of(l.maskTensor(), c), List.of(out)));
    b.type(out, g.type(l.maskTensor()));
    return b.build();
  }
}
