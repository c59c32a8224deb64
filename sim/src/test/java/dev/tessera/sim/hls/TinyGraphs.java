package dev.tessera.sim.hls;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Random;

/** Small quantized graphs with hand-set fixed-point types, one or two ops each, for kernel tests. */
final class TinyGraphs {

  private final Graph.Builder g;
  private final Random rng;
  private int counter;

  TinyGraphs(String name, long seed) {
    g = Graph.builder(name);
    rng = new Random(seed);
  }

  /** Adds an input with a symbolic batch axis and the given per-sample shape after it. */
  TinyGraphs input(String name, FixedType t, long... rest) {
    g.input(name, new TensorType(t, Shape.batched(rest)));
    return this;
  }

  /** A random constant of type {@code t}, raw values uniform in [-spread, spread] (clamped to the type). */
  String constant(String name, FixedType t, long spread, long... shape) {
    long n = Tensor.count(shape);
    long[] raw = new long[(int) n];
    long lo = Math.max(t.minRaw().longValueExact(), -spread);
    long hi = Math.min(t.maxRaw().longValueExact(), spread);
    for (int i = 0; i < raw.length; i++) {
      raw[i] = lo + (long) (rng.nextDouble() * (hi - lo + 1));
      if (rng.nextInt(8) == 0) {
        raw[i] = 0;
      }
    }
    g.constant(name, Tensor.ofRaw(t, shape, raw));
    return name;
  }

  /** Appends a node with one output of the given type and batched shape. */
  String node(Op op, List<String> inputs, FixedType t, long... rest) {
    String out = "t" + (++counter);
    g.node(new Node("n" + counter + "_" + op.kind().toLowerCase(java.util.Locale.ROOT), op, inputs, List.of(out)),
        new TensorType(t, Shape.batched(rest)));
    return out;
  }

  Graph output(String... tensors) {
    for (String t : tensors) {
      g.output(t);
    }
    return g.build();
  }
}
