package dev.tessera.sim.hls;

import dev.tessera.sim.ExternalProcess;
import dev.tessera.sim.Tools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Compiles C++ test benches with g++ ({@code -O2 -std=c++17}) and runs the programs it built. */
public final class CppCompiler {

  /** The flags of every compile: C++17, optimized, HLS pragmas ignored without a warning. */
  public static final List<String> FLAGS = List.of("-O2", "-std=c++17", "-Wno-unknown-pragmas");

  /** Time limit of one compile. */
  public static final Duration COMPILE_LIMIT = Duration.ofMinutes(5);

  private CppCompiler() {
  }

  /** A compile or run failed; the message holds the command's first lines of output. */
  public static final class CppException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CppException(String message) {
      super(message);
    }
  }

  /**
   * Compiles {@code sources} into the executable {@code exe} with the include folders and extra flags (for
   * example {@code -DTESSERA_FORCE_OWN_FIXED}); returns the wall time. Several sources compile in parallel, one
   * g++ per source, and are then linked.
   */
  public static Duration compile(List<Path> sources, List<Path> includeDirs, List<String> extraFlags, Path exe)
      throws IOException {
    long t0 = System.nanoTime();
    String gpp = Tools.require("g++").toString();
    Path dir = exe.toAbsolutePath().getParent();
    List<String> flags = new ArrayList<>(FLAGS);
    flags.addAll(extraFlags);
    for (Path inc : includeDirs) {
      flags.add("-I" + inc.toAbsolutePath());
    }
    if (sources.size() == 1) {
      List<String> cmd = new ArrayList<>(List.of(gpp));
      cmd.addAll(flags);
      cmd.addAll(List.of(sources.get(0).toAbsolutePath().toString(), "-o", exe.toAbsolutePath().toString()));
      check(ExternalProcess.run(cmd, dir, COMPILE_LIMIT), sources);
      return Duration.ofNanos(System.nanoTime() - t0);
    }
    List<String> objects = new ArrayList<>();
    List<Future<ExternalProcess.Result>> jobs = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(sources.size(),
        Math.max(1, Runtime.getRuntime().availableProcessors())));
    try {
      for (int i = 0; i < sources.size(); i++) {
        String obj = exe.toAbsolutePath() + "." + i + ".o";
        objects.add(obj);
        List<String> cmd = new ArrayList<>(List.of(gpp));
        cmd.addAll(flags);
        cmd.addAll(List.of("-c", sources.get(i).toAbsolutePath().toString(), "-o", obj));
        Callable<ExternalProcess.Result> job = () -> ExternalProcess.run(cmd, dir, COMPILE_LIMIT);
        jobs.add(pool.submit(job));
      }
      for (Future<ExternalProcess.Result> f : jobs) {
        check(get(f), sources);
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> link = new ArrayList<>(List.of(gpp));
    link.addAll(objects);
    link.addAll(List.of("-o", exe.toAbsolutePath().toString()));
    check(ExternalProcess.run(link, dir, COMPILE_LIMIT), sources);
    for (String o : objects) {
      java.nio.file.Files.deleteIfExists(Path.of(o));
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private static ExternalProcess.Result get(Future<ExternalProcess.Result> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while compiling", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("g++ could not run: " + e.getCause(), e.getCause());
    }
  }

  private static void check(ExternalProcess.Result r, List<Path> sources) {
    if (r.exitCode() != 0) {
      throw new CppException("g++ failed (exit " + r.exitCode() + ") compiling " + sources + ":\n"
          + firstLines(r.stderr(), 40));
    }
  }

  /** Runs a program built by {@link #compile}; an error with its output when it exits non-zero. */
  public static Duration run(Path exe, List<String> args, Path workDir, Duration limit) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(exe.toAbsolutePath().toString());
    cmd.addAll(args);
    ExternalProcess.Result r = ExternalProcess.run(cmd, workDir, limit);
    if (r.exitCode() != 0) {
      throw new CppException(exe.getFileName() + " exited with " + r.exitCode() + ":\n"
          + firstLines(r.stderr() + r.stdout(), 40));
    }
    return r.elapsed();
  }

  static String firstLines(String text, int n) {
    String[] lines = text.split("\n", -1);
    if (lines.length <= n) {
      return text.strip();
    }
    return String.join("\n", java.util.Arrays.copyOf(lines, n)) + "\n... (" + (lines.length - n) + " more lines)";
  }
}
