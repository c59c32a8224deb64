package dev.tessera.sim.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.hls.HlsBackend;
import dev.tessera.backend.hls.HlsOptions;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.sim.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The acceptance models of the HLS backend (issue #3): imported from ../shared/models, quantized at fixed<16,6> and
 * at fixed<8,3> with saturation, generated as HLS projects, compiled with g++ and compared bit for bit with the
 * fixed-point interpreter: 200 random vectors each, 10,000 with {@code -Dtessera.heavy=true}.
 */
class HlsModelsTest {

  static final String FML = "fastmachinelearning_example-models/onnx/";
  static final String EZKL = "zkonduit_ezkl/examples/onnx/";
  static final List<String> MODELS = List.of(FML + "three_layer_keras.onnx", FML + "three_layer_bn_keras.onnx",
      FML + "dense_big_keras.onnx", FML + "conv1d_small_keras.onnx", FML + "conv2d_small_keras.onnx",
      FML + "conv2d_small_mp_keras.onnx", EZKL + "3l_relu_conv_fc/network.onnx", EZKL + "4l_relu_conv_fc/network.onnx");
  static final List<String> PRECISIONS = List.of("fixed<16,6>", "fixed<8,3,TRN,SAT>");

  @TempDir
  Path dir;

  @BeforeAll
  static void tools() {
    Optional<String> skip = Tools.skipReason("g++");
    Assumptions.assumeTrue(skip.isEmpty(), skip.orElse(""));
  }

  static boolean heavy() {
    return Boolean.getBoolean("tessera.heavy");
  }

  /** The shared models folder, or a skip with a clear message when it is absent. */
  static Path sharedModels() {
    String p = System.getProperty("tessera.sharedModels");
    Assumptions.assumeTrue(p != null && Files.isDirectory(Path.of(p)),
        "SKIPPED: shared models folder not found (system property tessera.sharedModels = " + p + ")");
    return Path.of(p);
  }

  /** Imports a model and applies a uniform precision, as {@code tessera build --precision} does. */
  static Graph quantized(Path model, String precision) {
    Graph g = OnnxImporter.load(model);
    return StandardPipelines.forHardware(PrecisionConfig.uniform(FixedType.parse(precision)))
        .run(g, PassContext.create());
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String m : MODELS) {
      for (String p : PRECISIONS) {
        out.add(Arguments.of(m, p));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} at {1}")
  @MethodSource("cases")
  void generatedFirmwareMatchesTheInterpreterBitForBit(String model, String precision) throws IOException {
    Graph q = quantized(sharedModels().resolve(model), precision);
    // -Dtessera.hls.keep=/some/folder keeps the generated projects for inspection
    String keep = System.getProperty("tessera.hls.keep");
    Path out = keep == null ? dir.resolve("prj")
        : Path.of(keep, (model + "_" + precision).replaceAll("[^A-Za-z0-9_.-]", "_"));
    HlsBackend.Result written = new HlsBackend().write(q, HlsOptions.defaults().withTop("myproject"), out);
    int vectors = heavy() ? 10_000 : 200;
    HlsVerifier.Result r = HlsVerifier.verify(out, q, HlsVerifier.Options.defaults().withVectors(vectors));
    System.out.println("HlsModelsTest " + model + " " + precision + ": " + written.files().size() + " files, "
        + r.summary());
    assertEquals(vectors, r.vectors());
    assertTrue(r.passed(), model + " at " + precision + ": " + r.summary() + "\n" + String.join("\n", r.examples()));
  }
}
