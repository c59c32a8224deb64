package dev.tessera.passes.quant.zeroshot;

import dev.tessera.ir.Dim;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.grad.Backprop;
import dev.tessera.ir.grad.Loss;
import dev.tessera.ir.grad.Losses;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Zero-shot calibration data after ZeroQ (Cai et al., CVPR 2020) and Q-ASR (Kim et al., ICASSP 2022): inputs drawn
 * from a standard normal distribution and then moved by gradient descent (Adam) until, at every BatchNorm node, the
 * per-channel mean and standard deviation of the node's input over the batch match the running mean and variance
 * the model stores ({@link Losses#bnStatistics}, the gradient carried to the inputs by {@link Backprop}). Batches are
 * distilled one after the other, each matching the statistics on its own. Works on the float graph as imported,
 * before BatchNorm folding; reproducible for a seed.
 */
public final class ZeroShotCalibration {

  /**
   * Options of the distillation.
   *
   * @param samples number of inputs to make
   * @param batch samples distilled together (their statistics are matched as one batch)
   * @param iterations Adam steps per batch
   * @param learningRate Adam's step size
   * @param seed seed of the normal start values
   */
  public record Options(int samples, int batch, int iterations, double learningRate, long seed) {
    public Options {
      if (samples < 2 || batch < 2 || iterations < 1 || !(learningRate > 0)) {
        throw new IllegalArgumentException("zero-shot calibration needs at least 2 samples and batches of at least 2 "
            + "(BatchNorm statistics over one sample are degenerate), at least one iteration and a positive "
            + "learning rate; got samples " + samples + ", batch " + batch + ", iterations " + iterations
            + ", learning rate " + learningRate);
      }
    }

    /** 500 Adam steps of size 0.05 on batches of up to 256, seed 1. */
    public static Options of(int samples) {
      return new Options(samples, Math.max(2, Math.min(256, samples)), 500, 0.05, 1);
    }

    public Options withSeed(long s) {
      return new Options(samples, batch, iterations, learningRate, s);
    }

    public Options withIterations(int n) {
      return new Options(samples, batch, n, learningRate, seed);
    }
  }

  /**
   * The distilled inputs and how well they match.
   *
   * @param inputs one array per graph input, batch on axis 0
   * @param initialLoss the statistics loss of the normal start values (mean over batches)
   * @param finalLoss the loss after distillation (mean over batches)
   */
  public record Result(Map<String, NdArray> inputs, double initialLoss, double finalLoss) {}

  private ZeroShotCalibration() {}

  /** Distills {@code o.samples()} inputs for the BatchNorm graph {@code g}. */
  public static Result generate(Graph g, Options o, Consumer<String> progress) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (String in : g.inputs()) {
      Shape s = g.type(in).shape();
      if (s.rank() == 0) {
        throw new IllegalArgumentException("input '" + in + "' is a scalar; zero-shot calibration needs a batch axis");
      }
      for (Dim d : s.dropFirst().dims()) {
        if (d.isSymbolic()) {
          throw new IllegalArgumentException("input '" + in + "' has shape " + s + "; only the batch may be symbolic");
        }
      }
      shapes.put(in, s.dropFirst().sizes());
    }
    Random rnd = new Random(o.seed());
    FloatInterpreter fi = new FloatInterpreter(g);
    Map<String, List<double[]>> parts = new LinkedHashMap<>();
    shapes.keySet().forEach(k -> parts.put(k, new ArrayList<>()));
    double first = 0;
    double last = 0;
    int batches = 0;
    for (int done = 0; done < o.samples(); done += o.batch()) {
      int b = Math.min(o.batch(), o.samples() - done);
      if (b < 2) {
        b = 2; // a last batch of one sample has no statistics; distil two and keep one
      }
      Map<String, NdArray> x = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        long[] shape = batchShape(b, e.getValue());
        double[] v = new double[(int) dev.tessera.ir.Tensor.count(shape)];
        for (int i = 0; i < v.length; i++) {
          v[i] = rnd.nextGaussian();
        }
        x.put(e.getKey(), new NdArray(shape, v));
      }
      double[] losses = distil(g, fi, x, o);
      first += losses[0];
      last += losses[1];
      batches++;
      int keep = Math.min(b, o.samples() - done);
      for (Map.Entry<String, NdArray> e : x.entrySet()) {
        double[] d = e.getValue().data();
        int per = d.length / b;
        double[] kept = new double[keep * per];
        System.arraycopy(d, 0, kept, 0, kept.length);
        parts.get(e.getKey()).add(kept);
      }
      progress.accept(String.format(Locale.ROOT, "zero-shot batch %d: %d samples, statistics loss %.4g -> %.4g",
          batches, keep, losses[0], losses[1]));
    }
    Map<String, NdArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      int total = 0;
      for (double[] p : parts.get(e.getKey())) {
        total += p.length;
      }
      double[] all = new double[total];
      int at = 0;
      for (double[] p : parts.get(e.getKey())) {
        System.arraycopy(p, 0, all, at, p.length);
        at += p.length;
      }
      out.put(e.getKey(), new NdArray(batchShape(o.samples(), e.getValue()), all));
    }
    return new Result(out, first / batches, last / batches);
  }

  private static long[] batchShape(int n, long[] sample) {
    long[] s = new long[sample.length + 1];
    s[0] = n;
    System.arraycopy(sample, 0, s, 1, sample.length);
    return s;
  }

  /** Adam on the inputs in place; returns the loss before and after. */
  private static double[] distil(Graph g, FloatInterpreter fi, Map<String, NdArray> x, Options o) {
    final double beta1 = 0.9;
    final double beta2 = 0.999;
    final double eps = 1e-8;
    Map<String, double[]> m = new LinkedHashMap<>();
    Map<String, double[]> v = new LinkedHashMap<>();
    x.forEach((k, a) -> {
      m.put(k, new double[a.size()]);
      v.put(k, new double[a.size()]);
    });
    double initial = Double.NaN;
    double loss = Double.NaN;
    for (int t = 1; t <= o.iterations() + 1; t++) {
      Map<String, NdArray> acts = fi.runAll(x);
      Loss l = Losses.bnStatistics(g, acts);
      loss = l.value();
      if (t == 1) {
        initial = loss;
      }
      if (t > o.iterations()) {
        break;
      }
      Map<String, NdArray> grads = Backprop.backward(g, acts, l.seeds());
      double c1 = 1 - Math.pow(beta1, t);
      double c2 = 1 - Math.pow(beta2, t);
      for (Map.Entry<String, NdArray> e : x.entrySet()) {
        double[] p = e.getValue().data();
        double[] gr = grads.get(e.getKey()).data();
        double[] mm = m.get(e.getKey());
        double[] vv = v.get(e.getKey());
        for (int i = 0; i < p.length; i++) {
          mm[i] = beta1 * mm[i] + (1 - beta1) * gr[i];
          vv[i] = beta2 * vv[i] + (1 - beta2) * gr[i] * gr[i];
          p[i] -= o.learningRate() * (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + eps);
        }
      }
    }
    return new double[] {initial, loss};
  }
}
