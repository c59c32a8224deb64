package dev.tessera.backend.hls;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.diag.TesseraException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable description of a generated project, {@code tessera-project.json}: its kind ("hls"), top
 * function, ports with shapes and fixed-point types, and the fingerprint of the graph it was generated from, so
 * that {@code tessera verify} can recognise the project and check that it is given the same graph.
 *
 * @param kind always {@value #KIND}
 * @param formatVersion version of this format
 * @param generator the Tessera version that wrote it
 * @param model name of the graph
 * @param top top-level C++ function
 * @param part FPGA part
 * @param clockNs clock period in ns
 * @param graphFingerprint {@link dev.tessera.ir.GraphFingerprint} of the quantized graph
 * @param inputs input ports in order
 * @param outputs output ports in order
 * @param provenance facts given by the caller (model path, config, precision)
 */
public record ProjectDescriptor(String kind, int formatVersion, String generator, String model, String top,
    String part, double clockNs, String graphFingerprint, List<PortDescriptor> inputs, List<PortDescriptor> outputs,
    Map<String, String> provenance) {

  public static final String KIND = "hls";
  public static final String FILE = "tessera-project.json";
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public ProjectDescriptor {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
  }

  /**
   * One port of the top function.
   *
   * @param port C++ name of the array parameter
   * @param tensor graph tensor name
   * @param shape per-sample shape (a symbolic batch axis counts as 1)
   * @param type fixed-point type in text form, e.g. {@code fixed<16,6>}
   */
  public record PortDescriptor(String port, String tensor, long[] shape, String type) {

    /** The parsed fixed-point type. */
    public FixedType fixedType() {
      return FixedType.parse(type);
    }

    /** Number of elements. */
    public long size() {
      long n = 1;
      for (long s : shape) {
        n *= s;
      }
      return n;
    }
  }

  /** The JSON text. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot write project description: " + e.getMessage(), e);
    }
  }

  /** Whether {@code dir} holds a Tessera project description. */
  public static boolean isProject(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE));
  }

  /** Reads {@code dir/tessera-project.json}; an error when it is missing, malformed or not an HLS project. */
  public static ProjectDescriptor read(Path dir) {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new TesseraException("'" + dir + "' is not a Tessera project: " + FILE + " is missing");
    }
    ProjectDescriptor d;
    try {
      d = JSON.readValue(f.toFile(), ProjectDescriptor.class);
    } catch (IOException e) {
      throw new TesseraException("cannot read " + f + ": " + e.getMessage(), e);
    }
    if (!KIND.equals(d.kind())) {
      throw new TesseraException(f + " describes a project of kind '" + d.kind() + "', not '" + KIND + "'");
    }
    if (d.formatVersion() != FORMAT_VERSION) {
      throw new TesseraException(f + " has format version " + d.formatVersion() + "; this Tessera reads version "
          + FORMAT_VERSION);
    }
    return d;
  }
}
