package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneTest {

  private static Path digits(String f) {
    return Cli.root().resolve("examples/physics-triggers/digits/" + f);
  }

  @Test
  void prunesTheDigitsCnnToHalfItsMacs(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("cnn_pruned.onnx");
    Path report = dir.resolve("report.json");
    Cli.Result r = Cli.run("prune", digits("digits_cnn.onnx").toString(), "--calib", digits("calib_cnn.npy")
        .toString(), "--labels", digits("calib_labels.npy").toString(), "--budget", "macs<=0.5", "--out",
        out.toString(), "--report", report.toString(), "--test", digits("test_cnn.npy").toString(), "--test-labels",
        digits("test_labels.npy").toString()).assertOk();
    assertTrue(r.out().contains("search+rearrange+tune(weights)"), r.out());
    assertTrue(r.out().contains("* "), r.out());
    Graph before = OnnxImporter.load(digits("digits_cnn.onnx"));
    Graph after = OnnxImporter.load(out);
    assertTrue(GraphStats.of(after).macs() <= GraphStats.of(before).macs() / 2);
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertEquals("macs<=0.5", json.get("budget").asText());
    assertEquals("cross-entropy", json.get("loss").asText());
    assertEquals(8, json.get("variants").size());
    assertEquals(GraphStats.of(after).macs(), json.get("after").get("macs").asLong());
    assertTrue(json.get("variants").get(0).get("test").get("accuracy").isNumber());
    assertEquals(List.of("cnn_pruned.onnx", "report.json"), Cli.listing(dir));
  }

  @Test
  void labelFreeWithoutComparisonRows(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("p.onnx");
    Cli.Result r = Cli.run("prune", digits("digits_mlp.onnx").toString(), "--calib", digits("calib_mlp.npy")
        .toString(), "--budget", "macs<=60%", "--out", out.toString(), "--no-compare", "--no-rearrange",
        "--tune-method", "scales", "--samples", "200").assertOk();
    assertTrue(r.out().contains("loss kl-divergence"), r.out());
    assertTrue(r.out().contains("* search+tune(scales)"), r.out());
    assertTrue(r.out().contains("200 samples"), r.out());
    assertTrue(Files.isRegularFile(out));
  }

  @Test
  void helpFormatsCleanly() {
    Cli.Result r = Cli.run("prune", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("50%)"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void userErrors(@TempDir Path dir) throws Exception {
    String model = digits("digits_mlp.onnx").toString();
    String calib = digits("calib_mlp.npy").toString();
    String out = dir.resolve("p.onnx").toString();
    Cli.run("prune", model, "--calib", calib, "--budget", "macs<=2", "--out", out).assertUserError();
    Cli.Result far = Cli.run("prune", model, "--calib", calib, "--budget", "macs<=0.01", "--out", out)
        .assertUserError();
    assertTrue(far.err().contains("one unit per layer"), far.err());
    Cli.Result lab = Cli.run("prune", model, "--calib", calib, "--labels", digits("test_labels.npy").toString(),
        "--budget", "macs<=0.5", "--out", out).assertUserError();
    assertTrue(lab.err().contains("450 labels for 500 samples"), lab.err());
    Cli.Result shape = Cli.run("prune", model, "--calib", Cli.root().resolve(
        "examples/physics-triggers/jet-tagger/calib.npy").toString(), "--budget",
        "macs<=0.5", "--out", out).assertUserError();
    assertTrue(shape.err().contains("--calib"), shape.err());
    assertEquals(List.of(), Cli.listing(dir), "nothing written on an error");
  }
}
