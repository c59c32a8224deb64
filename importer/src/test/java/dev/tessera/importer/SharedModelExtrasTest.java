package dev.tessera.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tessera.importer.testing.Compare;
import dev.tessera.importer.testing.Npy;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphStats;
import dev.tessera.ir.Shape;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Shared-model checks beyond the default import: bound batch sizes and graph statistics. */
class SharedModelExtrasTest {

  private static Path model(String rel) {
    String root = System.getProperty("tessera.sharedModels");
    Path p = root == null ? null : Path.of(root, rel);
    Assumptions.assumeTrue(p != null && Files.exists(p), "SKIPPED: shared model not found: " + rel);
    return p;
  }

  @Test
  void streamingTdnnImportsWithABoundBatchAndMatchesItsData() throws Exception {
    Path p = model("sonos_tract/onnx/test_cases/qtdnn_10x5_101_i32_biases/model.onnx");
    Graph g = OnnxImporter.load(p, ImportOptions.batch(10));
    assertEquals(Shape.of(8, 5), g.type("output").shape());
    Map<String, NdArray> io = Npy.readNpz(p.getParent().resolve("io.npz"));
    NdArray out = new FloatInterpreter(g).run(Map.of("input", io.get("input"))).get("output");
    // tract adds one frame of edge context on each side: rows 1..8 of its output are the plain ONNX result
    NdArray expected = io.get("output").slice0(1, 9);
    assertNull(Compare.mismatch(out, expected, 1e-4, 1e-6));
  }

  @Test
  void statsOfTheJetTagger() {
    Graph g = OnnxImporter.load(model("fastmachinelearning_example-models/onnx/three_layer_keras.onnx"));
    GraphStats s = GraphStats.of(g);
    assertEquals(4389, s.parameters());
    assertEquals(16 * 64 + 64 * 32 + 32 * 32 + 32 * 5, s.macs());
    assertEquals(Arrays.asList(16L * 64, 0L, 0L), s.nodes().stream().limit(3).map(GraphStats.NodeStats::macs)
        .toList());
  }
}
