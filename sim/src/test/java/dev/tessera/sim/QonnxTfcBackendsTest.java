package dev.tessera.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.hls.HlsBackend;
import dev.tessera.backend.hls.HlsOptions;
import dev.tessera.backend.verilog.VerilogBackend;
import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.quant.search.CalibrationSet;
import dev.tessera.passes.quant.search.PrecisionSearch;
import dev.tessera.passes.quant.search.SearchOptions;
import dev.tessera.sim.hls.HlsVerifier;
import dev.tessera.sim.rtl.RtlVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FINN's MNIST MLPs in QONNX (TFC_1W1A: BipolarQuant weights and activations; TFC_2W2A: 2-bit Quant), in exact mode
 * (the types the models' quantizers define), through both backends: g++ C-simulation of the HLS project and Verilator
 * simulation of the RTL, zero mismatches against the fixed-point interpreter. The RTL run of the 784-input binary
 * network is behind {@code -Dtessera.heavy=true} (it takes minutes).
 */
class QonnxTfcBackendsTest {

  static final String TFC = "fastmachinelearning_qonnx_model_zoo/models/MNIST/Brevitas_FINN_TFC/TFC/";

  @TempDir
  Path tmp;

  static Path model(String name) {
    String p = System.getProperty("tessera.sharedModels");
    Assumptions.assumeTrue(p != null && Files.isDirectory(Path.of(p)),
        "SKIPPED: shared models folder not found (system property tessera.sharedModels = " + p + ")");
    return Path.of(p).resolve(TFC + name + ".onnx");
  }

  /** Random MNIST-like images: integer pixels / 255, as FINN feeds the TFC models. */
  static NdArray images(int n, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n * 784];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(256) / 255.0;
    }
    return new NdArray(new long[] {n, 1, 28, 28}, v);
  }

  /** Import, prepare and quantize in exact mode on the given images. */
  static Graph exact(String name, NdArray x) {
    Graph prepared = StandardPipelines.prepare(PrecisionConfig.uniform(FixedType.signed(16, 6)))
        .run(OnnxImporter.load(model(name)), PassContext.create());
    return PrecisionSearch.run(prepared, CalibrationSet.of(Map.of(prepared.inputs().get(0), x)),
        SearchOptions.defaults().withExact(true).withProbes(0), s -> { }).quantized();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TFC_1W1A", "TFC_2W2A"})
  void hlsCsimMatchesTheInterpreter(String name) throws Exception {
    Optional<String> skip = Tools.skipReason("g++");
    Assumptions.assumeTrue(skip.isEmpty(), skip.orElse(""));
    int n = 300;
    NdArray x = images(n, 17);
    Graph q = exact(name, x);
    Path out = tmp.resolve(name);
    new HlsBackend().write(q, HlsOptions.defaults().withTop("myproject"), out);
    HlsVerifier.Result r = HlsVerifier.verify(out, q, HlsVerifier.Options.defaults()
        .withInputs(HlsVerifier.quantizeInputs(q, Map.of(q.inputs().get(0), x))));
    System.out.println("QonnxTfcBackendsTest HLS " + name + ": " + r.summary());
    assertEquals(n, r.vectors());
    assertTrue(r.passed(), name + ": " + r.summary() + "\n" + String.join("\n", r.examples()));
  }

  /** About 5.5 minutes on 2 cores (generation of the 784-input shift-add layer, then a 140 s Verilator build). */
  @Test
  void binaryTfcRtlMatchesTheInterpreterUnderStalls() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("tessera.heavy"),
        "SKIPPED: the RTL run of TFC_1W1A takes about 5.5 minutes; run with -Dtessera.heavy=true");
    Optional<String> skip = Tools.skipReason("verilator");
    Assumptions.assumeTrue(skip.isEmpty(), skip.orElse(""));
    Graph q = exact("TFC_1W1A", images(50, 3));
    Path out = tmp.resolve("tfc_1w1a_rtl");
    long t0 = System.nanoTime();
    VerilogBackend.Result w = new VerilogBackend().write(q, VerilogOptions.defaults(), out);
    int vectors = 200;
    RtlVerifier.Result r = RtlVerifier.verify(out, q, RtlVerifier.Options.defaults().withVectors(vectors));
    System.out.printf(Locale.ROOT, "QonnxTfcBackendsTest RTL TFC_1W1A: %.1f s, %s%n", (System.nanoTime() - t0) / 1e9,
        r.summary());
    assertTrue(r.lintClean(), r.lintMessages());
    assertEquals(0, r.mismatches(), String.join("\n", r.examples()));
    assertEquals(vectors, r.outputs());
    assertEquals(w.project().latency(), r.latencyMin());
    assertTrue(r.passed(), r.summary());
  }
}
