package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Runs {@link Main} in-process with captured streams, and finds the test models. */
final class Cli {
  private Cli() {
  }

  /** Exit code and captured output of one run. */
  record Result(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }

    /** Exit 2 with exactly one {@code error: ...} line and no stack trace. */
    Result assertUserError() {
      assertEquals(2, code, () -> "exit code; stderr: " + err + " stdout: " + out);
      assertEquals(1, errLines().size(), () -> "exactly one stderr line, got:\n" + err);
      assertTrue(err.startsWith("error: "), err);
      assertFalse(err.contains("Exception"), () -> "no exception class names in user errors: " + err);
      assertTrue(Character.isLowerCase(err.charAt(7)) || !Character.isLetter(err.charAt(7)),
          () -> "lower-case message: " + err);
      return this;
    }

    Result assertOk() {
      assertEquals(0, code, () -> "exit code; stderr: " + err);
      assertTrue(errLines().stream().allMatch(l -> l.startsWith("warning: ")),
          () -> "only warnings on stderr on success: " + err);
      return this;
    }
  }

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(o, e, args);
    }
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The repository root (system property tessera.root, set by the parent pom, else the parent folder). */
  static Path root() {
    String p = System.getProperty("tessera.root");
    Path r = p != null ? Path.of(p) : Path.of("..").toAbsolutePath().normalize();
    return r.toAbsolutePath().normalize();
  }

  static Path jetTagger() {
    return root().resolve("examples/physics-triggers/jet-tagger/jet_tagger.onnx");
  }

  static Path jetInputs() {
    return root().resolve("examples/physics-triggers/jet-tagger/test_inputs.npy");
  }

  /** A model under ../shared/models (system property tessera.sharedModels); skips the test when absent. */
  static Path sharedModel(String relative) {
    String dir = System.getProperty("tessera.sharedModels");
    Path p = dir == null ? null : Path.of(dir).resolve(relative);
    Assumptions.assumeTrue(p != null && Files.isRegularFile(p),
        "SKIPPED: shared model " + relative + " not found (system property tessera.sharedModels = " + dir + ")");
    return p;
  }

  /** The test model with two outputs (probs, logits), copied out of the test resources. */
  static Path twoOutputs(Path dir) throws java.io.IOException {
    Path p = dir.resolve("two_outputs.onnx");
    try (var in = Cli.class.getResourceAsStream("two_outputs.onnx")) {
      Files.copy(in, p);
    }
    return p;
  }

  /** Files in a folder, for checking that nothing (not even a temporary) was left behind. */
  static List<String> listing(Path dir) throws java.io.IOException {
    try (var s = Files.list(dir)) {
      return s.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * The class decisions (argmax per sample) of {@code model} on the samples of {@code input}, by {@code predict}:
   * float, or fixed point with {@code config} (null: float); the predictions go to {@code output}.
   */
  static int[] decisions(Path model, Path config, Path input, Path output) throws java.io.IOException {
    List<String> args = new java.util.ArrayList<>(List.of("predict", model.toString(), "--input", input.toString(),
        "--output", output.toString()));
    if (config != null) {
      args.addAll(List.of("--config", config.toString()));
    }
    run(args.toArray(String[]::new)).assertOk();
    var a = dev.tessera.ir.io.Npy.read(output);
    int n = (int) a.dim(0);
    int per = a.size() / n;
    int[] c = new int[n];
    for (int s = 0; s < n; s++) {
      for (int k = 1; k < per; k++) {
        if (a.data()[s * per + k] > a.data()[s * per + c[s]]) {
          c[s] = k;
        }
      }
    }
    return c;
  }

  /** Fraction of equal decisions. */
  static double agreement(int[] a, int[] b) {
    assertEquals(a.length, b.length);
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      same += a[i] == b[i] ? 1 : 0;
    }
    return same / (double) a.length;
  }
}
