package dev.tessera.ir.interp;

import static dev.tessera.ir.interp.FloatTestGraphs.constant;
import static dev.tessera.ir.interp.FloatTestGraphs.f;
import static dev.tessera.ir.interp.FloatTestGraphs.fb;
import static dev.tessera.ir.interp.FloatTestGraphs.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hls4ml jet tagger topology (16 -> 64 -> 32 -> 32 -> 5, ReLU, softmax; 4,389 parameters) in batch mode:
 * checked against a direct evaluation and timed. The default run asserts a floor that a loaded CI machine clears;
 * {@code -Dtessera.benchmark=true} asserts the target of 50,000 samples/s.
 */
class FloatThroughputTest {

  private static final int[] WIDTHS = {16, 64, 32, 32, 5};

  /** The jet tagger; with {@code quantized}, QONNX Quant nodes on the weights and after every ReLU. */
  static Graph jetTagger(long seed, boolean quantized) {
    Random r = new Random(seed);
    Graph.Builder b = Graph.builder("jet").input("x", fb(16));
    if (quantized) {
      b.constant("ws", constant(s(), 1.0 / 32)).constant("as", constant(s(), 1.0 / 64))
          .constant("z", constant(s(), 0)).constant("bits", constant(s(), 6));
    }
    String h = "x";
    for (int l = 0; l < 4; l++) {
      int in = WIDTHS[l];
      int out = WIDTHS[l + 1];
      double[] w = new double[in * out];
      for (int i = 0; i < w.length; i++) {
        w[i] = r.nextGaussian() / Math.sqrt(in);
      }
      double[] bias = new double[out];
      for (int i = 0; i < out; i++) {
        bias[i] = 0.1 * r.nextGaussian();
      }
      b.constant("W" + l, constant(s(in, out), w)).constant("b" + l, constant(s(out), bias));
      String wName = "W" + l;
      if (quantized) {
        b.node(new Node("qw" + l, new Op.Quant(true, false, "ROUND"), List.of(wName, "ws", "z", "bits"),
            List.of("Wq" + l)), f(in, out));
        wName = "Wq" + l;
      }
      b.node(new Node("dense" + l, new Op.Dense(null), List.of(h, wName, "b" + l), List.of("d" + l)), fb(out));
      h = "d" + l;
      if (l < 3) {
        b.node(new Node("relu" + l, new Op.Relu(), List.of(h), List.of("r" + l)), fb(out));
        h = "r" + l;
        if (quantized) {
          b.node(new Node("qa" + l, new Op.Quant(false, false, "ROUND"), List.of(h, "as", "z", "bits"),
              List.of("q" + l)), fb(out));
          h = "q" + l;
        }
      }
    }
    b.node(new Node("softmax", new Op.Softmax(1, null, null, null), List.of(h), List.of("y")), fb(5));
    return b.output("y").build();
  }

  static NdArray inputs(int n, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n * 16];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    return new NdArray(s(n, 16), v);
  }

  @Test
  void jetTaggerHasTheReferenceParameterCountAndMatchesDirectEvaluation() {
    Graph g = jetTagger(1, false);
    long params = g.constants().values().stream().mapToLong(t -> t.size()).sum();
    assertEquals(4389, params);
    NdArray x = inputs(3, 2);
    double[] y = new FloatInterpreter(g).run(Map.of("x", x)).get("y").data();
    for (int n = 0; n < 3; n++) {
      double[] h = new double[16];
      System.arraycopy(x.data(), n * 16, h, 0, 16);
      for (int l = 0; l < 4; l++) {
        double[] w = g.constant("W" + l).values();
        double[] b = g.constant("b" + l).values();
        double[] o = new double[WIDTHS[l + 1]];
        for (int j = 0; j < o.length; j++) {
          double acc = b[j];
          for (int i = 0; i < h.length; i++) {
            acc += h[i] * w[i * o.length + j];
          }
          o[j] = l < 3 ? Math.max(0, acc) : acc;
        }
        h = o;
      }
      double sum = 0;
      for (double v : h) {
        sum += Math.exp(v);
      }
      for (int j = 0; j < 5; j++) {
        assertEquals(Math.exp(h[j]) / sum, y[n * 5 + j], 1e-14);
      }
    }
  }

  @Test
  void jetTaggerThroughput() {
    double floor = Boolean.getBoolean("tessera.benchmark") ? 50_000 : 10_000;
    for (boolean quantized : new boolean[] {false, true}) {
      FloatInterpreter fi = new FloatInterpreter(jetTagger(3, quantized));
      Map<String, NdArray> in = Map.of("x", inputs(1000, 4));
      for (int i = 0; i < 40; i++) {
        fi.run(in);
      }
      long t0 = System.nanoTime();
      int samples = 0;
      while (System.nanoTime() - t0 < 500_000_000L) {
        fi.run(in);
        samples += 1000;
      }
      double perSecond = samples / ((System.nanoTime() - t0) / 1e9);
      System.out.printf("float interpreter, jet tagger%s, batch 1000, 1 thread: %.0f samples/s%n",
          quantized ? " with QONNX Quant" : "", perSecond);
      assertTrue(perSecond > floor, "throughput " + perSecond + " samples/s is below " + floor);
    }
  }
}
