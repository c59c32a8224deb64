package dev.tessera.cli;

import dev.tessera.backend.hls.ProjectDescriptor;
import dev.tessera.backend.verilog.RtlProject;
import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.sim.hls.HlsVerifier;
import dev.tessera.sim.rtl.RtlVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the bit-exact check of a generated project against the fixed-point interpreter: g++ C-simulation for an HLS
 * project, Verilator with random input gaps and output back-pressure for an RTL folder. Shared by {@code verify}
 * and {@code build --verify}.
 */
final class Verification {
  private Verification() {
  }

  /** The kind of a generated folder: "hls" or "rtl"; a user error for anything else. */
  static String kind(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new UserException("'" + dir + "' is not a folder; give a folder written by 'tessera build'");
    }
    if (HlsVerifier.isHlsProject(dir)) {
      return ProjectDescriptor.KIND;
    }
    if (RtlVerifier.isRtlProject(dir)) {
      return RtlProject.KIND;
    }
    throw new UserException("'" + dir + "' holds no project written by 'tessera build' (no tessera-project.json"
        + " of kind hls or rtl)");
  }

  /** Provenance of a generated folder (model and config copies). */
  static Map<String, String> provenance(Path dir) throws IOException {
    return kind(dir).equals(ProjectDescriptor.KIND) ? ProjectDescriptor.read(dir).provenance()
        : RtlProject.read(dir).provenance();
  }

  /**
   * Verifies {@code dir} with {@code vectors} random vectors (or the samples of {@code input}), prints one summary
   * line and returns 0 when every output bit matches, 1 otherwise.
   */
  static int run(Path dir, Graph quantized, int vectors, long seed, NdArray input, PrintWriter out)
      throws IOException {
    if (vectors < 1) {
      throw new UserException("--vectors " + vectors + " must be at least 1");
    }
    String kind = kind(dir);
    List<BigInteger[][]> raw = null;
    if (input != null) {
      String name = quantized.inputs().get(0);
      if (quantized.inputs().size() != 1) {
        throw new UserException("--input works for single-input models; this one has "
            + quantized.inputs().size() + " inputs");
      }
      raw = HlsVerifier.quantizeInputs(quantized, Map.of(name, input));
      if (raw.isEmpty()) {
        throw new UserException("--input holds no samples");
      }
    }
    if (kind.equals(ProjectDescriptor.KIND)) {
      HlsVerifier.Options opts = HlsVerifier.Options.defaults().withVectors(vectors).withSeed(seed);
      if (raw != null) {
        opts = opts.withInputs(raw).withVectors(raw.size());
      }
      HlsVerifier.Result r = HlsVerifier.verify(dir, quantized, opts);
      out.println("hls c-simulation: " + r.summary());
      for (String e : r.examples()) {
        out.println("  mismatch: " + e);
      }
      out.println(r.passed() ? "verify: PASS (bit-exact)" : "verify: FAIL");
      return r.passed() ? Main.OK : Main.INTERNAL_ERROR;
    }
    RtlVerifier.Options opts = RtlVerifier.Options.defaults().withVectors(vectors).withSeed(seed);
    if (raw != null) {
      List<BigInteger[]> vectorsOfPort = new ArrayList<>();
      for (BigInteger[][] v : raw) {
        vectorsOfPort.add(v[0]);
      }
      opts = opts.withInputs(vectorsOfPort);
    }
    RtlVerifier.Result r = RtlVerifier.verify(dir, quantized, opts);
    out.println("verilator: " + r.summary());
    for (String e : r.examples()) {
      out.println("  mismatch: " + e);
    }
    if (!r.lintClean()) {
      out.println("  lint: " + r.lintMessages());
    }
    out.println(r.passed() ? "verify: PASS (bit-exact, latency as documented)" : "verify: FAIL");
    return r.passed() ? Main.OK : Main.INTERNAL_ERROR;
  }
}
