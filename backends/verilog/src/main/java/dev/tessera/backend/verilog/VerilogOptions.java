package dev.tessera.backend.verilog;

/**
 * Options of the Verilog backend.
 *
 * @param top name of the AXI-Stream top module (the pipeline core is {@code top + "_core"})
 * @param multipliers how constant products are built
 * @param pipelineDepth adder levels between pipeline registers; 0 = {@link #DEFAULT_PIPELINE_DEPTH}
 * @param argmax output the index of the first maximum of the model output instead of the output tensor
 * @param part FPGA part for the Vivado script
 * @param clockMhz target clock for the Vivado constraint
 */
public record VerilogOptions(String top, Multipliers multipliers, int pipelineDepth, boolean argmax, String part,
    double clockMhz) {

  /** Constant multiplication styles. */
  public enum Multipliers {
    /** Shift-add graphs with shared subexpressions (docs/shift-add.md). */
    SHIFT_ADD,
    /** Plain {@code *} per nonzero weight, for comparison and DSP mapping. */
    GENERIC;

    /** Parses {@code shift-add} or {@code generic}. */
    public static Multipliers parse(String s) {
      return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "shift-add", "shift_add", "shiftadd" -> SHIFT_ADD;
        case "generic" -> GENERIC;
        default -> throw new IllegalArgumentException("unknown multiplier style '" + s
            + "'; valid: shift-add, generic");
      };
    }
  }

  /**
   * Default adder levels per pipeline stage: an adder level on UltraScale+ -2 (one LUT, a carry chain of 16 to 30
   * bits in CARRY8 blocks, local routing) takes about 0.8 to 0.9 ns, so 5 levels plus clock-to-out and setup fit a
   * 5 ns clock (200 MHz). This is an estimate from the fabric's published delays, not a Vivado timing run; deeper
   * stages mean fewer registers (the jet tagger at fixed<16,6>: about 40,000 register bits at 4 levels, 27,000 at
   * 5).
   */
  public static final int DEFAULT_PIPELINE_DEPTH = 5;

  /** Default part: a Virtex UltraScale+, as the HLS backend. */
  public static final String DEFAULT_PART = "xcvu13p-flga2577-2-e";

  public VerilogOptions {
    if (top == null || !top.matches("[A-Za-z][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("top module name '" + top + "' is not a legal Verilog identifier");
    }
    if (multipliers == null) {
      throw new IllegalArgumentException("multiplier style must be given");
    }
    if (pipelineDepth < 0) {
      throw new IllegalArgumentException("pipeline depth " + pipelineDepth + " must be at least 1 (or 0 for the"
          + " default)");
    }
    if (!(clockMhz > 0)) {
      throw new IllegalArgumentException("clock " + clockMhz + " MHz must be positive");
    }
    if (part == null || part.isBlank()) {
      throw new IllegalArgumentException("part must be given");
    }
  }

  /** Top "myproject", shift-add, default depth, no argmax, UltraScale+ at 200 MHz. */
  public static VerilogOptions defaults() {
    return new VerilogOptions("myproject", Multipliers.SHIFT_ADD, 0, false, DEFAULT_PART, 200.0);
  }

  /** Adder levels per stage in effect. */
  public int levelsPerStage() {
    return pipelineDepth == 0 ? DEFAULT_PIPELINE_DEPTH : pipelineDepth;
  }

  public VerilogOptions withTop(String t) {
    return new VerilogOptions(t, multipliers, pipelineDepth, argmax, part, clockMhz);
  }

  public VerilogOptions withMultipliers(Multipliers m) {
    return new VerilogOptions(top, m, pipelineDepth, argmax, part, clockMhz);
  }

  public VerilogOptions withPipelineDepth(int k) {
    return new VerilogOptions(top, multipliers, k, argmax, part, clockMhz);
  }

  public VerilogOptions withArgmax(boolean a) {
    return new VerilogOptions(top, multipliers, pipelineDepth, a, part, clockMhz);
  }

  public VerilogOptions withPart(String p) {
    return new VerilogOptions(top, multipliers, pipelineDepth, argmax, p, clockMhz);
  }

  public VerilogOptions withClockMhz(double c) {
    return new VerilogOptions(top, multipliers, pipelineDepth, argmax, part, c);
  }
}
