package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A small {@code tessera bench} run: one line per engine with samples per second. */
class BenchTest {
  @Test
  void reportsBothEngines() {
    Cli.Result r = Cli.run("bench", Cli.jetTagger().toString(), "--samples", "3000", "--warmup", "500").assertOk();
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("bench jet_tagger.onnx: 3,000 samples per run, best of 3"), lines.get(0));
    assertTrue(lines.get(1).matches("float\\s+\\d+\\.\\d{3} s\\s+[\\d,]+ samples/s .*"), lines.get(1));
    assertTrue(lines.get(2).matches("fixed<16,6>\\s+\\d+\\.\\d{3} s\\s+[\\d,]+ samples/s .*"), lines.get(2));
  }

  @Test
  void sameSeedSameChecksumFromAFileToo() {
    String a = Cli.run("bench", Cli.jetTagger().toString(), "--samples", "500", "--warmup", "0", "--engine",
        "fixed").assertOk().out();
    String b = Cli.run("bench", Cli.jetTagger().toString(), "--samples", "500", "--warmup", "0", "--engine",
        "fixed", "--batch", "33").assertOk().out();
    assertEquals(checksum(a), checksum(b));
    Cli.Result f = Cli.run("bench", Cli.jetTagger().toString(), "--samples", "1500", "--warmup", "0", "--engine",
        "float", "-i", Cli.jetInputs().toString()).assertOk();
    assertEquals(2, f.out().lines().count(), f.out());
    // softmax outputs: 1,500 rows that each sum to one
    assertEquals(1500.0, Double.parseDouble(checksum(f.out())), 0.01);
  }

  @Test
  void badValues() {
    Cli.run("bench", Cli.jetTagger().toString(), "--samples", "0").assertUserError();
    Cli.run("bench", Cli.jetTagger().toString(), "--engine", "gpu").assertUserError();
    Cli.run("bench", Cli.jetTagger().toString(), "--repeat", "0").assertUserError();
  }

  private static String checksum(String out) {
    String last = out.strip().lines().filter(l -> l.contains("output sum")).reduce((x, y) -> y).orElseThrow();
    return last.substring(last.indexOf("output sum ") + 11, last.lastIndexOf(')'));
  }
}
