package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.sim.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code build}, {@code verify} and {@code report} end to end, through {@link Main}. */
class BuildVerifyReportTest {

  private static void assumeTool(String tool) {
    Tools.skipReason(tool).ifPresent(r -> Assumptions.abort(r));
  }

  @Test
  void hlsBuildVerifiesBitExactAndDetectsATamperedWeight(@TempDir Path tmp) throws Exception {
    assumeTool("g++");
    Path out = tmp.resolve("hls");
    Cli.Result r = Cli.run("build", Cli.jetTagger().toString(), "--backend", "hls", "--out", out.toString(),
        "--verify", "100").assertOk();
    assertTrue(r.out().contains("100 vectors, 0 mismatches"), r.out());
    assertTrue(r.out().contains("verify: PASS"), r.out());
    assertTrue(Files.isRegularFile(out.resolve("tessera/model.onnx")));
    assertTrue(Files.isRegularFile(out.resolve("firmware/jet_tagger.cpp")), "top function file");
    assertEquals(List.of("hls"), Cli.listing(tmp), "no temporaries left next to the project");

    Cli.Result again = Cli.run("verify", out.toString(), "--input", Cli.jetInputs().toString()).assertOk();
    assertTrue(again.out().contains("1000 vectors, 0 mismatches"), again.out());

    // make one weight of the first layer 4096 LSB larger: the C-simulation must now disagree with the interpreter
    Path weights = out.resolve("firmware/weights");
    Path w;
    try (Stream<Path> s = Files.list(weights)) {
      w = s.filter(p -> p.getFileName().toString().endsWith("_w.h")).sorted().findFirst().orElseThrow();
    }
    String text = Files.readString(w);
    Matcher m = Pattern.compile("= \\{\\s*(-?\\d+)").matcher(text);
    assertTrue(m.find(), "a weight array in " + w);
    long v = Long.parseLong(m.group(1));
    String changed = text.substring(0, m.start(1)) + (v + 4096) + text.substring(m.end(1));
    Files.writeString(w, changed);
    Cli.Result bad = Cli.run("verify", out.toString(), "--vectors", "200");
    assertEquals(1, bad.code(), bad.out() + bad.err());
    assertTrue(bad.out().contains("verify: FAIL"), bad.out());
  }

  @Test
  void reportWritesTheEstimateWithATotalObject(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("hls");
    Cli.run("build", Cli.jetTagger().toString(), "--backend", "hls", "--out", out.toString()).assertOk();
    Path json = tmp.resolve("r.json");
    Cli.Result r = Cli.run("report", out.toString(), "--json", json.toString()).assertOk();
    assertTrue(r.out().contains("total"), r.out());
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals("hls", root.get("kind").asText());
    for (String k : List.of("lut", "ff", "dsp", "bram", "carry")) {
      assertTrue(root.get("total").has(k), "total." + k);
    }
    assertTrue(root.get("total").get("lut").asLong() > 0);
    assertEquals(8, root.get("estimate").get("layers").size(), "one estimate row per layer of the jet tagger");
    Cli.run("report", out.toString(), "--synth").assertUserError();
  }

  @Test
  void buildRefusesToReplaceAnUnrelatedFolderAndLeavesNothingOnBadInput(@TempDir Path tmp) throws Exception {
    Path mine = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(mine.resolve("notes.txt"), "keep me");
    Cli.run("build", Cli.jetTagger().toString(), "--backend", "hls", "--out", mine.toString()).assertUserError();
    assertEquals("keep me", Files.readString(mine.resolve("notes.txt")));

    Path bad = Files.write(tmp.resolve("bad.onnx"), new byte[] {1, 2, 3, 4, 5});
    Cli.run("build", bad.toString(), "--backend", "verilog", "--out", tmp.resolve("o").toString())
        .assertUserError();
    assertFalse(Files.exists(tmp.resolve("o")));
    assertEquals(List.of("bad.onnx", "mine"), Cli.listing(tmp));
    Cli.run("build", Cli.jetTagger().toString(), "--backend", "hls", "--out", tmp.resolve("p").toString(),
        "--multipliers", "generic").assertUserError();
    Cli.run("verify", tmp.toString()).assertUserError();
  }

  @Test
  void aModelTheRtlBackendCannotBuildIsAUserErrorNamingTheNode(@TempDir Path tmp) throws Exception {
    // tract's qrelu_1 keeps the batch axis inside the network (Unsqueeze, Transpose over N): not a chain of layers
    Path model = Cli.sharedModel("sonos_tract/onnx/test_cases/qrelu_1/model.onnx");
    Cli.Result r = Cli.run("build", model.toString(), "--backend", "verilog", "--out", tmp.resolve("o").toString())
        .assertUserError();
    assertTrue(r.err().contains("node 'Unsqueeze_0' (Unsqueeze)"), r.err());
    assertFalse(Files.exists(tmp.resolve("o")));
  }

  @Test
  void verilogBuildVerifiesUnderStallsAndSynthesizes(@TempDir Path tmp) throws Exception {
    assumeTool("verilator");
    assumeTool("yosys");
    Path model = Cli.sharedModel("fastmachinelearning_example-models/onnx/two_layer_keras.onnx");
    Path out = tmp.resolve("rtl");
    Cli.Result r = Cli.run("build", model.toString(), "--backend", "verilog", "--out", out.toString(),
        "--precision", "fixed<8,3,RND_CONV,SAT>", "--verify", "100").assertOk();
    assertTrue(r.out().contains("100 vectors, 0 mismatches"), r.out());
    assertTrue(r.out().contains("verify: PASS"), r.out());
    // given samples instead of random vectors: all 25 rows are streamed, whatever --vectors says
    StringBuilder csv = new StringBuilder();
    Random rnd = new Random(5);
    for (int row = 0; row < 25; row++) {
      for (int col = 0; col < 10; col++) {
        csv.append(col == 0 ? "" : ",").append(rnd.nextGaussian() * 3);
      }
      csv.append('\n');
    }
    Path samples = tmp.resolve("samples.csv");
    Files.writeString(samples, csv);
    Cli.Result given = Cli.run("verify", out.toString(), "--input", samples.toString(), "--vectors", "7")
        .assertOk();
    assertTrue(given.out().contains("25 vectors, 0 mismatches"), given.out());
    Path json = tmp.resolve("y.json");
    Cli.run("report", out.toString(), "--synth", "--no-per-layer", "--json", json.toString()).assertOk();
    JsonNode total = new ObjectMapper().readTree(json.toFile()).get("total");
    assertEquals("yosys", total.get("source").asText());
    assertTrue(total.get("lut").asLong() > 0, total.toString());
    for (String k : List.of("lut", "ff", "dsp", "bram", "carry")) {
      assertTrue(total.has(k), "total." + k);
    }
  }
}
