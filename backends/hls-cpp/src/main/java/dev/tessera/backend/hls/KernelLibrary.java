package dev.tessera.backend.hls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The hand-written header-only C++ library that generated projects include: the fixed-point header
 * ({@code tessera_fixed.h}, used when the vendor's {@code ap_fixed.h} is not on the include path), the kernels and
 * the test-bench I/O. The files live in the templates module under {@code tessera/hls/lib/}.
 */
public final class KernelLibrary {

  /** Class-path folder of the library files. */
  public static final String RESOURCE_DIR = "tessera/hls/lib/";

  /** The library's files, in include order. */
  public static final List<String> FILES = List.of(
      "tessera_fixed.h",
      "tessera_types.h",
      "tessera_common.h",
      "tessera_dense.h",
      "tessera_conv.h",
      "tessera_pool.h",
      "tessera_batchnorm.h",
      "tessera_activation.h",
      "tessera_softmax.h",
      "tessera_intops.h",
      "tessera_eltwise.h",
      "tessera_tb.h");

  private KernelLibrary() {
  }

  /** The text of one library file. */
  public static String read(String file) {
    if (!FILES.contains(file)) {
      throw new IllegalArgumentException("no library file '" + file + "'; valid: " + FILES);
    }
    try (InputStream in = KernelLibrary.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + file)) {
      if (in == null) {
        throw new IllegalStateException("library file '" + RESOURCE_DIR + file + "' is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the given library files into {@code dir} (created when needed). */
  public static void copyTo(Path dir, List<String> files) throws IOException {
    Files.createDirectories(dir);
    for (String f : files) {
      Files.writeString(dir.resolve(f), read(f), StandardCharsets.UTF_8);
    }
  }

  /** Copies the whole library into {@code dir}. */
  public static void copyTo(Path dir) throws IOException {
    copyTo(dir, FILES);
  }
}
