package dev.tessera.passes.estimate;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Random;

/** Small quantized graphs for the estimator tests. */
final class QuantGraphs {
  private QuantGraphs() {}

  static TensorType vector(FixedType t, long n) {
    return new TensorType(t, Shape.batched(n));
  }

  /** x[in] → Dense with the given raw weights ([in][out] row-major) and optional raw bias. */
  static Graph dense(FixedType tx, FixedType tw, FixedType ty, int in, int out, long[] w, long[] b) {
    Graph.Builder g = Graph.builder("dense").input("x", vector(tx, in))
        .constant("w", Tensor.ofRaw(tw, new long[] {in, out}, w));
    List<String> ins = b == null ? List.of("x", "w") : List.of("x", "w", "b");
    if (b != null) {
      g.constant("b", Tensor.ofRaw(tw, new long[] {out}, b));
    }
    return g.node(new Node("dense", new Op.Dense(null), ins, List.of("y")), vector(ty, out)).output("y").build();
  }

  /** Random raw weights of a {@code width}-bit signed type quantized from U(-1, 1) values. */
  static long[] weights(FixedType t, int n, long seed) {
    Random r = new Random(seed);
    long[] w = new long[n];
    for (int i = 0; i < n; i++) {
      w[i] = t.fromDouble(2 * r.nextDouble() - 1).longValue();
    }
    return w;
  }

  /** A jet-tagger-shaped MLP 16 → 64 → 32 → 32 → 5 with Relu and Softmax, all tensors of type t. */
  static Graph mlp(FixedType t, long seed) {
    int[] sizes = {16, 64, 32, 32, 5};
    Graph.Builder g = Graph.builder("mlp").input("x", vector(t, 16));
    String prev = "x";
    for (int l = 0; l < 4; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      g.constant("w" + l, Tensor.ofRaw(t, new long[] {in, out}, weights(t, in * out, seed + l)));
      g.constant("b" + l, Tensor.ofRaw(t, new long[] {out}, weights(t, out, seed + 10 + l)));
      g.node(new Node("dense" + l, new Op.Dense(null), List.of(prev, "w" + l, "b" + l), List.of("h" + l)),
          vector(t, out));
      prev = "h" + l;
      if (l < 3) {
        g.node(new Node("relu" + l, new Op.Relu(), List.of(prev), List.of("a" + l)), vector(t, out));
        prev = "a" + l;
      }
    }
    g.node(new Node("softmax", new Op.Softmax(1, dev.tessera.ir.op.SoftmaxMode.STABLE, null, null), List.of(prev),
        List.of("y")), vector(t, 5));
    return g.output("y").build();
  }
}
