package dev.tessera.sim.hls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external command with a time limit, its output captured in files (no pipe can fill up). */
final class ProcessRunner {

  /** Exit code, captured output and wall time of a finished command. */
  record Result(int exitCode, String stdout, String stderr, Duration elapsed) {
  }

  private ProcessRunner() {
  }

  /** Runs {@code command} in {@code dir}; an {@link IOException} when it cannot start or exceeds the limit. */
  static Result run(List<String> command, Path dir, Duration limit) throws IOException {
    Path out = Files.createTempFile("tessera-run", ".out");
    Path err = Files.createTempFile("tessera-run", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
      long t0 = System.nanoTime();
      Process p = pb.start();
      p.getOutputStream().close();
      boolean done;
      try {
        done = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + command.get(0), e);
      }
      if (!done) {
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
