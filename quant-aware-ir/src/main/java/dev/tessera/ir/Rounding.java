package dev.tessera.ir;

/** Quantization (rounding) modes of ap_fixed; see docs/fixed-point.md. */
public enum Rounding {
  /** Floor: toward minus infinity (ap_fixed's default). */
  TRN,
  /** Toward zero. */
  TRN_ZERO,
  /** Nearest; ties toward plus infinity. */
  RND,
  /** Nearest; ties toward zero. */
  RND_ZERO,
  /** Nearest; ties toward minus infinity. */
  RND_MIN_INF,
  /** Nearest; ties away from zero. */
  RND_INF,
  /** Nearest; ties to even. */
  RND_CONV;

  /** The ap_fixed spelling, e.g. {@code AP_RND_CONV}. */
  public String apName() {
    return "AP_" + name();
  }

  /** Parses {@code RND_CONV} or {@code AP_RND_CONV}, case-insensitive. */
  public static Rounding parse(String s) {
    String t = s.trim().toUpperCase(java.util.Locale.ROOT);
    if (t.startsWith("AP_")) {
      t = t.substring(3);
    }
    for (Rounding r : values()) {
      if (r.name().equals(t)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown rounding mode '" + s + "'; valid: "
        + java.util.Arrays.toString(values()));
  }
}
