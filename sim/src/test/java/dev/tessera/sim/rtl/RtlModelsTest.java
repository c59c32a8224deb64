package dev.tessera.sim.rtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.verilog.VerilogBackend;
import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The acceptance models of the Verilog backend (issue #4) at fixed<16,6>: imported, quantized, generated as RTL,
 * linted, and simulated under random input gaps and output back-pressure with 200 vectors (10,000 with
 * {@code -Dtessera.heavy=true}); zero mismatches against the fixed-point interpreter and the documented latency.
 */
class RtlModelsTest {

  static final String FML = "fastmachinelearning_example-models/onnx/";

  @TempDir
  Path tmp;

  static Path sharedModels() {
    String p = System.getProperty("tessera.sharedModels");
    Assumptions.assumeTrue(p != null && Files.isDirectory(Path.of(p)),
        "SKIPPED: shared models folder not found (system property tessera.sharedModels = " + p + ")");
    return Path.of(p);
  }

  static Graph quantized(Path model, String precision) {
    Graph g = OnnxImporter.load(model);
    return StandardPipelines.forHardware(PrecisionConfig.uniform(FixedType.parse(precision)))
        .run(g, PassContext.create());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"three_layer_keras", "three_layer_bn_keras", "dense_big_keras", "conv1d_small_keras",
      "conv2d_small_keras"})
  void acceptanceModelMatchesTheInterpreterUnderStalls(String model) throws Exception {
    RtlTestSupport.requireTool("verilator");
    Graph q = quantized(sharedModels().resolve(FML + model + ".onnx"), "fixed<16,6>");
    Path out = tmp.resolve(model);
    long t0 = System.nanoTime();
    VerilogBackend.Result w = new VerilogBackend().write(q, VerilogOptions.defaults(), out);
    double gen = (System.nanoTime() - t0) / 1e9;
    int vectors = Boolean.getBoolean("tessera.heavy") ? 10_000 : 200;
    RtlVerifier.Result r = RtlVerifier.verify(out, q, RtlVerifier.Options.defaults().withVectors(vectors));
    System.out.printf(java.util.Locale.ROOT, "RtlModelsTest %s fixed<16,6>: generation %.1f s, %s%n", model, gen,
        r.summary());
    assertTrue(r.lintClean(), r.lintMessages());
    assertEquals(0, r.mismatches(), String.join("\n", r.examples()));
    assertEquals(vectors, r.outputs());
    assertEquals(w.project().latency(), r.latencyMin());
    assertEquals(w.project().latency(), r.latencyMax());
    assertTrue(r.passed(), r.summary());
  }
}
