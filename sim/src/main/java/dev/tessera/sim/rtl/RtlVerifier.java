package dev.tessera.sim.rtl;

import dev.tessera.backend.verilog.RtlProject;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphFingerprint;
import dev.tessera.ir.Shape;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.FixedInterpreter;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code tessera verify} for an RTL folder: lints every source with {@code verilator --lint-only -Wall}, builds the
 * AXI-Stream top with a generated C++ harness once, streams random vectors on the input grid (seeded) with random
 * input gaps and random output back-pressure, and compares every output bit with {@link FixedInterpreter}. The
 * latency measured in the calm phase must equal the documented one.
 */
public final class RtlVerifier {

  private static final int REPORTED = 10;

  private RtlVerifier() {}

  /**
   * What to run.
   *
   * @param vectors number of random vectors
   * @param seed seed of the vectors and of the stalls
   * @param gapPercent chance per cycle of an input gap
   * @param stallPercent chance per cycle of output back-pressure
   * @param jobs parallel compile jobs
   * @param keepWorkDir keep the build folder
   * @param inputs raw input vectors to stream instead of random ones (null: random on the input grid)
   */
  public record Options(int vectors, long seed, int gapPercent, int stallPercent, int jobs, boolean keepWorkDir,
      List<BigInteger[]> inputs) {
    public Options {
      if (vectors < 1) {
        throw new IllegalArgumentException("number of vectors " + vectors + " must be at least 1");
      }
      inputs = inputs == null ? null : List.copyOf(inputs);
    }

    /** 1000 vectors, seed 1, 20 % gaps, 30 % stalls, 2 jobs. */
    public static Options defaults() {
      return new Options(1000, 1L, 20, 30, 2, false, null);
    }

    public Options withVectors(int n) {
      return new Options(n, seed, gapPercent, stallPercent, jobs, keepWorkDir, inputs);
    }

    public Options withSeed(long s) {
      return new Options(vectors, s, gapPercent, stallPercent, jobs, keepWorkDir, inputs);
    }

    public Options withStalls(int gap, int stall) {
      return new Options(vectors, seed, gap, stall, jobs, keepWorkDir, inputs);
    }

    public Options withKeepWorkDir(boolean k) {
      return new Options(vectors, seed, gapPercent, stallPercent, jobs, k, inputs);
    }

    /** Streams these raw vectors (one array of input elements each, in the input port's order); sets the count. */
    public Options withInputs(List<BigInteger[]> raw) {
      return new Options(raw.size(), seed, gapPercent, stallPercent, jobs, keepWorkDir, raw);
    }
  }

  /**
   * Outcome.
   *
   * @param vectors vectors streamed
   * @param outputs outputs received
   * @param extra outputs beyond the inputs (duplicates)
   * @param mismatches output elements that differ from the interpreter
   * @param mismatchedVectors vectors with at least one differing element
   * @param documentedLatency latency in tessera-project.json
   * @param latencyMin smallest measured latency (calm phase)
   * @param latencyMax largest measured latency (calm phase)
   * @param throughput samples per cycle without stalls
   * @param throughputStalled samples per cycle under random gaps and stalls
   * @param cycles simulated clock cycles
   * @param lintClean whether verilator -Wall reported nothing
   * @param lintMessages what it reported
   * @param buildTime Verilator + g++ build
   * @param simTime simulation
   * @param referenceTime fixed-point interpreter
   * @param examples the first mismatches
   * @param workDir build folder when kept, else null
   */
  public record Result(int vectors, int outputs, long extra, long mismatches, int mismatchedVectors,
      int documentedLatency, long latencyMin, long latencyMax, double throughput, double throughputStalled,
      long cycles, boolean lintClean, String lintMessages, Duration buildTime, Duration simTime,
      Duration referenceTime, List<String> examples, Path workDir) {

    public boolean passed() {
      return mismatches == 0 && outputs == vectors && extra == 0 && lintClean && latencyMin == documentedLatency
          && latencyMax == documentedLatency;
    }

    public String summary() {
      return String.format(Locale.ROOT, "%d vectors, %d mismatches (%d vectors), %d outputs, %d duplicates; "
          + "latency %d cycles measured (%d..%d), %d documented; throughput %.3f samples/cycle (%.3f under stalls);"
          + " lint %s; verilator build %.1f s, simulation %.2f s (%d cycles), reference %.2f s", vectors, mismatches,
          mismatchedVectors, outputs, extra, latencyMin, latencyMin, latencyMax, documentedLatency, throughput,
          throughputStalled, lintClean ? "clean" : "NOT clean", buildTime.toMillis() / 1000.0,
          simTime.toMillis() / 1000.0, cycles, referenceTime.toMillis() / 1000.0);
    }
  }

  /** Whether {@code dir} is a generated RTL folder. */
  public static boolean isRtlProject(Path dir) {
    return RtlProject.isRtlProject(dir);
  }

  /** Verifies the RTL in {@code dir}, generated from {@code quantizedGraph}. */
  public static Result verify(Path dir, Graph quantizedGraph, Options opts) throws IOException {
    RtlProject p = RtlProject.read(dir);
    String fp = GraphFingerprint.of(quantizedGraph);
    if (!fp.equals(p.graphFingerprint())) {
      throw new TesseraException("rtl folder '" + dir + "' was generated from another graph than the one given"
          + " (fingerprint " + p.graphFingerprint().substring(0, 12) + ", given " + fp.substring(0, 12)
          + "); rebuild it or pass the same model, config and precision");
    }
    List<Path> files = new ArrayList<>();
    for (String s : p.sources()) {
      files.add(dir.resolve(s));
    }
    Verilator.Lint lint = Verilator.lint(files, p.top());
    Path work = Files.createTempDirectory("tessera-rtl-verify-");
    try {
      Path harness = work.resolve("harness.cpp");
      Files.writeString(harness, AxisHarness.cpp(p.top(), p.input().tdataWidth(), p.output().tdataWidth()),
          StandardCharsets.UTF_8);
      Verilator.Build build = Verilator.build(files, p.top(), harness, work.resolve("build"), opts.jobs());
      List<BigInteger[]> raws = opts.inputs() != null ? checked(opts.inputs(), p.input())
          : randomInputs(p.input(), opts.vectors(), opts.seed());
      List<BigInteger> packed = new ArrayList<>();
      for (BigInteger[] v : raws) {
        packed.add(pack(v, p.input().elementWidth()));
      }
      int calm = Math.min(opts.vectors(), 64);
      AxisSimulation.Result sim = AxisSimulation.run(build.executable(), packed, p.input().tdataWidth(),
          new AxisSimulation.Stimulus(opts.seed(), opts.gapPercent(), opts.stallPercent(), calm), work.resolve("run"));
      long t0 = System.nanoTime();
      List<BigInteger[]> expected = reference(quantizedGraph, p, raws);
      Duration ref = Duration.ofNanos(System.nanoTime() - t0);
      long mismatches = 0;
      int badVectors = 0;
      List<String> examples = new ArrayList<>();
      int n = Math.min(sim.outputs().size(), raws.size());
      int ew = p.output().elementWidth();
      FixedType ot = p.output().fixedType();
      for (int v = 0; v < n; v++) {
        BigInteger[] got = unpack(sim.outputs().get(v), ew, p.output().elements(), ot.signed());
        BigInteger[] want = expected.get(v);
        boolean bad = false;
        for (int e = 0; e < want.length; e++) {
          if (!got[e].equals(want[e])) {
            mismatches++;
            bad = true;
            if (examples.size() < REPORTED) {
              examples.add("vector " + v + " element " + e + ": rtl " + got[e] + ", interpreter " + want[e]
                  + " (raw " + ot + ")");
            }
          }
        }
        if (bad) {
          badVectors++;
        }
      }
      return new Result(opts.vectors(), sim.outputs().size(), sim.extra(), mismatches, badVectors, p.latency(),
          sim.latencyMin(), sim.latencyMax(), sim.throughputCalm(), sim.throughputStalled(), sim.cycles(),
          lint.clean(), lint.messages(), build.elapsed(), sim.elapsed(), ref, examples,
          opts.keepWorkDir() ? work : null);
    } finally {
      if (!opts.keepWorkDir()) {
        deleteTree(work);
      }
    }
  }

  /** The given vectors, each with the port's element count and every value in its type's raw range. */
  private static List<BigInteger[]> checked(List<BigInteger[]> raws, RtlProject.Port in) {
    FixedType t = in.fixedType();
    for (int v = 0; v < raws.size(); v++) {
      BigInteger[] a = raws.get(v);
      if (a.length != in.elements()) {
        throw new TesseraException("input vector " + v + " has " + a.length + " elements, the rtl input port "
            + in.elements());
      }
      for (BigInteger x : a) {
        if (x.compareTo(t.minRaw()) < 0 || x.compareTo(t.maxRaw()) > 0) {
          throw new TesseraException("input vector " + v + " holds raw " + x + ", outside " + t);
        }
      }
    }
    return raws;
  }

  /** Random raw values, uniform over the input type's range. */
  static List<BigInteger[]> randomInputs(RtlProject.Port in, int count, long seed) {
    FixedType t = in.fixedType();
    Random rng = new Random(seed);
    BigInteger span = t.maxRaw().subtract(t.minRaw()).add(BigInteger.ONE);
    List<BigInteger[]> out = new ArrayList<>();
    for (int v = 0; v < count; v++) {
      BigInteger[] a = new BigInteger[in.elements()];
      for (int i = 0; i < a.length; i++) {
        BigInteger r;
        do {
          r = new BigInteger(span.bitLength(), rng);
        } while (r.compareTo(span) >= 0);
        a[i] = r.add(t.minRaw());
      }
      out.add(a);
    }
    return out;
  }

  /** Element {@code i} in bits {@code [i*w +: w]}, two's complement. */
  static BigInteger pack(BigInteger[] elems, int w) {
    BigInteger mask = BigInteger.ONE.shiftLeft(w).subtract(BigInteger.ONE);
    BigInteger r = BigInteger.ZERO;
    for (int i = elems.length - 1; i >= 0; i--) {
      r = r.shiftLeft(w).or(elems[i].and(mask));
    }
    return r;
  }

  static BigInteger[] unpack(BigInteger word, int w, int count, boolean signed) {
    BigInteger mask = BigInteger.ONE.shiftLeft(w).subtract(BigInteger.ONE);
    BigInteger[] out = new BigInteger[count];
    for (int i = 0; i < count; i++) {
      BigInteger e = word.shiftRight(i * w).and(mask);
      if (signed && e.testBit(w - 1)) {
        e = e.subtract(BigInteger.ONE.shiftLeft(w));
      }
      out[i] = e;
    }
    return out;
  }

  /** The interpreter's raw outputs (or the index of their first maximum for an argmax project). */
  private static List<BigInteger[]> reference(Graph g, RtlProject p, List<BigInteger[]> raws) {
    FixedInterpreter interp = new FixedInterpreter(g);
    String in = g.inputs().get(0);
    String outName = g.outputs().get(0);
    FixedType tin = g.type(in).fixed();
    Shape shape = g.type(in).shape();
    boolean batched = shape.rank() > 0 && shape.dim(0).isSymbolic();
    int chunk = batched ? 512 : 1;
    List<BigInteger[]> out = new ArrayList<>();
    int per = p.input().elements();
    for (int from = 0; from < raws.size(); from += chunk) {
      int n = Math.min(chunk, raws.size() - from);
      long[] s = shape.sizes(n);
      BigInteger[] flat = new BigInteger[n * per];
      for (int v = 0; v < n; v++) {
        System.arraycopy(raws.get(from + v), 0, flat, v * per, per);
      }
      Map<String, FixedArray> res = interp.runRaw(Map.of(in, new FixedArray(tin, s, flat)));
      FixedArray y = res.get(outName);
      int outPer = y.size() / n;
      for (int v = 0; v < n; v++) {
        BigInteger[] e = new BigInteger[outPer];
        System.arraycopy(y.raw(), v * outPer, e, 0, outPer);
        out.add(p.argmax() ? new BigInteger[] {BigInteger.valueOf(firstMax(e))} : e);
      }
    }
    return out;
  }

  private static int firstMax(BigInteger[] e) {
    int best = 0;
    for (int i = 1; i < e.length; i++) {
      if (e[i].compareTo(e[best]) > 0) {
        best = i;
      }
    }
    return best;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path q : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(q);
      }
    }
  }
}
