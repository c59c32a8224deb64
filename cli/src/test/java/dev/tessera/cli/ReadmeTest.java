package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two commands at the top of README.md work: the first line's {@code ./tessera} commands run in-process (paths
 * taken relative to the repository root, {@code --output} redirected to a temporary folder), and the second line is
 * the test command that .ci/run calls verbatim.
 */
class ReadmeTest {
  @TempDir
  Path dir;

  private static List<String> quickStart() throws IOException {
    List<String> lines = Files.readAllLines(Cli.root().resolve("README.md"));
    int start = lines.indexOf("```bash");
    assertTrue(start >= 0 && start < 5, "README.md opens with a ```bash block");
    List<String> block = new ArrayList<>();
    for (int i = start + 1; !lines.get(i).equals("```"); i++) {
      block.add(lines.get(i));
    }
    assertEquals(2, block.size(), "exactly two commands: " + block);
    return block;
  }

  @Test
  void firstCommandRuns() throws IOException {
    String line = quickStart().get(0);
    String[] commands = line.split(" && ");
    assertTrue(commands.length >= 2, line);

    for (String c : commands) {
      assertTrue(c.startsWith("./tessera "), c);
      List<String> args = new ArrayList<>();
      for (String a : c.substring("./tessera ".length()).trim().split("\\s+")) {
        // the shell removes single quotes (used around fixed<...> types, whose '<' it would otherwise read)
        args.add(a.length() > 1 && a.startsWith("'") && a.endsWith("'") ? a.substring(1, a.length() - 1) : a);
      }
      Path output = null;
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (i > 0 && (args.get(i - 1).equals("--output") || args.get(i - 1).equals("-o"))) {
          output = dir.resolve(Path.of(a).getFileName());
          args.set(i, output.toString());
        } else if (a.startsWith("out/")) {
          // generated folders go to the test's temporary folder, not into the checkout
          args.set(i, dir.resolve(a).toString());
        } else if (!a.startsWith("-") && Files.exists(Cli.root().resolve(a))) {
          args.set(i, Cli.root().resolve(a).toString());
        }
      }
      Cli.Result r = Cli.run(args.toArray(String[]::new)).assertOk();
      assertTrue(!r.out().isBlank(), c);
      if (output != null) {
        assertEquals(1000, Npy.read(output).dim(0));
      }
    }
  }

  @Test
  void secondCommandIsWhatCiRuns() throws IOException {
    String test = quickStart().get(1);
    List<String> ci = Files.readAllLines(Cli.root().resolve(".ci/run"));
    assertTrue(ci.contains(test), ".ci/run runs '" + test + "' verbatim");
    assertTrue(Files.isExecutable(Cli.root().resolve("tessera")), "./tessera is executable");
    assertTrue(Files.isExecutable(Cli.root().resolve(".ci/run")), ".ci/run is executable");
  }
}
