package dev.tessera.ir.grad;

import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import java.util.List;
import java.util.Random;

/** Small end-to-end models for gradient tests. */
final class Models {
  private Models() {}

  /** x[4,16] → Dense 8 → BatchNorm → Relu → Dense 5 → Softmax. */
  static TinyGraph mlp(long seed) {
    Random r = new Random(seed);
    return new TinyGraph().batchedInput("x", Rand.uniform(r, -1, 1, 4, 16))
        .constant("w1", Rand.uniform(r, -0.5, 0.5, 16, 8)).constant("b1", Rand.uniform(r, -0.2, 0.2, 8))
        .constant("g", Rand.uniform(r, 0.5, 1.5, 8)).constant("beta", Rand.uniform(r, -0.3, 0.3, 8))
        .constant("mean", Rand.uniform(r, -0.2, 0.2, 8)).constant("var", Rand.uniform(r, 0.5, 1.5, 8))
        .constant("w2", Rand.uniform(r, -0.5, 0.5, 8, 5)).constant("b2", Rand.uniform(r, -0.2, 0.2, 5))
        .node("dense1", new Op.Dense(null), List.of("x", "w1", "b1"), "h1", 2)
        .node("bn1", new Op.BatchNorm(1e-3), List.of("h1", "g", "beta", "mean", "var"), "h2", 2)
        .node("relu1", new Op.Relu(), List.of("h2"), "h3", 2)
        .node("dense2", new Op.Dense(null), List.of("h3", "w2", "b2"), "logits", 2)
        .node("softmax", new Op.Softmax(1, SoftmaxMode.STABLE, null, null), List.of("logits"), "probs", 2)
        .output("probs");
  }

  /** x[2,1,8,8] → Conv 3 → Relu → MaxPool 2 → Conv 4 → Tanh → GlobalAveragePool → Reshape → Dense 3 → Softmax. */
  static TinyGraph cnn(long seed) {
    Random r = new Random(seed);
    Op.Conv c1 = new Op.Conv(new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1},
        new long[] {1, 1}, 1, null);
    Op.Conv c2 = new Op.Conv(new long[] {3, 3}, new long[] {1, 1}, new long[] {0, 0}, new long[] {0, 0},
        new long[] {1, 1}, 1, null);
    Op.MaxPool mp = new Op.MaxPool(new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0}, new long[] {0, 0},
        null);
    return new TinyGraph().batchedInput("x", Rand.uniform(r, -1, 1, 2, 1, 8, 8))
        .constant("k1", Rand.uniform(r, -0.6, 0.6, 3, 1, 3, 3)).constant("c1b", Rand.uniform(r, -0.1, 0.1, 3))
        .constant("k2", Rand.uniform(r, -0.4, 0.4, 4, 3, 3, 3)).constant("c2b", Rand.uniform(r, -0.1, 0.1, 4))
        .constant("w", Rand.uniform(r, -1, 1, 4, 3)).constant("b", Rand.uniform(r, -0.1, 0.1, 3))
        .node("conv1", c1, List.of("x", "k1", "c1b"), "a1", 4)
        .node("relu1", new Op.Relu(), List.of("a1"), "a2", 4)
        .node("pool1", mp, List.of("a2"), "a3", 4)
        .node("conv2", c2, List.of("a3", "k2", "c2b"), "a4", 4)
        .node("tanh2", new Op.Tanh(null), List.of("a4"), "a5", 4)
        .node("gap", new Op.GlobalAveragePool(), List.of("a5"), "a6", 4)
        .node("flat", new Op.Reshape(), List.of("a6"), "a7", Shape.batched(4))
        .node("dense", new Op.Dense(null), List.of("a7", "w", "b"), "logits", 2)
        .node("softmax", new Op.Softmax(1, SoftmaxMode.STABLE, null, null), List.of("logits"), "probs", 2)
        .output("probs");
  }
}
