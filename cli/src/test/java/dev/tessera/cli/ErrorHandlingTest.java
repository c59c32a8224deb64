package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input gives exit code 2, exactly one {@code error:} line on stderr, no stack trace, and no output file
 * (nor temporary) left behind; an existing output file survives a failed run unchanged.
 */
class ErrorHandlingTest {
  @TempDir
  Path dir;

  private Path out() {
    return dir.resolve("out").resolve("y.npy");
  }

  private Cli.Result predictWith(Path model, Path input, String... extra) throws IOException {
    Files.createDirectories(out().getParent());
    List<String> args = new ArrayList<>(List.of("predict", model.toString(), "--input", input.toString(),
        "--output", out().toString()));
    args.addAll(List.of(extra));
    Cli.Result r = Cli.run(args.toArray(String[]::new));
    assertEquals(List.of(), Cli.listing(out().getParent()), "nothing written on failure");
    return r;
  }

  private Cli.Result badModel(Path model) throws IOException {
    Cli.Result inspect = Cli.run("inspect", model.toString()).assertUserError();
    assertEquals("", inspect.out());
    return predictWith(model, Cli.jetInputs()).assertUserError();
  }

  @Test
  void emptyModelFile() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.onnx"));
    Cli.Result r = badModel(empty);
    assertEquals("error: model file '" + empty + "' is empty", r.err().strip());
  }

  @Test
  void truncatedModel() throws IOException {
    byte[] full = Files.readAllBytes(Cli.jetTagger());
    for (int len : new int[] {7, 100, full.length / 2, full.length - 3}) {
      Path cut = dir.resolve("cut" + len + ".onnx");
      Files.write(cut, java.util.Arrays.copyOf(full, len));
      Cli.Result r = badModel(cut);
      assertTrue(r.err().contains("cut" + len), () -> "names the file: " + r.err());
    }
  }

  @Test
  void randomBytes() throws IOException {
    Random rnd = new Random(42);
    for (int i = 0; i < 5; i++) {
      byte[] b = new byte[200 + 1000 * i];
      rnd.nextBytes(b);
      Path f = dir.resolve("random" + i + ".onnx");
      Files.write(f, b);
      badModel(f);
    }
    Path text = dir.resolve("text.onnx");
    Files.writeString(text, "this is not a model\n");
    badModel(text);
  }

  @Test
  void folderAndMissingFile() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("model.onnx"));
    assertEquals("error: model '" + folder + "' is a folder, not a file", badModel(folder).err().strip());
    Path missing = dir.resolve("missing.onnx");
    assertEquals("error: model file '" + missing + "' does not exist", badModel(missing).err().strip());
  }

  @Test
  void badInputFiles() throws IOException {
    Path empty = Files.createFile(dir.resolve("x.npy"));
    predictWith(Cli.jetTagger(), empty).assertUserError();
    Path missing = dir.resolve("nope.npy");
    assertEquals("error: input file '" + missing + "' does not exist",
        predictWith(Cli.jetTagger(), missing).assertUserError().err().strip());
    Path json = Files.writeString(dir.resolve("x.json"), "[1,2]");
    assertTrue(predictWith(Cli.jetTagger(), json).assertUserError().err().contains("unsupported extension"));
    Path ragged = Files.writeString(dir.resolve("x.csv"), "1,2,3\n4,5\n");
    predictWith(Cli.jetTagger(), ragged).assertUserError();
    byte[] npy = Files.readAllBytes(Cli.jetInputs());
    Path truncated = dir.resolve("trunc.npy");
    Files.write(truncated, java.util.Arrays.copyOf(npy, npy.length - 10));
    assertTrue(predictWith(Cli.jetTagger(), truncated).assertUserError().err().contains("truncated"));
  }

  @Test
  void wrongNumberOfFeaturesIsAShapeError() throws IOException {
    Path x = Files.writeString(dir.resolve("x15.csv"), "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n");
    Cli.Result r = predictWith(Cli.jetTagger(), x).assertUserError();
    assertTrue(r.err().contains("15 values per sample") && r.err().contains("expects 16"), r.err());
  }

  @Test
  void badOptions() throws IOException {
    Cli.Result p = predictWith(Cli.jetTagger(), Cli.jetInputs(), "--precision", "fixed<16>").assertUserError();
    assertTrue(p.err().contains("--precision"), p.err());
    predictWith(Cli.jetTagger(), Cli.jetInputs(), "--precision", "banana").assertUserError();
    predictWith(Cli.jetTagger(), Cli.jetInputs(), "--precision", "fixed<0,0>").assertUserError();
    predictWith(Cli.jetTagger(), Cli.jetInputs(), "--dtype", "int7").assertUserError();
    predictWith(Cli.jetTagger(), Cli.jetInputs(), "--batch", "0").assertUserError();
    predictWith(Cli.jetTagger(), Cli.jetInputs(), "--batch", "many").assertUserError();
    Cli.Result u = predictWith(Cli.jetTagger(), Cli.jetInputs(), "--frobnicate").assertUserError();
    assertEquals("error: unknown option: '--frobnicate' (see 'tessera predict --help')", u.err().strip());
    Cli.run("predict", Cli.jetTagger().toString()).assertUserError();
    Cli.run("inspect").assertUserError();
    Cli.run("inspect", "a.onnx", "b.onnx").assertUserError();
    Cli.Result unknown = Cli.run("nonsense").assertUserError();
    assertTrue(unknown.err().startsWith("error: unknown command 'nonsense'; one of inspect, predict, "), unknown.err());
    Cli.Result none = Cli.run().assertUserError();
    assertTrue(none.err().contains("inspect") && none.err().contains("predict"), none.err());
    Path cfg = dir.resolve("missing.yaml");
    predictWith(Cli.jetTagger(), Cli.jetInputs(), "--config", cfg.toString()).assertUserError();
    Path badCfg = Files.writeString(dir.resolve("bad.yaml"), "Model:\n  Precisoin: 'fixed<16,6>'\n");
    predictWith(Cli.jetTagger(), Cli.jetInputs(), "--config", badCfg.toString()).assertUserError();
    Path notYaml = Files.writeString(dir.resolve("bad2.yaml"), "Model: [unclosed\n");
    predictWith(Cli.jetTagger(), Cli.jetInputs(), "--config", notYaml.toString()).assertUserError();
  }

  @Test
  void badOutputs() throws IOException {
    Cli.Result noFolder = Cli.run("predict", Cli.jetTagger().toString(), "-i", Cli.jetInputs().toString(), "-o",
        dir.resolve("no/such/folder/y.npy").toString()).assertUserError();
    assertTrue(noFolder.err().contains("does not exist"), noFolder.err());
    Cli.run("predict", Cli.jetTagger().toString(), "-i", Cli.jetInputs().toString(), "-o", dir.toString())
        .assertUserError();
    Cli.run("predict", Cli.jetTagger().toString(), "-i", Cli.jetInputs().toString(), "-o",
        dir.resolve("y.parquet").toString()).assertUserError();
    assertEquals(List.of(), Cli.listing(dir));
  }

  @Test
  void existingOutputSurvivesAFailure() throws IOException {
    Files.createDirectories(out().getParent());
    Files.writeString(out(), "old");
    Path bad = Files.writeString(dir.resolve("bad.csv"), "1,2\n");
    Cli.run("predict", Cli.jetTagger().toString(), "-i", bad.toString(), "-o", out().toString())
        .assertUserError();
    assertEquals("old", Files.readString(out()));
    assertEquals(List.of("y.npy"), Cli.listing(out().getParent()));
  }

  @Test
  void debugPrintsTheStackTrace() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.onnx"));
    for (String[] args : new String[][] {{"--debug", "inspect", empty.toString()},
        {"inspect", empty.toString(), "--debug"}}) {
      Cli.Result r = Cli.run(args);
      assertEquals(2, r.code());
      assertTrue(r.errLines().size() > 3, r.err());
      assertTrue(r.err().startsWith("error: model file"), r.err());
      assertTrue(r.err().contains("\tat dev.tessera.cli."), r.err());
    }
  }

  @Test
  void unexpectedExceptionsAreInternalErrorsWithAHint() {
    StringWriter sw = new StringWriter();
    int code = new ErrorReport(new PrintWriter(sw), false).failure(new IllegalStateException("boom\nsecond"));
    assertEquals(Main.INTERNAL_ERROR, code);
    assertEquals("error: internal error: IllegalStateException: boom; second (a bug in tessera; rerun with --debug "
        + "for the stack trace)\n", sw.toString().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void helpAndVersionSucceed() {
    Cli.Result help = Cli.run("--help").assertOk();
    assertTrue(help.out().contains("inspect") && help.out().contains("predict") && help.out().contains("bench"));
    Cli.Result predictHelp = Cli.run("predict", "--help").assertOk();
    assertTrue(predictHelp.out().contains("--precision") && predictHelp.out().contains("--fixed"));
    assertTrue(Cli.run("--version").assertOk().out().startsWith("tessera "));
  }
}
