package dev.tessera.sim.hls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.hls.HlsBackend;
import dev.tessera.backend.hls.HlsOptions;
import dev.tessera.backend.hls.ProjectDescriptor;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.sim.Tools;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers for docs/benchmarks.md, run only with {@code -Dtessera.bench=true}: ONNX-to-compiled-csim time of the jet
 * tagger, g++ time and peak memory of dense_big_keras, and the fixed-point fidelity of the jet tagger at
 * fixed<16,6> against the float model on 10,000 random inputs.
 */
class HlsBenchmark {

  static final String JET = HlsModelsTest.FML + "three_layer_keras.onnx";
  static final String BIG = HlsModelsTest.FML + "dense_big_keras.onnx";

  @TempDir
  Path dir;

  @BeforeAll
  static void enabled() {
    Assumptions.assumeTrue(Boolean.getBoolean("tessera.bench"), "SKIPPED: benchmark; run with -Dtessera.bench=true");
    Optional<String> skip = Tools.skipReason("g++");
    Assumptions.assumeTrue(skip.isEmpty(), skip.orElse(""));
  }

  private record Timing(double importS, double passesS, double writeS, double compileS) {
    double total() {
      return importS + passesS + writeS + compileS;
    }
  }

  private Timing onnxToCsim(Path model, Path out) throws IOException {
    long t0 = System.nanoTime();
    Graph g = OnnxImporter.load(model);
    long t1 = System.nanoTime();
    Graph q = StandardPipelines.forHardware(PrecisionConfig.uniform(FixedType.signed(16, 6)))
        .run(g, PassContext.create());
    long t2 = System.nanoTime();
    new HlsBackend().write(q, HlsOptions.defaults().withTop("myproject"), out);
    long t3 = System.nanoTime();
    Duration c = CppCompiler.compile(List.of(out.resolve("firmware/myproject.cpp"),
        out.resolve("tb/myproject_test.cpp")), List.of(), List.of(), out.resolve("csim"));
    return new Timing((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, c.toNanos() / 1e9);
  }

  @Test
  void onnxToCompiledCsimTimes() throws IOException {
    Path model = HlsModelsTest.sharedModels().resolve(JET);
    for (int i = 0; i < 3; i++) {
      Timing t = onnxToCsim(model, dir.resolve("jet" + i));
      System.out.printf(Locale.ROOT, "BENCH jet tagger ONNX -> compiled csim, run %d in this JVM: import %.3f s, "
          + "passes %.3f s, write %.3f s, g++ %.2f s, total %.2f s%n", i + 1, t.importS(), t.passesS(), t.writeS(),
          t.compileS(), t.total());
    }
  }

  @Test
  void denseBigCompileTimeAndMemory() throws IOException, InterruptedException {
    Path model = HlsModelsTest.sharedModels().resolve(BIG);
    Path out = dir.resolve("big");
    Timing t = onnxToCsim(model, out);
    System.out.printf(Locale.ROOT, "BENCH dense_big_keras: import %.3f s, passes %.3f s, write %.3f s, g++ %.2f s%n",
        t.importS(), t.passesS(), t.writeS(), t.compileS());
    Path time = Path.of("/usr/bin/time");
    if (Files.isExecutable(time)) {
      Path log = dir.resolve("time.log");
      Process p = new ProcessBuilder(time.toString(), "-f", "%e s %M KB", "-o", log.toString(), "g++", "-O2",
          "-std=c++17", "-Wno-unknown-pragmas", "-DTESSERA_FORCE_OWN_FIXED", "firmware/myproject.cpp",
          "tb/myproject_test.cpp", "-o", "csim2").directory(out.toFile()).inheritIO().start();
      assertTrue(p.waitFor() == 0, "g++ failed");
      System.out.println("BENCH dense_big_keras g++ wall time and peak RSS: " + Files.readString(log).strip());
    }
    System.out.println("BENCH dense_big_keras weights: " + Files.size(out.resolve("firmware/parameters.h"))
        + " bytes parameters.h");
  }

  @Test
  void jetTaggerFidelityAgainstFloat() throws IOException {
    Path model = HlsModelsTest.sharedModels().resolve(JET);
    Graph g = OnnxImporter.load(model);
    int n = 10_000;
    String in = g.inputs().get(0);
    int features = (int) g.type(in).shape().size(1);
    double[] x = new double[n * features];
    Random rng = new Random(7);
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextGaussian();
    }
    NdArray input = new NdArray(new long[] {n, features}, x);
    Map<String, NdArray> all = new FloatInterpreter(g).runAll(Map.of(in, input));
    double maxAct = 0;
    for (Map.Entry<String, NdArray> e : all.entrySet()) {
      if (!g.isConstant(e.getKey()) && !e.getKey().equals(in)) {
        for (double v : e.getValue().data()) {
          maxAct = Math.max(maxAct, Math.abs(v));
        }
      }
    }
    System.out.printf(Locale.ROOT, "BENCH jet tagger float: largest |activation| on the inputs %.2f%n", maxAct);
    NdArray yf = all.get(g.outputs().get(0));
    for (String precision : List.of("fixed<16,6>", "fixed<16,6,RND_CONV,SAT>")) {
      Graph q = StandardPipelines.forHardware(PrecisionConfig.uniform(FixedType.parse(precision)))
          .run(g, PassContext.create());
      // the C++ computes exactly what the interpreter computes: check that on all 10,000 inputs first
      Path out = dir.resolve("jet" + precision.length());
      new HlsBackend().write(q, HlsOptions.defaults().withTop("myproject"), out);
      List<BigInteger[][]> raw = HlsVerifier.quantizeInputs(q, Map.of(in, input));
      HlsVerifier.Result r = HlsVerifier.verify(out, q, HlsVerifier.Options.defaults().withInputs(raw));
      System.out.println("BENCH jet tagger " + precision + " csim vs interpreter on the fidelity inputs: "
          + r.summary());
      assertTrue(r.passed(), r.summary());
      FixedArray yq = new FixedInterpreter(q).run(Map.of(in, input)).get(q.outputs().get(0));
      FixedType ty = ProjectDescriptor.read(out).outputs().get(0).fixedType();
      int classes = yf.data().length / n;
      double maxErr = 0;
      double sumErr = 0;
      int agree = 0;
      int large = 0;
      for (int v = 0; v < n; v++) {
        int af = 0;
        int aq = 0;
        double worst = 0;
        for (int c = 0; c < classes; c++) {
          double f = yf.data()[v * classes + c];
          double e = Math.abs(f - ty.toDouble(yq.raw()[v * classes + c]));
          maxErr = Math.max(maxErr, e);
          worst = Math.max(worst, e);
          sumErr += e;
          if (f > yf.data()[v * classes + af]) {
            af = c;
          }
          if (yq.raw()[v * classes + c].compareTo(yq.raw()[v * classes + aq]) > 0) {
            aq = c;
          }
        }
        agree += af == aq ? 1 : 0;
        large += worst > 0.1 ? 1 : 0;
      }
      System.out.printf(Locale.ROOT, "BENCH jet tagger %s vs float on %d N(0,1) inputs: largest abs error %.6f, "
          + "mean abs error %.6f, vectors with an error > 0.1: %d, argmax agreement %.2f%% (%d of %d)%n", precision,
          n, maxErr, sumErr / ((double) n * classes), large, 100.0 * agree / n, agree, n);
    }
  }
}
