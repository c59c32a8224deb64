package dev.tessera.cli;

import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera bench}: the throughput of {@code predict}'s engines in samples per second, measured inside one JVM
 * after a warm-up, so JVM start, model import and file I/O are not counted.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Measures the throughput of the float and the bit-exact fixed-point interpreters on MODEL in samples per "
            + "second (what predict spends per sample), excluding JVM start, import and file I/O.",
        "Samples come from --input (repeated to --samples) or are drawn from a standard normal distribution."})
final class BenchCommand implements Callable<Integer> {

  /** Which engines to measure. */
  enum Engine { FLOAT, FIXED, BOTH }

  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (.onnx).")
  private Path model;

  @Option(names = "--samples", paramLabel = "N", defaultValue = "100000",
      description = "Samples per timed run. Default: ${DEFAULT-VALUE}.")
  private int samples;

  @Option(names = {"-i", "--input"}, paramLabel = "X",
      description = "Take the samples from this file (.npy, .csv, .dat, .txt), cycling through it.")
  private Path input;

  @Option(names = "--engine", paramLabel = "E", defaultValue = "both",
      description = "float, fixed or both (default).")
  private Engine engine;

  @Mixin
  private PrecisionOptions precision;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "1024",
      description = "Samples per interpreter run. Default: ${DEFAULT-VALUE}.")
  private int batch;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "20000",
      description = "Samples run once before timing (JIT warm-up). Default: ${DEFAULT-VALUE}.")
  private int warmup;

  @Option(names = "--repeat", paramLabel = "R", defaultValue = "3",
      description = "Timed runs per engine; the fastest counts (the others are disturbed by the JIT, the garbage "
          + "collector and other processes). Default: ${DEFAULT-VALUE}.")
  private int repeat;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "Seed of the random samples. Default: ${DEFAULT-VALUE}.")
  private long seed;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (samples < 1) {
      throw new UserException("--samples must be at least 1, got " + samples);
    }
    if (repeat < 1) {
      throw new UserException("--repeat must be at least 1, got " + repeat);
    }
    if (warmup < 0) {
      throw new UserException("--warmup must not be negative, got " + warmup);
    }
    if (engine != Engine.FLOAT) {
      precision.precisionConfig();
    }
    PrintWriter out = spec.commandLine().getOut();
    Graph graph = ModelFiles.load(model);
    if (graph.inputs().size() != 1) {
      throw new UserException("bench takes models with one input; this one has " + graph.inputs());
    }
    String in = graph.inputs().get(0);
    long[] sample = Samples.sampleShape(graph, in);
    NdArray source = input == null ? null : Samples.fit(graph, in, InputFiles.readArray(input, "input"),
        "input '" + input + "'");
    NdArray timed = samplesOf(source, sample, samples, seed);
    NdArray warm = samplesOf(source, sample, Math.max(1, warmup), seed + 1);
    out.printf(Locale.ROOT, "bench %s: %,d samples per run, best of %d, batch %d, 1 thread, %s%n",
        model.getFileName(), samples, repeat, batch,
        input == null ? "random normal inputs" : "inputs from " + input);
    if (engine != Engine.FIXED) {
      measure(out, "float", BatchRunner.floating(graph, batch), in, warm, timed);
    }
    if (engine != Engine.FLOAT) {
      long t0 = System.nanoTime();
      Graph fixed = precision.lower(graph, spec.commandLine().getErr());
      double lowerSeconds = (System.nanoTime() - t0) / 1e9;
      measure(out, precision.describe(), BatchRunner.fixed(fixed, batch), in, warm, timed);
      out.printf(Locale.ROOT, "  (hardware pipeline took %.3f s, not counted)%n", lowerSeconds);
    }
    out.flush();
    return Main.OK;
  }

  private void measure(PrintWriter out, String label, BatchRunner runner, String in, NdArray warm,
      NdArray timed) {
    if (warmup > 0) {
      runner.run(Map.of(in, warm));
    }
    Map<String, NdArray> inputs = new LinkedHashMap<>();
    inputs.put(in, timed);
    double seconds = Double.MAX_VALUE;
    Map<String, NdArray> result = null;
    for (int r = 0; r < repeat; r++) {
      long t0 = System.nanoTime();
      result = runner.run(inputs);
      seconds = Math.min(seconds, (System.nanoTime() - t0) / 1e9);
    }
    // read the result so the run cannot be optimised away, and report a checksum for reproducibility
    double sum = 0;
    for (NdArray a : result.values()) {
      for (double v : a.data()) {
        sum += v;
      }
    }
    out.printf(Locale.ROOT, "%-24s %9.3f s %,14.0f samples/s   (output sum %.6g)%n", label, seconds,
        timed.dim(0) / seconds, sum);
    out.flush();
  }

  /** {@code n} samples: the rows of {@code source} repeated, or standard normal values. */
  private static NdArray samplesOf(NdArray source, long[] sample, int n, long seed) {
    long per = 1;
    for (long s : sample) {
      per *= s;
    }
    double[] d = new double[Math.toIntExact(per * n)];
    if (source == null) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < d.length; i++) {
        d[i] = gaussian(r);
      }
    } else {
      double[] s = source.data();
      for (int i = 0; i < d.length; i++) {
        d[i] = s[i % s.length];
      }
    }
    long[] shape = new long[sample.length + 1];
    shape[0] = n;
    System.arraycopy(sample, 0, shape, 1, sample.length);
    return new NdArray(shape, d);
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller; one value per call is enough here
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
