package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code tessera inspect} on the jet tagger and on hls4ml's three_layer_keras (both 16-64-32-32-5): parameters
 * 16·64+64 + 64·32+32 + 32·32+32 + 32·5+5 = 4,389 and MACs 16·64 + 64·32 + 32·32 + 32·5 = 4,256 per sample.
 */
class InspectTest {
  private static final long PARAMS = 16 * 64 + 64 + 64 * 32 + 32 + 32 * 32 + 32 + 32 * 5 + 5;
  private static final long MACS = 16 * 64 + 64 * 32 + 32 * 32 + 32 * 5;

  @Test
  void constantsAreRight() {
    assertEquals(4389, PARAMS);
    assertEquals(4256, MACS);
  }

  private static JsonNode json(Path model) throws IOException {
    Cli.Result r = Cli.run("inspect", model.toString(), "--json").assertOk();
    return new ObjectMapper().readTree(r.out());
  }

  private static void checkContract(JsonNode root) {
    assertTrue(root.get("nodes").isArray());
    long params = 0;
    long macs = 0;
    for (JsonNode n : root.get("nodes")) {
      for (String key : List.of("name", "op", "inputs", "outputs", "params", "macs")) {
        assertTrue(n.has(key), () -> "node has '" + key + "': " + n);
      }
      for (String side : List.of("inputs", "outputs")) {
        for (JsonNode t : n.get(side)) {
          assertTrue(t.get("name").isTextual() && t.get("shape").isArray() && t.get("type").isTextual(),
              t.toString());
        }
      }
      params += n.get("params").asLong();
      macs += n.get("macs").asLong();
    }
    assertEquals(params, root.get("totals").get("params").asLong(), "totals.params is the sum of the nodes");
    assertEquals(macs, root.get("totals").get("macs").asLong(), "totals.macs is the sum of the nodes");
  }

  @Test
  void jetTaggerJson() throws IOException {
    JsonNode root = json(Cli.jetTagger());
    checkContract(root);
    assertEquals(PARAMS, root.get("totals").get("params").asLong());
    assertEquals(MACS, root.get("totals").get("macs").asLong());
    JsonNode first = root.get("nodes").get(0);
    JsonNode x = first.get("inputs").get(0);
    assertEquals("input", x.get("name").asText());
    assertEquals("[\"N\",16]", x.get("shape").toString());
    assertEquals("float", x.get("type").asText());
    Map<String, long[]> byName = new HashMap<>();
    for (JsonNode n : root.get("nodes")) {
      byName.put(n.get("name").asText(), new long[] {n.get("params").asLong(), n.get("macs").asLong()});
    }
    assertEquals(List.of(1088L, 1024L), List.of(byName.get("fc1")[0], byName.get("fc1")[1]));
    assertEquals(List.of(2080L, 2048L), List.of(byName.get("fc2")[0], byName.get("fc2")[1]));
    assertEquals(List.of(1056L, 1024L), List.of(byName.get("fc3")[0], byName.get("fc3")[1]));
    assertEquals(List.of(165L, 160L), List.of(byName.get("fc4")[0], byName.get("fc4")[1]));
    JsonNode last = root.get("nodes").get(root.get("nodes").size() - 1);
    assertEquals("[\"N\",5]", last.get("outputs").get(0).get("shape").toString());
  }

  @Test
  void threeLayerKerasJson() throws IOException {
    Path model = Cli.sharedModel("fastmachinelearning_example-models/onnx/three_layer_keras.onnx");
    JsonNode root = json(model);
    checkContract(root);
    assertEquals(PARAMS, root.get("totals").get("params").asLong());
    assertEquals(MACS, root.get("totals").get("macs").asLong());
    assertEquals("[\"N\",16]", root.get("nodes").get(0).get("inputs").get(0).get("shape").toString());
  }

  @Test
  void textTableIsAlignedAndHasTotals() {
    Cli.Result r = Cli.run("inspect", Cli.jetTagger().toString()).assertOk();
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("model "), lines.get(0));
    List<String> table = lines.subList(1, lines.size());
    assertTrue(table.get(0).matches("node\\s+op\\s+inputs\\s+outputs\\s+params\\s+MACs"), table.get(0));
    int width = table.get(0).length();
    for (String l : table) {
      assertEquals(width, l.length(), () -> "aligned row: '" + l + "'");
    }
    String total = table.get(table.size() - 1);
    assertTrue(total.matches("total\\s+4,389\\s+4,256"), total);
    assertTrue(r.out().contains("[N,16]"), r.out());
    assertFalse(r.out().contains("fc1.weight"), "weights are counted, not listed as inputs");
  }

  @Test
  void threeLayerKerasText() {
    Path model = Cli.sharedModel("fastmachinelearning_example-models/onnx/three_layer_keras.onnx");
    Cli.Result r = Cli.run("inspect", model.toString()).assertOk();
    assertTrue(r.out().strip().lines().reduce((a, b) -> b).orElseThrow().matches("total\\s+4,389\\s+4,256"),
        r.out());
  }
}
