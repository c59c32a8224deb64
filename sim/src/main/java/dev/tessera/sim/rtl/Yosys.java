package dev.tessera.sim.rtl;

import dev.tessera.sim.ExternalProcess;
import dev.tessera.sim.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Out-of-context synthesis with Yosys 0.23: {@code synth_xilinx -flatten -noiopad -noclkbuf} (7-series cells:
 * LUT6, CARRY4, DSP48E1, RAMB36E1) or {@code synth_ice40}, then {@code stat}. Logic depth is {@code ltp} after the
 * sequential cells are deleted (their outputs start paths, their inputs end them), since {@code ltp -noff} knows only
 * Yosys' internal flip-flops. For iCE40, nextpnr-ice40 gives an Fmax when the design fits a device.
 */
public final class Yosys {

  /** Synthesis targets. */
  public enum Target { XILINX, ICE40 }

  /**
   * One synthesis run.
   *
   * @param resources cell counts and depth
   * @param elapsed Yosys wall time
   * @param fmaxMhz nextpnr's Fmax (iCE40 only, when the design fits)
   * @param placeNote why there is no Fmax, or the device used
   */
  public record Run(Resources resources, Duration elapsed, Optional<Double> fmaxMhz, String placeNote) {}

  private static final Duration LIMIT = Duration.ofMinutes(120);
  private static final Pattern FMAX = Pattern.compile("Max frequency for clock '[^']*': ([0-9.]+) MHz");

  private Yosys() {}

  /** Synthesizes module {@code top} of {@code files} in {@code workDir} (iCE40: with place and route). */
  public static Run synthesize(List<Path> files, String top, Target target, Path workDir) throws IOException {
    return synthesize(files, top, target, workDir, true);
  }

  /** As {@link #synthesize(List, String, Target, Path)}; {@code place} = false skips nextpnr. */
  public static Run synthesize(List<Path> files, String top, Target target, Path workDir, boolean place)
      throws IOException {
    Files.createDirectories(workDir);
    Path stat = workDir.resolve(top + ".stat.txt");
    Path ltp = workDir.resolve(top + ".ltp.txt");
    Path json = workDir.resolve(top + ".ice40.json");
    StringBuilder ys = new StringBuilder("read_verilog -sv");
    for (Path f : files) {
      ys.append(' ').append(quote(f.toAbsolutePath().toString()));
    }
    ys.append('\n');
    if (target == Target.XILINX) {
      ys.append("synth_xilinx -flatten -noiopad -noclkbuf -top ").append(top).append('\n');
      ys.append("tee -q -o ").append(quote(stat.toString())).append(" stat\n");
      ys.append("delete t:FD* t:RAM* t:SRL* t:DSP48* t:RAMB*\n");
    } else {
      ys.append("synth_ice40 -top ").append(top).append(" -json ").append(quote(json.toString())).append('\n');
      ys.append("tee -q -o ").append(quote(stat.toString())).append(" stat\n");
      ys.append("delete t:SB_DFF* t:SB_RAM* t:SB_MAC16\n");
    }
    ys.append("tee -q -o ").append(quote(ltp.toString())).append(" ltp\n");
    Path script = workDir.resolve(top + ".ys");
    Files.writeString(script, ys, StandardCharsets.UTF_8);
    ExternalProcess.Result r = ExternalProcess.run(List.of(Tools.require("yosys").toString(), "-q", "-l",
        workDir.resolve(top + ".yosys.log").toString(), "-s", script.toString()), workDir, LIMIT);
    if (!r.ok() || !Files.exists(stat)) {
      throw new RtlToolException("yosys synthesis of '" + top + "' failed (exit " + r.exitCode() + "):\n"
          + r.tail(30));
    }
    int depth = Resources.depthFromLtp(Files.readString(ltp, StandardCharsets.UTF_8));
    Resources res = Resources.fromStat(Files.readString(stat, StandardCharsets.UTF_8), depth);
    if (target == Target.XILINX) {
      return new Run(res, r.elapsed(), Optional.empty(), "xc7 (out of context)");
    }
    if (!place) {
      return new Run(res, r.elapsed(), Optional.empty(), "not placed");
    }
    return place(json, res, r.elapsed(), workDir, top);
  }

  private static Run place(Path json, Resources res, Duration yosysTime, Path workDir, String top)
      throws IOException {
    Optional<Path> npr = Tools.find("nextpnr-ice40");
    if (npr.isEmpty()) {
      return new Run(res, yosysTime, Optional.empty(), "nextpnr-ice40 is not on the PATH");
    }
    String[][] devices = {{"--up5k", "sg48", "5280"}, {"--hx8k", "ct256", "7680"}};
    String last = "does not fit an iCE40 UP5K or HX8K";
    for (String[] d : devices) {
      if (res.lut() > Long.parseLong(d[2])) {
        continue;
      }
      Path log = workDir.resolve(top + ".nextpnr" + d[0].substring(2) + ".log");
      ExternalProcess.Result r = ExternalProcess.run(List.of(npr.get().toString(), d[0], "--package", d[1], "--json", json.toString(),
          "--pcf-allow-unconstrained", "--freq", "12", "--quiet", "--log", log.toString()), workDir, LIMIT);
      if (!r.ok() || !Files.exists(log)) {
        last = "does not fit " + d[0].substring(2) + "/" + d[1];
        continue;
      }
      Double fmax = null;
      Matcher m = FMAX.matcher(Files.readString(log, StandardCharsets.UTF_8));
      while (m.find()) {
        fmax = Double.parseDouble(m.group(1));
      }
      if (fmax != null) {
        return new Run(res, yosysTime, Optional.of(fmax), "iCE40 " + d[0].substring(2) + "/" + d[1]);
      }
      last = "nextpnr reported no clock on " + d[0].substring(2);
    }
    return new Run(res, yosysTime, Optional.empty(), last);
  }

  private static String quote(String path) {
    if (path.matches("[A-Za-z0-9_./+-]+")) {
      return path;
    }
    return "\"" + path.replace("\"", "\\\"") + "\"";
  }

  /** Text of a run for logs: {@code lut 12 ff 34 ...}. */
  public static String summary(Run run) {
    Resources r = run.resources();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "lut %d ff %d carry %d dsp %d bram %s depth %d (%.1f s)", r.lut(), r.ff(), r.carry(), r.dsp(),
        Double.toString(r.bram()), r.logicDepth(), run.elapsed().toMillis() / 1000.0));
    run.fmaxMhz().ifPresent(f -> sb.append(String.format(Locale.ROOT, " fmax %.1f MHz", f)));
    return sb.toString();
  }
}
