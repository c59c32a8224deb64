package dev.tessera.sim;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the external tools (g++, verilator, yosys) on the PATH and decides whether their absence skips or fails a
 * run: with the system property {@code tessera.requireTools=true} (set in CI) a missing tool is an error.
 */
public final class Tools {

  /** System property that turns a missing tool from a skip into a failure. */
  public static final String REQUIRE_PROPERTY = "tessera.requireTools";

  private Tools() {
  }

  /** The executable of that name on the PATH, if any. */
  public static Optional<Path> find(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, tool);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Whether a missing tool must fail instead of skipping. */
  public static boolean required() {
    return Boolean.parseBoolean(System.getProperty(REQUIRE_PROPERTY, "false"));
  }

  /** The path of a tool; an error naming the tool when it is not on the PATH. */
  public static Path require(String tool) {
    return find(tool).orElseThrow(() -> new ToolNotFoundException(tool));
  }

  /**
   * Empty when the tool is there; otherwise the reason to skip, for a test's assumption. Throws
   * {@link ToolNotFoundException} instead when tools are required ({@value #REQUIRE_PROPERTY}).
   */
  public static Optional<String> skipReason(String tool) {
    if (find(tool).isPresent()) {
      return Optional.empty();
    }
    if (required()) {
      throw new ToolNotFoundException(tool);
    }
    return Optional.of("SKIPPED: '" + tool + "' is not on the PATH (install it, or set -D" + REQUIRE_PROPERTY
        + "=true to make this a failure)");
  }

  /** A required external tool is missing. */
  public static final class ToolNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ToolNotFoundException(String tool) {
      super("external tool '" + tool + "' not found on the PATH");
    }
  }
}
