package dev.tessera.sim.rtl;

import dev.tessera.backend.verilog.RtlProject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code tessera report DIR --synth}: Yosys resources of an RTL folder, per layer module (each synthesized out of
 * context on its own) and in total (the AXI-Stream top, flattened, stream adapter included).
 *
 * @param target synthesis target
 * @param top the synthesized top
 * @param layers per layer module (empty when not asked for)
 * @param total the whole design
 * @param elapsed Yosys wall time, all runs
 * @param fmaxMhz nextpnr Fmax of the whole design (iCE40, when it fits)
 * @param note device used or why there is no Fmax
 */
public record YosysReport(Yosys.Target target, String top, Map<String, Resources> layers, Resources total,
    Duration elapsed, Optional<Double> fmaxMhz, String note) {

  public YosysReport {
    layers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(layers));
  }

  /** Synthesizes the folder {@code dir}; {@code perLayer} adds one run per layer module. */
  public static YosysReport run(Path dir, Yosys.Target target, boolean perLayer, Path workDir) throws IOException {
    RtlProject p = RtlProject.read(dir);
    List<Path> files = new ArrayList<>();
    for (String s : p.sources()) {
      files.add(dir.resolve(s));
    }
    Files.createDirectories(workDir);
    Map<String, Resources> layers = new LinkedHashMap<>();
    Duration t = Duration.ZERO;
    if (perLayer) {
      for (RtlProject.Layer l : p.layers()) {
        Yosys.Run r = Yosys.synthesize(files, l.module(), target == Yosys.Target.ICE40 ? Yosys.Target.ICE40
            : Yosys.Target.XILINX, workDir.resolve(l.module()), false);
        layers.put(l.module(), r.resources());
        t = t.plus(r.elapsed());
      }
    }
    Yosys.Run all = Yosys.synthesize(files, p.top(), target, workDir.resolve(p.top()), true);
    t = t.plus(all.elapsed());
    return new YosysReport(target, p.top(), layers, all.resources(), t, all.fmaxMhz(), all.placeNote());
  }

  /** JSON with a {@code total} object (lut, ff, carry, dsp, bram, depth) and one object per layer. */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"target\": \"").append(target == Yosys.Target.XILINX ? "xilinx" : "ice40").append("\",\n");
    sb.append("  \"top\": \"").append(top).append("\",\n");
    sb.append("  \"seconds\": ").append(String.format(Locale.ROOT, "%.1f", elapsed.toMillis() / 1000.0))
        .append(",\n");
    fmaxMhz.ifPresent(f -> sb.append("  \"fmax_mhz\": ").append(String.format(Locale.ROOT, "%.1f", f))
        .append(",\n"));
    sb.append("  \"note\": \"").append(note.replace("\"", "'")).append("\",\n");
    sb.append("  \"layers\": {");
    int i = 0;
    for (Map.Entry<String, Resources> e : layers.entrySet()) {
      sb.append(i++ == 0 ? "\n" : ",\n").append("    \"").append(e.getKey()).append("\": ")
          .append(e.getValue().toJson());
    }
    sb.append(layers.isEmpty() ? "},\n" : "\n  },\n");
    sb.append("  \"total\": ").append(total.toJson()).append("\n}\n");
    return sb.toString();
  }

  /** A text table: one row per layer, then the total. */
  public String table() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-48s %9s %9s %7s %5s %6s %6s%n", "module",
        "LUT", "FF", "CARRY", "DSP", "BRAM", "depth"));
    for (Map.Entry<String, Resources> e : layers.entrySet()) {
      sb.append(row(e.getKey(), e.getValue()));
    }
    sb.append(row("total (" + top + ")", total));
    fmaxMhz.ifPresent(f -> sb.append(String.format(Locale.ROOT, "Fmax %.1f MHz (%s)%n", f, note)));
    return sb.toString();
  }

  private static String row(String name, Resources r) {
    return String.format(Locale.ROOT, "%-48s %9d %9d %7d %5d %6s %6d%n", name, r.lut(), r.ff(), r.carry(), r.dsp(),
        r.bram() == Math.rint(r.bram()) ? Long.toString((long) r.bram()) : Double.toString(r.bram()),
        r.logicDepth());
  }
}
