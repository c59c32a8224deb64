package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.GraphStats;
import dev.tessera.sim.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code build --prune --quantize}: the steps, their order, the files in DIR/tessera, and their errors. */
class BuildStepsTest {

  private static Path jet(String file) {
    return Cli.root().resolve("examples/physics-triggers/jet-tagger").resolve(file);
  }

  private static void assumeTool(String tool) {
    Tools.skipReason(tool).ifPresent(Assumptions::abort);
  }

  private static int[] predict(Path model, Path config, Path dir, String name) throws IOException {
    return Cli.decisions(model, config, jet("calib.npy"), dir.resolve(name + ".npy"));
  }

  @Test
  void pruneThenQuantizeThenHlsVerifiesAndKeepsEverythingToReproduce(@TempDir Path tmp) throws Exception {
    assumeTool("g++");
    Path out = tmp.resolve("hls");
    Cli.Result r = Cli.run("build", Cli.jetTagger().toString(), "--backend", "hls", "--out", out.toString(),
        "--prune", "macs<=0.5", "--quantize", "--calib", jet("calib.npy").toString(), "--min-agreement", "0.97",
        "--probes", "500", "--verify", "200").assertOk();
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("prune: removed fc1 "), r.out());
    assertTrue(lines.get(1).startsWith("quantize: "), r.out());
    assertTrue(lines.get(1).contains("with the float model " + Cli.jetTagger()), r.out());
    assertTrue(lines.get(2).startsWith("wrote " + out + " (Vitis HLS project)"), r.out());
    assertTrue(r.out().contains("200 vectors, 0 mismatches") && r.out().contains("verify: PASS"), r.out());
    assertEquals(List.of("hls"), Cli.listing(tmp), "no temporaries next to the project");

    Path t = out.resolve("tessera");
    assertEquals(List.of("config.yaml", "model.onnx", "original.onnx", "prune-report.json", "quantize-report.json"),
        Cli.listing(t));
    assertTrue(GraphStats.of(OnnxImporter.load(t.resolve("model.onnx"))).macs()
        <= GraphStats.of(OnnxImporter.load(Cli.jetTagger())).macs() / 2, "the design is built from the pruned model");
    assertTrue(Files.readString(t.resolve("config.yaml")).contains("written by tessera build --quantize"));
    JsonNode prov = new ObjectMapper().readTree(out.resolve("tessera-project.json").toFile()).get("provenance");
    assertEquals("tessera/model.onnx", prov.get("model").asText());
    assertEquals("tessera/config.yaml", prov.get("config").asText());
    assertEquals("tessera/original.onnx", prov.get("original_model").asText());
    assertEquals("prune macs<=0.5, quantize", prov.get("steps").asText());
    assertFalse(prov.has("precision"), "the generated config's default holds");
    JsonNode prune = new ObjectMapper().readTree(t.resolve("prune-report.json").toFile());
    assertEquals("macs<=0.5", prune.get("budget").asText());

    // the budget was measured against the original float model, not the pruned one
    JsonNode q = new ObjectMapper().readTree(t.resolve("quantize-report.json").toFile());
    assertTrue(q.get("budgetMet").asBoolean(), q.toString());
    int[] fixed = predict(t.resolve("model.onnx"), t.resolve("config.yaml"), tmp, "fixed");
    double vsOriginal = Cli.agreement(fixed, predict(Cli.jetTagger(), null, tmp, "original"));
    double vsPruned = Cli.agreement(fixed, predict(t.resolve("model.onnx"), null, tmp, "pruned"));
    assertEquals(vsOriginal, q.get("quantized").get("agreement").asDouble(), 1e-12);
    assertNotEquals(vsPruned, vsOriginal, "the two references must differ for this check to mean anything");
    assertTrue(vsOriginal >= 0.97, "agreement with the original " + vsOriginal);

    // verify and report rebuild the graph from the pruned model and the generated config
    Cli.Result again = Cli.run("verify", out.toString(), "--vectors", "50").assertOk();
    assertTrue(again.out().contains("50 vectors, 0 mismatches"), again.out());
    Cli.Result report = Cli.run("report", out.toString()).assertOk();
    assertTrue(report.out().contains("fc1"), report.out());
  }

  @Test
  void pruneThenQuantizeThenVerilogVerifiesUnderStalls(@TempDir Path tmp) throws Exception {
    assumeTool("verilator");
    Path out = tmp.resolve("rtl");
    Cli.Result r = Cli.run("build", Cli.jetTagger().toString(), "--backend", "verilog", "--out", out.toString(),
        "--prune", "macs<=0.25", "--no-rearrange", "--quantize", "--calib", jet("calib.npy").toString(),
        "--min-agreement", "0.9", "--max-width", "10", "--probes", "0", "--verify", "100").assertOk();
    assertTrue(r.out().startsWith("prune: ") && r.out().contains("\nquantize: "), r.out());
    assertTrue(r.out().contains("search+tune(weights)"), "--no-rearrange reaches the prune step: " + r.out());
    assertTrue(r.out().contains("100 vectors, 0 mismatches") && r.out().contains("verify: PASS"), r.out());
    assertEquals(List.of("config.yaml", "model.onnx", "original.onnx", "prune-report.json", "quantize-report.json"),
        Cli.listing(out.resolve("tessera")));
  }

  @Test
  void quantizeAloneAndPruneAloneWriteOnlyTheirFiles(@TempDir Path tmp) throws Exception {
    Path q = tmp.resolve("q");
    Cli.Result r = Cli.run("build", Cli.jetTagger().toString(), "--backend", "hls", "--out", q.toString(),
        "--quantize", "--calib", jet("calib.npy").toString(), "--min-agreement", "0.95", "--probes", "0",
        "--max-width", "12").assertOk();
    assertTrue(r.out().startsWith("quantize: ") && r.out().contains("with the float model on 2000 samples"),
        r.out());
    assertEquals(List.of("config.yaml", "model.onnx", "quantize-report.json"), Cli.listing(q.resolve("tessera")));
    assertEquals(Files.readString(Cli.jetTagger(), java.nio.charset.StandardCharsets.ISO_8859_1),
        Files.readString(q.resolve("tessera/model.onnx"), java.nio.charset.StandardCharsets.ISO_8859_1));

    Path p = tmp.resolve("p");
    r = Cli.run("build", Cli.jetTagger().toString(), "--backend", "hls", "--out", p.toString(), "--prune",
        "macs<=0.6", "--calib", jet("calib.npy").toString(), "--precision", "fixed<12,5>").assertOk();
    assertTrue(r.out().startsWith("prune: ") && !r.out().contains("quantize:"), r.out());
    assertEquals(List.of("model.onnx", "original.onnx", "prune-report.json"), Cli.listing(p.resolve("tessera")));
    JsonNode prov = new ObjectMapper().readTree(p.resolve("tessera-project.json").toFile()).get("provenance");
    assertEquals("fixed<12,5>", prov.get("precision").asText());
    Cli.run("report", p.toString(), "--json", tmp.resolve("r.json").toString()).assertOk();
    assertEquals(8, new ObjectMapper().readTree(tmp.resolve("r.json").toFile()).get("estimate").get("layers").size(),
        "report rebuilds the pruned model: one row per layer");
  }

  @Test
  void wrongStepCombinationsAreOneLineErrorsAndAFailingStepLeavesNoFolder(@TempDir Path tmp) throws Exception {
    String m = Cli.jetTagger().toString();
    String x = jet("calib.npy").toString();
    String out = tmp.resolve("o").toString();
    assertTrue(Cli.run("build", m, "--backend", "hls", "--out", out, "--quantize", "--calib", x, "--config",
        tmp.resolve("c.yml").toString()).assertUserError().err().contains("--quantize searches the precision"));
    assertTrue(Cli.run("build", m, "--backend", "hls", "--out", out, "--quantize", "--calib", x, "--precision",
        "fixed<8,3>").assertUserError().err().contains("without --precision and --config"));
    assertTrue(Cli.run("build", m, "--backend", "hls", "--out", out, "--prune", "macs<=0.5").assertUserError().err()
        .contains("--prune needs --calib"));
    assertTrue(Cli.run("build", m, "--backend", "hls", "--out", out, "--min-agreement", "0.9").assertUserError()
        .err().contains("--min-agreement is an option of --quantize"));
    assertTrue(Cli.run("build", m, "--backend", "hls", "--out", out, "--quantize", "--calib", x, "--no-tune")
        .assertUserError().err().contains("--no-tune is an option of --prune"));
    assertTrue(Cli.run("build", m, "--backend", "hls", "--out", out, "--calib", x).assertUserError().err()
        .contains("read by --prune and --quantize"));
    assertTrue(Cli.run("build", m, "--backend", "hls", "--out", out, "--quantize", "--calib", x, "--max-width", "99")
        .assertUserError().err().contains("--max-width 99"));
    Cli.run("build", m, "--backend", "hls", "--out", out, "--prune", "lots", "--calib", x).assertUserError();
    // the prune step runs, then the quantize step fails on the labels: nothing is written
    Path labels = Cli.root().resolve("examples/physics-triggers/digits/test_labels.npy");
    assertTrue(Cli.run("build", m, "--backend", "hls", "--out", out, "--prune", "macs<=0.5", "--quantize", "--calib",
        x, "--labels", jet("test_labels.npy").toString(), "--max-accuracy-drop", "0.01").assertUserError().err()
        .contains("labels for 2000 samples"));
    // the prune step itself fails
    assertTrue(Cli.run("build", m, "--backend", "verilog", "--out", out, "--prune", "macs<=0.001", "--calib", x)
        .assertUserError().err().contains("one unit per layer"));
    assertTrue(Files.exists(labels));
    assertEquals(List.of(), Cli.listing(tmp), "no folder and no temporary after a failing step");
  }
}
