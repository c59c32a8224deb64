package dev.tessera.ir;

/** Overflow (saturation) modes of ap_fixed; see docs/fixed-point.md. */
public enum Overflow {
  /** Keep the low bits (two's complement wrap-around; ap_fixed's default). */
  WRAP,
  /** Clamp to the nearest end of the range. */
  SAT,
  /** Zero on overflow. */
  SAT_ZERO,
  /** Clamp symmetrically to +-(2^(W-1)-1) for signed types. */
  SAT_SYM;

  /** The ap_fixed spelling, e.g. {@code AP_SAT}. */
  public String apName() {
    return "AP_" + name();
  }

  /** Parses {@code SAT} or {@code AP_SAT}, case-insensitive. */
  public static Overflow parse(String s) {
    String t = s.trim().toUpperCase(java.util.Locale.ROOT);
    if (t.startsWith("AP_")) {
      t = t.substring(3);
    }
    for (Overflow o : values()) {
      if (o.name().equals(t)) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown overflow mode '" + s + "'; valid: "
        + java.util.Arrays.toString(values()));
  }
}
