package dev.tessera.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command (g++, verilator, yosys, a compiled simulation) with a time limit; its output goes to
 * files, so no pipe can fill up, and a command that overruns is killed with its child processes.
 */
public final class ExternalProcess {

  /** Exit code, captured output and wall time of a finished command. */
  public record Result(int exitCode, String stdout, String stderr, Duration elapsed) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** The last lines of stderr then stdout, for error messages. */
    public String tail(int lines) {
      String all = (stderr + "\n" + stdout).strip();
      String[] ls = all.split("\n");
      int from = Math.max(0, ls.length - lines);
      return String.join("\n", List.of(ls).subList(from, ls.length));
    }
  }

  private ExternalProcess() {}

  /** Runs {@code command} in {@code dir}; an {@link IOException} when it cannot start or exceeds the limit. */
  public static Result run(List<String> command, Path dir, Duration limit) throws IOException {
    Path out = Files.createTempFile("tessera-run", ".out");
    Path err = Files.createTempFile("tessera-run", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      long t0 = System.nanoTime();
      Process p = pb.start();
      p.getOutputStream().close();
      boolean done;
      try {
        done = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + command.get(0), e);
      }
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish within " + limit.toSeconds() + " s");
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8), elapsed);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
