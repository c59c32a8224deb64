package dev.tessera.backend.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Golden-file test of the jet tagger's generated project (three_layer_keras.onnx at fixed<16,6>): every generated
 * file except the verbatim kernel library must equal its copy under src/test/resources/golden/three_layer_keras.
 * Regenerate with {@code -Dtessera.updateGolden=true} and review the diff.
 */
class GoldenFirmwareTest {

  static final String MODEL = "fastmachinelearning_example-models/onnx/three_layer_keras.onnx";
  static final String GOLDEN = "golden/three_layer_keras/";

  @Test
  void jetTaggerFirmwareMatchesTheGoldenFiles() throws IOException {
    String shared = System.getProperty("tessera.sharedModels");
    Assumptions.assumeTrue(shared != null && Files.isRegularFile(Path.of(shared, MODEL)),
        "SKIPPED: model " + MODEL + " not found under tessera.sharedModels = " + shared);
    Graph g = OnnxImporter.load(Path.of(shared, MODEL));
    Graph q = StandardPipelines.forHardware(PrecisionConfig.uniform(FixedType.signed(16, 6)))
        .run(g, PassContext.create());
    Map<String, String> files = new HlsBackend().render(q, HlsOptions.defaults().withTop("myproject"));
    files.keySet().removeIf(f -> f.startsWith(HlsBackend.LIB_DIR + "/"));
    if (Boolean.getBoolean("tessera.updateGolden")) {
      Path root = Path.of(System.getProperty("tessera.root"), "backends/hls-cpp/src/test/resources", GOLDEN);
      HlsBackend.deleteTree(root);
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = root.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
      }
      Files.writeString(root.resolve("FILES"), String.join("\n", files.keySet()) + "\n");
      System.out.println("GoldenFirmwareTest: wrote " + files.size() + " golden files to " + root);
      return;
    }
    String index = resource(GOLDEN + "FILES");
    assertTrue(index != null, "no golden files; run with -Dtessera.updateGolden=true");
    assertEquals(List.of(index.strip().split("\n")), new ArrayList<>(files.keySet()), "the set of generated files");
    for (Map.Entry<String, String> f : files.entrySet()) {
      assertEquals(resource(GOLDEN + f.getKey()), f.getValue(), "generated " + f.getKey()
          + " differs from the golden file (regenerate with -Dtessera.updateGolden=true if intended)");
    }
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = GoldenFirmwareTest.class.getClassLoader().getResourceAsStream(path)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
