package dev.tessera.sim.rtl;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resources of one synthesized module, from Yosys {@code stat}.
 *
 * @param lut logic LUTs plus LUTs used as memory or shift registers (Xilinx: LUT1..LUT6, LUTRAM, SRL; iCE40:
 *     SB_LUT4)
 * @param ff flip-flops
 * @param carry carry cells (CARRY4, or SB_CARRY on iCE40)
 * @param dsp DSP blocks (DSP48E1, or SB_MAC16)
 * @param bram block RAMs in 36 Kb units (RAMB18 counts one half; iCE40: SB_RAM40_4K)
 * @param logicDepth cells on the longest combinational path between registers and ports
 * @param cells every cell type and its count
 */
public record Resources(long lut, long ff, long carry, long dsp, double bram, int logicDepth,
    Map<String, Long> cells) {

  public Resources {
    cells = Collections.unmodifiableMap(new TreeMap<>(cells));
  }

  /** LUTs plus 55 LUTs per DSP, the cost measure of the shift-add comparison. */
  public long lutEquivalents() {
    return lut + 55 * dsp;
  }

  /** The JSON object {@code {"lut":..,"ff":..,"carry":..,"dsp":..,"bram":..,"depth":..}}. */
  public String toJson() {
    return String.format(Locale.ROOT, "{\"lut\": %d, \"ff\": %d, \"carry\": %d, \"dsp\": %d, \"bram\": %s, "
        + "\"depth\": %d}", lut, ff, carry, dsp, bram == Math.rint(bram) ? Long.toString((long) bram)
        : Double.toString(bram), logicDepth);
  }

  /** Counts cells of a Yosys {@code stat} report. */
  static Resources fromStat(String stat, int depth) {
    Map<String, Long> cells = new TreeMap<>();
    boolean inCells = false;
    for (String line : stat.split("\n")) {
      String t = line.trim();
      if (t.startsWith("Number of cells:")) {
        inCells = true;
        continue;
      }
      if (!inCells) {
        continue;
      }
      String[] kv = t.split("\\s+");
      if (kv.length == 2 && kv[1].matches("\\d+")) {
        cells.merge(kv[0], Long.parseLong(kv[1]), Long::sum);
      } else if (!t.isEmpty()) {
        inCells = false;
      }
    }
    long lut = 0;
    long ff = 0;
    long carry = 0;
    long dsp = 0;
    double bram = 0;
    for (Map.Entry<String, Long> e : cells.entrySet()) {
      String c = e.getKey();
      long n = e.getValue();
      if (c.matches("LUT[1-6]") || c.equals("SB_LUT4")) {
        lut += n;
      } else if (c.matches("RAM(32M|64M|128X1D|256X1D)") || c.equals("RAM32M16") || c.equals("RAM64M8")) {
        lut += n * lutramLuts(c);
      } else if (c.matches("RAM(32|64)X1D") || c.matches("RAM(32|64|128|256)X1S") || c.startsWith("SRL")) {
        lut += n * lutramLuts(c);
      } else if (c.matches("FD[CPRS]E.*") || c.startsWith("SB_DFF")) {
        ff += n;
      } else if (c.equals("CARRY4") || c.equals("CARRY8") || c.equals("SB_CARRY")) {
        carry += n;
      } else if (c.startsWith("DSP48") || c.equals("SB_MAC16")) {
        dsp += n;
      } else if (c.startsWith("RAMB36")) {
        bram += n;
      } else if (c.startsWith("RAMB18")) {
        bram += 0.5 * n;
      } else if (c.startsWith("SB_RAM40")) {
        bram += n;
      }
    }
    return new Resources(lut, ff, carry, dsp, bram, depth, cells);
  }

  /** LUTs a distributed-RAM or shift-register primitive occupies. */
  private static int lutramLuts(String cell) {
    return switch (cell) {
      case "RAM32M", "RAM64M" -> 4;
      case "RAM32M16", "RAM64M8" -> 8;
      case "RAM32X1D", "RAM64X1D", "RAM128X1S" -> 2;
      case "RAM128X1D", "RAM256X1S" -> 4;
      case "RAM256X1D" -> 8;
      default -> 1;
    };
  }

  /** Parses the length of {@code ltp}'s longest path; 0 when there is none. */
  static int depthFromLtp(String ltp) {
    int d = 0;
    for (String line : ltp.split("\n")) {
      int i = line.indexOf("(length=");
      if (i >= 0) {
        int j = line.indexOf(')', i);
        d = Math.max(d, Integer.parseInt(line.substring(i + 8, j)));
      }
    }
    return d;
  }
}
