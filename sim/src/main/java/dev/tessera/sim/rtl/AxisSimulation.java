package dev.tessera.sim.rtl;

import dev.tessera.sim.ExternalProcess;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a binary built from {@link AxisHarness} on packed input words and reads back outputs and statistics. */
public final class AxisSimulation {

  /**
   * Stimulus options.
   *
   * @param seed seed of the random gaps and stalls
   * @param gapPercent chance per cycle, in percent, that no input is offered (after the calm phase)
   * @param stallPercent chance per cycle, in percent, that m_axis_tready is low (after the calm phase)
   * @param calm vectors sent first back to back with no back-pressure, for latency and throughput
   */
  public record Stimulus(long seed, int gapPercent, int stallPercent, int calm) {
    public Stimulus {
      if (gapPercent < 0 || gapPercent > 95 || stallPercent < 0 || stallPercent > 95) {
        throw new IllegalArgumentException("gap and stall percentages must be in [0, 95]");
      }
      if (calm < 0) {
        throw new IllegalArgumentException("calm vector count must not be negative");
      }
    }
  }

  /**
   * What came out.
   *
   * @param outputs packed output words, in order
   * @param extra outputs beyond the number of inputs (duplicates)
   * @param cycles clock cycles simulated
   * @param latencyMin smallest cycles from an input handshake to its output handshake, calm phase
   * @param latencyMax largest such latency, calm phase
   * @param throughputCalm samples per cycle at the output in the calm phase
   * @param throughputStalled samples per cycle under random gaps and stalls
   * @param elapsed wall time of the simulation
   */
  public record Result(List<BigInteger> outputs, long extra, long cycles, long latencyMin, long latencyMax,
      double throughputCalm, double throughputStalled, Duration elapsed) {
    public Result {
      outputs = List.copyOf(outputs);
    }
  }

  private static final Duration LIMIT = Duration.ofMinutes(30);

  private AxisSimulation() {}

  /** Streams {@code inputs} ({@code inWidth} bits each, non-negative) through {@code executable}. */
  public static Result run(Path executable, List<BigInteger> inputs, int inWidth, Stimulus st, Path workDir)
      throws IOException {
    Files.createDirectories(workDir);
    Path in = workDir.resolve("in.hex");
    Path out = workDir.resolve("out.hex");
    Path stats = workDir.resolve("stats.txt");
    int digits = (inWidth + 3) / 4;
    StringBuilder sb = new StringBuilder();
    for (BigInteger v : inputs) {
      if (v.signum() < 0 || v.bitLength() > inWidth) {
        throw new IllegalArgumentException("input word " + v.toString(16) + " does not fit " + inWidth + " bits");
      }
      String h = v.toString(16);
      sb.append("0".repeat(digits - h.length())).append(h).append('\n');
    }
    Files.writeString(in, sb, StandardCharsets.US_ASCII);
    Files.deleteIfExists(out);
    Files.deleteIfExists(stats);
    ExternalProcess.Result r = ExternalProcess.run(List.of(executable.toAbsolutePath().toString(), in.toString(), out.toString(),
        stats.toString(), Long.toString(st.seed()), Integer.toString(st.gapPercent()),
        Integer.toString(st.stallPercent()), Integer.toString(st.calm())), workDir, LIMIT);
    if (!Files.exists(stats)) {
      throw new RtlToolException("simulation did not finish (exit " + r.exitCode() + "):\n" + r.tail(20));
    }
    Map<String, String> s = new HashMap<>();
    for (String line : Files.readAllLines(stats, StandardCharsets.US_ASCII)) {
      String[] kv = line.trim().split("\\s+");
      if (kv.length == 2) {
        s.put(kv[0], kv[1]);
      }
    }
    List<BigInteger> outs = new ArrayList<>();
    if (Files.exists(out)) {
      for (String line : Files.readAllLines(out, StandardCharsets.US_ASCII)) {
        if (!line.isBlank()) {
          outs.add(new BigInteger(line.trim(), 16));
        }
      }
    }
    return new Result(outs, Long.parseLong(s.get("extra")), Long.parseLong(s.get("cycles")),
        Long.parseLong(s.get("latency_min")), Long.parseLong(s.get("latency_max")),
        Double.parseDouble(s.get("throughput_calm")), Double.parseDouble(s.get("throughput_stalled")),
        r.elapsed());
  }
}
