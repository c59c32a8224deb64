package dev.tessera.backend.verilog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tessera.ir.FixedType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code tessera-project.json} of a generated RTL folder: kind "rtl", the AXI-Stream top, the packing of input and
 * output, the latency, the per-layer summary, and the fingerprint of the graph it was generated from, so that
 * {@code tessera verify} recognises the folder and checks that it is given the same graph.
 *
 * @param kind always {@value #KIND}
 * @param formatVersion version of this format
 * @param generator the writer
 * @param model graph name
 * @param top AXI-Stream top module
 * @param core the pipeline core module
 * @param part FPGA part of the Vivado script
 * @param clockMhz clock constraint
 * @param multipliers "shift-add" or "generic"
 * @param pipelineDepth adder levels per register stage
 * @param latency cycles from an input handshake to the output valid, no stall
 * @param coreLatency cycles through the pipeline core
 * @param credits output FIFO entries of the stream adapter
 * @param graphFingerprint {@link dev.tessera.ir.GraphFingerprint} of the quantized graph
 * @param argmax whether the output is the index of the first maximum of the model output
 * @param input input packing
 * @param output output packing
 * @param sources RTL files relative to the folder, in compile order
 * @param layers one entry per layer module
 * @param provenance facts given by the caller (model path, precision, config)
 */
public record RtlProject(String kind, int formatVersion, String generator, String model, String top, String core,
    String part, double clockMhz, String multipliers, int pipelineDepth, int latency, int coreLatency, int credits,
    String graphFingerprint, boolean argmax, Port input, Port output, List<String> sources, List<Layer> layers,
    Map<String, String> provenance) {

  public static final String KIND = "rtl";
  public static final String FILE = "tessera-project.json";
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public RtlProject {
    sources = List.copyOf(sources);
    layers = List.copyOf(layers);
    provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
  }

  /**
   * A stream's packing: element {@code i} in bits {@code [i*elementWidth +: elementWidth]} of tdata.
   *
   * @param tensor graph tensor name
   * @param shape per-sample shape
   * @param type element type in text form (for argmax: {@code ufixed<b,b>}, the index)
   * @param elementWidth bits per element
   * @param elements number of elements
   * @param tdataWidth width of the tdata port (a whole number of bytes)
   */
  public record Port(String tensor, long[] shape, String type, int elementWidth, int elements, int tdataWidth) {
    public FixedType fixedType() {
      return FixedType.parse(type);
    }

    /** Bits used in tdata. */
    public int usedBits() {
      return elementWidth * elements;
    }
  }

  /**
   * One layer module.
   *
   * @param module module name
   * @param node IR node name
   * @param kind what it computes
   * @param latency cycles
   * @param adders adders in its constant products
   * @param multipliers generic multipliers
   * @param depth adder levels
   */
  public record Layer(String module, String node, String kind, int latency, int adders, int multipliers,
      int depth) {}

  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the project description: " + e.getMessage(), e);
    }
  }

  /** Whether {@code dir} holds a project description of kind "rtl". */
  public static boolean isRtlProject(Path dir) {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return false;
    }
    try {
      return KIND.equals(JSON.readTree(f.toFile()).path("kind").asText());
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads the description of the folder; an error naming the folder when it is missing or not an RTL project. */
  public static RtlProject read(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new IOException("'" + dir + "' has no " + FILE + "; it is not a generated project");
    }
    RtlProject p = JSON.readValue(f.toFile(), RtlProject.class);
    if (!KIND.equals(p.kind())) {
      throw new IOException("'" + dir + "' is a project of kind '" + p.kind() + "', not '" + KIND + "'");
    }
    return p;
  }
}
