package dev.tessera.ir.grad;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * Compares {@link Backprop} with central finite differences in double precision. The scalar checked is
 * {@code L = Σ_o r_o · y_o} over the graph outputs with fixed random weights r, so every output element's gradient
 * is exercised.
 */
final class GradCheck {

  /** Bound on the relative error (norm-wise over a tensor, and per element against the tensor's largest entry). */
  static final double TOLERANCE = 1e-6;
  private static final double STEP = 1e-5;
  private static final int MAX_PROBES = 150;

  private GradCheck() {}

  /** Checks the gradients of all graph inputs and of the named constants; returns the worst relative error. */
  static double check(Graph g, Map<String, NdArray> inputs, List<String> constants, long seed) {
    Random rnd = new Random(seed);
    Map<String, NdArray> acts = new FloatInterpreter(g).runAll(inputs);
    Map<String, NdArray> seeds = new LinkedHashMap<>();
    for (String o : g.outputs()) {
      seeds.put(o, Rand.uniform(rnd, -1, 1, acts.get(o).shape()));
    }
    Map<String, NdArray> grads = Backprop.backward(g, acts, seeds, !constants.isEmpty());
    ToDoubleFunction<Graph> lossOfGraph = gg -> linear(new FloatInterpreter(gg).run(inputs), seeds);
    double worst = 0;
    for (String in : g.inputs()) {
      NdArray x = inputs.get(in);
      double[] fd = finiteDifferences(x, rnd, v -> {
        Map<String, NdArray> m = new LinkedHashMap<>(inputs);
        m.put(in, v);
        return linear(new FloatInterpreter(g).run(m), seeds);
      });
      worst = Math.max(worst, compare(in, grads.get(in), fd));
    }
    for (String c : constants) {
      Tensor t = g.constant(c);
      NdArray x = NdArray.of(t);
      double[] fd = finiteDifferences(x, rnd,
          v -> lossOfGraph.applyAsDouble(g.toBuilder().constant(c, Tensor.ofFloats(v.shape(), v.data())).build()));
      worst = Math.max(worst, compare(c, grads.get(c), fd));
    }
    return worst;
  }

  /** Checks a scalar function of one array against its claimed gradient; returns the worst relative error. */
  static double checkFunction(String what, NdArray x, NdArray gradient, ToDoubleFunction<NdArray> f, long seed) {
    return compare(what, gradient, finiteDifferences(x, new Random(seed), f));
  }

  static double linear(Map<String, NdArray> outputs, Map<String, NdArray> seeds) {
    double l = 0;
    for (Map.Entry<String, NdArray> e : seeds.entrySet()) {
      double[] y = outputs.get(e.getKey()).data();
      double[] r = e.getValue().data();
      for (int i = 0; i < y.length; i++) {
        l += r[i] * y[i];
      }
    }
    return l;
  }

  /** Central differences at a sample of elements (all when few); NaN marks unprobed elements. */
  static double[] finiteDifferences(NdArray x, Random rnd, ToDoubleFunction<NdArray> f) {
    double[] fd = new double[x.size()];
    java.util.Arrays.fill(fd, Double.NaN);
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      idx.add(i);
    }
    Collections.shuffle(idx, rnd);
    for (int k = 0; k < Math.min(MAX_PROBES, idx.size()); k++) {
      int i = idx.get(k);
      double h = STEP * Math.max(1, Math.abs(x.data()[i]));
      double[] plus = x.data().clone();
      plus[i] += h;
      double[] minus = x.data().clone();
      minus[i] -= h;
      double lp = f.applyAsDouble(new NdArray(x.shape(), plus));
      double lm = f.applyAsDouble(new NdArray(x.shape(), minus));
      fd[i] = (lp - lm) / (plus[i] - minus[i]);
    }
    return fd;
  }

  private static double compare(String what, NdArray analytic, double[] fd) {
    assertTrue(analytic != null, "no gradient for '" + what + "'");
    double[] a = analytic.data();
    assertTrue(a.length == fd.length, "gradient of '" + what + "' has " + a.length + " values, expected " + fd.length);
    double diff = 0;
    double na = 0;
    double nf = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      if (!Double.isNaN(fd[i])) {
        scale = Math.max(scale, Math.max(Math.abs(a[i]), Math.abs(fd[i])));
      }
    }
    double worstElement = 0;
    for (int i = 0; i < a.length; i++) {
      if (Double.isNaN(fd[i])) {
        continue;
      }
      double d = a[i] - fd[i];
      diff += d * d;
      na += a[i] * a[i];
      nf += fd[i] * fd[i];
      worstElement = Math.max(worstElement, Math.abs(d) / Math.max(scale, 1e-12));
    }
    double rel = Math.sqrt(diff) / Math.max(Math.max(Math.sqrt(na), Math.sqrt(nf)), 1e-12);
    assertTrue(scale > 0, "gradient of '" + what + "' is zero everywhere: the check would prove nothing");
    double worst = Math.max(rel, worstElement);
    assertTrue(worst < TOLERANCE, "gradient of '" + what + "': relative error " + worst + " (norm-wise " + rel
        + ", worst element " + worstElement + ")");
    return worst;
  }
}
