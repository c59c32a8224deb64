package dev.tessera.backend.verilog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hand-written Verilog library shipped in the templates module ({@code tessera/rtl/lib}): skid buffer, FIFO and
 * the stream adapter that runs a free-running pipeline behind AXI-Stream ports.
 */
public final class RtlLibrary {

  /** Module (= file) names of the library, in dependency order. */
  public static final List<String> MODULES = List.of("tessera_skid_buffer", "tessera_fifo",
      "tessera_stream_adapter");

  private static final String ROOT = "/tessera/rtl/lib/";

  private RtlLibrary() {}

  /** Text of one library file, e.g. {@code tessera_fifo.v}. */
  public static String source(String fileName) {
    try (InputStream in = RtlLibrary.class.getResourceAsStream(ROOT + fileName)) {
      if (in == null) {
        throw new IllegalStateException("rtl library file '" + fileName + "' is missing from the class path");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rtl library file '" + fileName + "'", e);
    }
  }

  /** Writes every library file into {@code dir}; returns their paths in dependency order. */
  public static List<Path> copyTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    for (String m : MODULES) {
      Path p = dir.resolve(m + ".v");
      Files.writeString(p, source(m + ".v"), java.nio.charset.StandardCharsets.UTF_8);
      out.add(p);
    }
    return out;
  }
}
