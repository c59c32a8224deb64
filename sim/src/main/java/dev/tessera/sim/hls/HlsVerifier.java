package dev.tessera.sim.hls;

import dev.tessera.backend.hls.ProjectDescriptor;
import dev.tessera.backend.hls.ProjectDescriptor.PortDescriptor;
import dev.tessera.backend.hls.RawVectors;
import dev.tessera.backend.hls.ReferenceOutputs;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphFingerprint;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.NdArray;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Verifies a generated HLS project bit for bit: compiles it once with g++ ({@code -O2 -std=c++17}, Tessera's own
 * fixed-point header), runs its test bench on N vectors and compares every output bit with the
 * {@link FixedInterpreter} of the graph the project was generated from.
 */
public final class HlsVerifier {

  /** Vectors the reference computes and compares at a time. */
  private static final int CHUNK = 512;

  /** Mismatches described in the result. */
  private static final int REPORTED = 10;

  private HlsVerifier() {
  }

  /**
   * What to run.
   *
   * @param vectors number of random vectors (ignored when {@code inputs} are given)
   * @param seed seed of the random vectors
   * @param inputs raw input vectors ({@code [vector][input port][element]}), or null for random ones
   * @param runLimit time limit of the test bench run
   * @param keepWorkDir keep the build folder (its path is in the result) instead of deleting it
   */
  public record Options(int vectors, long seed, List<BigInteger[][]> inputs, Duration runLimit,
      boolean keepWorkDir) {

    public Options {
      if (inputs == null && vectors < 1) {
        throw new IllegalArgumentException("number of vectors " + vectors + " must be at least 1");
      }
      inputs = inputs == null ? null : List.copyOf(inputs);
    }

    /** 1000 random vectors, seed 1. */
    public static Options defaults() {
      return new Options(1000, 1L, null, Duration.ofMinutes(30), false);
    }

    public Options withVectors(int n) {
      return new Options(n, seed, inputs, runLimit, keepWorkDir);
    }

    public Options withSeed(long s) {
      return new Options(vectors, s, inputs, runLimit, keepWorkDir);
    }

    public Options withInputs(List<BigInteger[][]> in) {
      return new Options(vectors, seed, in, runLimit, keepWorkDir);
    }
  }

  /**
   * The outcome of a verification.
   *
   * @param vectors number of vectors run
   * @param mismatches number of output elements that differ from the interpreter
   * @param mismatchedVectors number of vectors with at least one differing element
   * @param maxLsbDiff the largest difference of a raw output value, in LSBs of its type
   * @param compileTime g++ wall time
   * @param runTime test bench wall time
   * @param referenceTime interpreter wall time
   * @param examples descriptions of the first mismatches
   * @param workDir the build folder if kept, else null
   */
  public record Result(int vectors, long mismatches, int mismatchedVectors, BigInteger maxLsbDiff,
      Duration compileTime, Duration runTime, Duration referenceTime, List<String> examples, Path workDir) {

    public boolean passed() {
      return mismatches == 0;
    }

    /** One line: vectors, mismatches, largest difference and times. */
    public String summary() {
      return String.format(java.util.Locale.ROOT, "%d vectors, %d mismatches (%d vectors), max difference %s LSB; "
          + "g++ %.1f s, run %.2f s, reference %.2f s", vectors, mismatches, mismatchedVectors, maxLsbDiff,
          compileTime.toMillis() / 1000.0, runTime.toMillis() / 1000.0, referenceTime.toMillis() / 1000.0);
    }
  }

  /** Whether {@code dir} is a generated HLS project. */
  public static boolean isHlsProject(Path dir) {
    if (!ProjectDescriptor.isProject(dir)) {
      return false;
    }
    try {
      return ProjectDescriptor.KIND.equals(ProjectDescriptor.read(dir).kind());
    } catch (TesseraException e) {
      return false;
    }
  }

  /** Verifies the project in {@code projectDir}, generated from {@code quantizedGraph}. */
  public static Result verify(Path projectDir, Graph quantizedGraph, Options opts) throws IOException {
    ProjectDescriptor d = ProjectDescriptor.read(projectDir);
    String fp = GraphFingerprint.of(quantizedGraph);
    if (!fp.equals(d.graphFingerprint())) {
      throw new TesseraException("project '" + projectDir + "' was generated from another graph than the one given"
          + " (fingerprint " + shortFp(d.graphFingerprint()) + ", given " + shortFp(fp) + "); rebuild it or pass the"
          + " same model, config and precision");
    }
    List<FixedType> inTypes = new ArrayList<>();
    List<Long> inSizes = new ArrayList<>();
    for (PortDescriptor p : d.inputs()) {
      inTypes.add(p.fixedType());
      inSizes.add(p.size());
    }
    List<Long> outSizes = new ArrayList<>();
    for (PortDescriptor p : d.outputs()) {
      outSizes.add(p.size());
    }
    if (opts.inputs() != null) {
      for (int v = 0; v < opts.inputs().size(); v++) {
        checkVector(opts.inputs().get(v), inSizes, v);
      }
    }
    int count = opts.inputs() != null ? opts.inputs().size() : opts.vectors();
    Supplier<Iterator<BigInteger[][]>> source = opts.inputs() != null ? () -> opts.inputs().iterator()
        : () -> randomVectors(inTypes, inSizes, count, opts.seed());

    Path work = Files.createTempDirectory("tessera-verify-");
    try {
      Path exe = work.resolve(d.top() + "_csim");
      Duration compile = CppCompiler.compile(List.of(projectDir.resolve("firmware/" + d.top() + ".cpp"),
          projectDir.resolve("tb/" + d.top() + "_test.cpp")), List.of(), List.of("-DTESSERA_FORCE_OWN_FIXED"), exe);
      Path in = work.resolve("inputs.dat");
      Path out = work.resolve("outputs.dat");
      try (BufferedWriter w = Files.newBufferedWriter(in, StandardCharsets.US_ASCII)) {
        Iterator<BigInteger[][]> it = source.get();
        while (it.hasNext()) {
          w.write(RawVectors.line(it.next()));
          w.write('\n');
        }
      }
      Duration run = CppCompiler.run(exe, List.of(in.toString(), out.toString()), work, opts.runLimit());
      Result r = compare(quantizedGraph, source.get(), out, outSizes, d, count, compile, run);
      if (opts.keepWorkDir()) {
        return new Result(r.vectors(), r.mismatches(), r.mismatchedVectors(), r.maxLsbDiff(), r.compileTime(),
            r.runTime(), r.referenceTime(), r.examples(), work);
      }
      return r;
    } finally {
      if (!opts.keepWorkDir()) {
        deleteTree(work);
      }
    }
  }

  private static Result compare(Graph g, Iterator<BigInteger[][]> inputs, Path outFile, List<Long> outSizes,
      ProjectDescriptor d, int count, Duration compile, Duration run) throws IOException {
    ReferenceOutputs ref = new ReferenceOutputs(g);
    long mismatches = 0;
    int badVectors = 0;
    BigInteger maxDiff = BigInteger.ZERO;
    List<String> examples = new ArrayList<>();
    long refNanos = 0;
    int v = 0;
    try (BufferedReader r = Files.newBufferedReader(outFile, StandardCharsets.US_ASCII)) {
      while (inputs.hasNext()) {
        List<BigInteger[][]> chunk = new ArrayList<>(CHUNK);
        while (inputs.hasNext() && chunk.size() < CHUNK) {
          chunk.add(inputs.next());
        }
        long t0 = System.nanoTime();
        List<BigInteger[][]> want = ref.run(chunk);
        refNanos += System.nanoTime() - t0;
        for (BigInteger[][] expected : want) {
          String line = r.readLine();
          if (line == null) {
            throw new TesseraException("the test bench wrote " + v + " output lines for " + count + " vectors");
          }
          BigInteger[][] got = RawVectors.parse(line, outSizes, "outputs.dat line " + (v + 1));
          boolean bad = false;
          for (int p = 0; p < expected.length; p++) {
            for (int i = 0; i < expected[p].length; i++) {
              BigInteger diff = got[p][i].subtract(expected[p][i]).abs();
              if (diff.signum() != 0) {
                mismatches++;
                bad = true;
                maxDiff = maxDiff.max(diff);
                if (examples.size() < REPORTED) {
                  examples.add("vector " + v + ", output '" + d.outputs().get(p).tensor() + "' element " + i
                      + ": C++ raw " + got[p][i] + ", interpreter raw " + expected[p][i]);
                }
              }
            }
          }
          badVectors += bad ? 1 : 0;
          v++;
        }
      }
      if (r.readLine() != null) {
        throw new TesseraException("the test bench wrote more output lines than the " + count + " vectors");
      }
    }
    return new Result(v, mismatches, badVectors, maxDiff, compile, run, Duration.ofNanos(refNanos),
        List.copyOf(examples), null);
  }

  /** Quantizes float inputs (one array per graph input, batch on axis 0) into raw vectors with the input types. */
  public static List<BigInteger[][]> quantizeInputs(Graph quantizedGraph, Map<String, NdArray> floats) {
    Map<String, FixedArray> q = new FixedInterpreter(quantizedGraph).quantizeInputs(floats);
    int ports = quantizedGraph.inputs().size();
    long n = -1;
    for (String in : quantizedGraph.inputs()) {
      long rows = q.get(in).shape().length == 0 ? 1 : q.get(in).shape()[0];
      if (n >= 0 && rows != n) {
        throw new TesseraException("the inputs hold different numbers of vectors (" + n + " and " + rows + ")");
      }
      n = rows;
    }
    List<BigInteger[][]> out = new ArrayList<>();
    for (int v = 0; v < n; v++) {
      BigInteger[][] vec = new BigInteger[ports][];
      for (int p = 0; p < ports; p++) {
        BigInteger[] raw = q.get(quantizedGraph.inputs().get(p)).raw();
        int per = (int) (raw.length / n);
        vec[p] = java.util.Arrays.copyOfRange(raw, v * per, (v + 1) * per);
      }
      out.add(vec);
    }
    return out;
  }

  private static void checkVector(BigInteger[][] v, List<Long> sizes, int index) {
    if (v.length != sizes.size()) {
      throw new TesseraException("input vector " + index + " has " + v.length + " ports, the project has "
          + sizes.size());
    }
    for (int p = 0; p < v.length; p++) {
      if (v[p].length != sizes.get(p)) {
        throw new TesseraException("input vector " + index + " port " + p + " has " + v[p].length
            + " values, the project expects " + sizes.get(p));
      }
    }
  }

  private static Iterator<BigInteger[][]> randomVectors(List<FixedType> types, List<Long> sizes, int count,
      long seed) {
    Random rng = new Random(seed);
    return new Iterator<>() {
      private int made;

      @Override
      public boolean hasNext() {
        return made < count;
      }

      @Override
      public BigInteger[][] next() {
        made++;
        BigInteger[][] ports = new BigInteger[types.size()][];
        for (int p = 0; p < types.size(); p++) {
          BigInteger[] a = new BigInteger[Math.toIntExact(sizes.get(p))];
          for (int i = 0; i < a.length; i++) {
            a[i] = RawVectors.random(types.get(p), rng);
          }
          ports[p] = a;
        }
        return ports;
      }
    };
  }

  private static String shortFp(String fp) {
    return fp == null ? "none" : fp.substring(0, Math.min(12, fp.length()));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
