package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.ir.io.ArrayFiles;
import dev.tessera.passes.config.ConfigLoader;
import dev.tessera.passes.config.PrecisionConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera quantize}: the config it writes is what predict and build read; its report; its user errors. */
class QuantizeTest {

  private static Path digits(String file) {
    return Cli.root().resolve("examples/physics-triggers/digits").resolve(file);
  }

  @Test
  void theDigitsMlpKeepsItsHeldOutAccuracyThroughTheWrittenConfig(@TempDir Path dir) throws IOException {
    Path cfg = dir.resolve("mlp.yml");
    Path report = dir.resolve("report.json");
    Cli.Result r = Cli.run("quantize", digits("digits_mlp.onnx").toString(), "--calib",
        digits("calib_mlp.npy").toString(), "--labels", digits("calib_labels.npy").toString(),
        "--max-accuracy-drop", "0.01", "--probes", "1000", "--out", cfg.toString(), "--report", report.toString(),
        "--validate", digits("test_mlp.npy").toString(), "--validate-labels", digits("test_labels.npy").toString())
        .assertOk();
    assertTrue(r.out().contains("budget accuracy drop <= 1.00 %: met"), r.out());
    PrecisionConfig c = ConfigLoader.load(cfg);
    assertTrue(c.layers().containsKey("fc1") && c.inputs().containsKey("input"), c.toString());
    JsonNode j = new ObjectMapper().readTree(report.toFile());
    assertTrue(j.get("budgetMet").asBoolean());
    assertEquals(6, j.get("layers").size(), "input, fc1, relu1, fc2, relu2, fc3");
    assertTrue(j.get("cost").get("after").get("lutEquivalents").asLong()
        < j.get("cost").get("before").get("lutEquivalents").asLong());
    double held = j.get("validation").get("accuracy").asDouble();
    double fl = j.get("validation").get("floatAccuracy").asDouble();
    assertTrue(fl - held <= 0.01, "held-out accuracy " + held + " against float " + fl);
    // predict --config reads the written file and reproduces the reported held-out accuracy
    Path y = dir.resolve("y.npy");
    Cli.run("predict", digits("digits_mlp.onnx").toString(), "--input", digits("test_mlp.npy").toString(),
        "--config", cfg.toString(), "--output", y.toString()).assertOk();
    double[] p = ArrayFiles.read(y).data();
    double[] labels = ArrayFiles.read(digits("test_labels.npy")).data();
    int right = 0;
    for (int s = 0; s < labels.length; s++) {
      int best = 0;
      for (int k = 1; k < 10; k++) {
        if (p[s * 10 + k] > p[s * 10 + best]) {
          best = k;
        }
      }
      right += best == (int) labels[s] ? 1 : 0;
    }
    assertEquals(held, right / (double) labels.length, 1e-12);
  }

  @Test
  void anAlreadyQuantizedModelIsMappedExactly(@TempDir Path dir) throws IOException {
    Path model = Cli.sharedModel("sonos_tract/onnx/test_cases/qrelu_1/model.onnx");
    Path x = dir.resolve("x.npy");
    ArrayFiles.write(x, new dev.tessera.ir.interp.NdArray(new long[] {2, 10}, new double[20]),
        dev.tessera.ir.io.NpyDType.FLOAT32);
    Path cfg = dir.resolve("q.yml");
    Cli.Result r = Cli.run("quantize", model.toString(), "--calib", x.toString(), "--out", cfg.toString())
        .assertOk();
    assertTrue(r.out().contains("exact: the model has its own quantizers"), r.out());
    assertTrue(Files.readString(cfg).contains("'Relu_4':"), Files.readString(cfg));
  }

  @Test
  void userErrorsAreOneLine(@TempDir Path dir) {
    String m = digits("digits_mlp.onnx").toString();
    String x = digits("calib_mlp.npy").toString();
    String out = dir.resolve("c.yml").toString();
    assertTrue(Cli.run("quantize", m, "--out", out).assertUserError().err()
        .contains("give exactly one of --calib X and --synthetic N"));
    assertTrue(Cli.run("quantize", m, "--calib", x, "--synthetic", "10", "--out", out).assertUserError().err()
        .contains("exactly one of"));
    assertTrue(Cli.run("quantize", m, "--calib", x, "--max-accuracy-drop", "0.01", "--out", out)
        .assertUserError().err().contains("--max-accuracy-drop needs --labels"));
    assertTrue(Cli.run("quantize", m, "--calib", x, "--out", dir.resolve("c.json").toString())
        .assertUserError().err().contains("must end in .yml or .yaml"));
    assertTrue(Cli.run("quantize", m, "--calib", x, "--method", "median", "--out", out).assertUserError().err()
        .contains("--method 'median' must be minmax, percentile, mse or kl"));
    assertTrue(Cli.run("quantize", m, "--calib", x, "--labels", digits("test_labels.npy").toString(), "--out",
        out).assertUserError().err().contains("has 450 labels for 500 samples"));
    assertEquals(List.of(), List.of(dir.toFile().list()), "nothing written on errors");
  }

  @Test
  void referenceMeasuresTheBudgetAgainstTheOriginalOfAPrunedModel(@TempDir Path dir) throws IOException {
    Path calib = Cli.root().resolve("examples/physics-triggers/jet-tagger/calib.npy");
    Path pruned = dir.resolve("pruned.onnx");
    Cli.run("prune", Cli.jetTagger().toString(), "--calib", calib.toString(), "--budget", "macs<=0.5", "--out",
        pruned.toString(), "--no-compare").assertOk();
    Path cfg = dir.resolve("q.yml");
    Path report = dir.resolve("q.json");
    Cli.Result r = Cli.run("quantize", pruned.toString(), "--calib", calib.toString(), "--reference",
        Cli.jetTagger().toString(), "--min-agreement", "0.97", "--probes", "0", "--max-width", "12", "--out",
        cfg.toString(), "--report", report.toString()).assertOk();
    assertTrue(r.out().contains("reference " + Cli.jetTagger()), r.out());
    int[] fixed = Cli.decisions(pruned, cfg, calib, dir.resolve("fixed.npy"));
    double vsOriginal = Cli.agreement(fixed, Cli.decisions(Cli.jetTagger(), null, calib, dir.resolve("f.npy")));
    double vsPruned = Cli.agreement(fixed, Cli.decisions(pruned, null, calib, dir.resolve("p.npy")));
    JsonNode j = new ObjectMapper().readTree(report.toFile());
    assertEquals(vsOriginal, j.get("quantized").get("agreement").asDouble(), 1e-12);
    assertTrue(vsOriginal != vsPruned, "the check must tell the two references apart");
    assertTrue(j.get("budgetMet").asBoolean() && vsOriginal >= 0.97, j.toString());

    Cli.Result bad = Cli.run("quantize", pruned.toString(), "--calib", calib.toString(), "--reference",
        digits("digits_mlp.onnx").toString(), "--out", dir.resolve("bad.yml").toString()).assertUserError();
    assertTrue(bad.err().contains("reference '" + digits("digits_mlp.onnx") + "' has input 'input' of shape"),
        bad.err());
    assertFalse(Files.exists(dir.resolve("bad.yml")));
  }

  @Test
  void syntheticCalibrationNeedsBatchNormStatistics(@TempDir Path dir) {
    Path noBn = Cli.jetTagger();
    assertTrue(Cli.run("quantize", noBn.toString(), "--synthetic", "20", "--out", dir.resolve("c.yml").toString())
        .assertUserError().err().contains("has no BatchNormalization node"));
  }
}
