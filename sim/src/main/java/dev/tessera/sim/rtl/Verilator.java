package dev.tessera.sim.rtl;

import dev.tessera.sim.ExternalProcess;
import dev.tessera.sim.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Verilator: strict lint of RTL sources, and a C++ harness build (once) into one simulation binary. */
public final class Verilator {

  /** Outcome of {@code verilator --lint-only -Wall}. */
  public record Lint(boolean clean, String messages) {}

  /** A built simulation binary and the time the build took. */
  public record Build(Path executable, Duration elapsed) {}

  private static final Duration LINT_LIMIT = Duration.ofMinutes(5);
  private static final Duration BUILD_LIMIT = Duration.ofMinutes(60);

  private Verilator() {}

  /** Lints {@code files} with {@code top} as the top module; clean means no warning at all under -Wall. */
  public static Lint lint(List<Path> files, String top) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Tools.require("verilator").toString(), "--lint-only", "-Wall",
        "--top-module", top));
    for (Path f : files) {
      cmd.add(f.toAbsolutePath().toString());
    }
    Path dir = files.isEmpty() ? Path.of(".") : files.get(0).toAbsolutePath().getParent();
    ExternalProcess.Result r = ExternalProcess.run(cmd, dir, LINT_LIMIT);
    String msg = (r.stderr() + r.stdout()).strip();
    return new Lint(r.ok() && msg.isEmpty(), msg);
  }

  /**
   * Verilates {@code files} with the C++ {@code harness} and compiles them with {@code jobs} parallel jobs into
   * {@code workDir}; the binary is {@code workDir/obj/Vsim}. The C++ is compiled with {@code -O0}: for the large
   * generated models of shift-add designs this builds about 2.5 times faster than Verilator's default {@code -Os}
   * (jet tagger: 46 s against 125 s here) and simulates 10,000 vectors in 0.6 s instead of 0.35 s.
   */
  public static Build build(List<Path> files, String top, Path harness, Path workDir, int jobs) throws IOException {
    Files.createDirectories(workDir);
    Path obj = workDir.resolve("obj");
    List<String> cmd = new ArrayList<>(List.of(Tools.require("verilator").toString(), "--cc", "--exe", "--build",
        "-j", Integer.toString(jobs), "-Wno-fatal", "--top-module", top, "-Mdir", obj.toString(), "-o", "Vsim",
        "-MAKEFLAGS", "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0"));
    for (Path f : files) {
      cmd.add(f.toAbsolutePath().toString());
    }
    cmd.add(harness.toAbsolutePath().toString());
    ExternalProcess.Result r = ExternalProcess.run(cmd, workDir, BUILD_LIMIT);
    Path exe = obj.resolve("Vsim");
    if (!r.ok() || !Files.isExecutable(exe)) {
      throw new RtlToolException("verilator build of '" + top + "' failed (exit " + r.exitCode() + "):\n"
          + r.tail(30));
    }
    return new Build(exe, r.elapsed());
  }
}
