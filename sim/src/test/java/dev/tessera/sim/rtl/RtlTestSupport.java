package dev.tessera.sim.rtl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.sim.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Shared helpers of the RTL tests: tool checks (skip or fail) and test resources as files. */
final class RtlTestSupport {
  private RtlTestSupport() {}

  /** Skips the test with a loud message when a tool is missing, or fails when tools are required. */
  static void requireTool(String tool) {
    Optional<String> reason = Tools.skipReason(tool);
    reason.ifPresent(System.err::println);
    assumeTrue(reason.isEmpty(), reason.orElse(""));
  }

  /** Copies test resource {@code rtl/name} into {@code dir}. */
  static Path resource(String name, Path dir) throws IOException {
    try (InputStream in = RtlTestSupport.class.getResourceAsStream("/rtl/" + name)) {
      if (in == null) {
        throw new IOException("test resource rtl/" + name + " is missing");
      }
      Path p = dir.resolve(name);
      Files.write(p, in.readAllBytes());
      return p;
    }
  }
}
