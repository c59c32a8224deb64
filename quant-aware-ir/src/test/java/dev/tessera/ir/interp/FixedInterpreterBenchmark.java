package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Throughput of the fixed-point interpreter on a network shaped like the hls4ml jet tagger (16-64-32-32-5, ReLU,
 * Softmax) at fixed<16,6> with exact accumulators, single-threaded. Not a test: run its main method, it prints
 * samples per second for batches of 1 and of 10,000 samples.
 */
public final class FixedInterpreterBenchmark {

  private FixedInterpreterBenchmark() {}

  public static void main(String[] args) {
    FixedType t = FixedType.parse("fixed<16,6>");
    Random rnd = new Random(1);
    int[] sizes = {16, 64, 32, 32, 5};
    Graph.Builder b = Graph.builder("jets");
    b.input("x", new TensorType(t, Shape.batched(16)));
    String prev = "x";
    for (int l = 0; l < 4; l++) {
      long[] w = new long[sizes[l] * sizes[l + 1]];
      for (int i = 0; i < w.length; i++) {
        w[i] = t.fromDouble(rnd.nextGaussian() * 0.3).longValueExact();
      }
      long[] bias = new long[sizes[l + 1]];
      for (int i = 0; i < bias.length; i++) {
        bias[i] = t.fromDouble(rnd.nextGaussian() * 0.1).longValueExact();
      }
      b.constant("w" + l, Tensor.ofRaw(t, new long[] {sizes[l], sizes[l + 1]}, w));
      b.constant("b" + l, Tensor.ofRaw(t, new long[] {sizes[l + 1]}, bias));
      FixedType acc = FixedType.signed(40, 20);
      b.node(new Node("d" + l, new Op.Dense(acc), List.of(prev, "w" + l, "b" + l), List.of("h" + l)),
          new TensorType(t, Shape.batched(sizes[l + 1])));
      prev = "h" + l;
      if (l < 3) {
        b.node(new Node("r" + l, new Op.Relu(), List.of(prev), List.of("r" + l)),
            new TensorType(t, Shape.batched(sizes[l + 1])));
        prev = "r" + l;
      }
    }
    b.node(new Node("softmax", new Op.Softmax(1, SoftmaxMode.STABLE, null, null), List.of(prev), List.of("y")),
        new TensorType(t, Shape.batched(5)));
    b.output("y");
    FixedInterpreter fi = new FixedInterpreter(b.build());
    int n = 10_000;
    double[] x = new double[n * 16];
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.scalb(Math.floor(Math.scalb(rnd.nextDouble() * 2 - 1, 16)), -16);
    }
    NdArray all = new NdArray(new long[] {n, 16}, x);
    for (int rep = 0; rep < 5; rep++) {
      long t0 = System.nanoTime();
      fi.run(Map.of("x", all));
      double batched = n / ((System.nanoTime() - t0) / 1e9);
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        fi.run(Map.of("x", all.slice0(i, i + 1)));
      }
      double single = n / ((System.nanoTime() - t1) / 1e9);
      System.out.printf("batch of %d: %.0f samples/s; one sample per call: %.0f samples/s%n", n, batched, single);
    }
  }
}
