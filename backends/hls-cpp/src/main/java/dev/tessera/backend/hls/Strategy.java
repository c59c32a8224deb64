package dev.tessera.backend.hls;

import java.util.Arrays;
import java.util.Locale;

/** How a Dense or Conv layer is built, as in hls4ml: all multipliers at once, or each reused. */
public enum Strategy {
  /** Fully unrolled: one multiplier per weight, lowest latency. */
  LATENCY,
  /** Each multiplier reused {@code reuse factor} times, fewer DSPs. */
  RESOURCE;

  /** Parses {@code latency} or {@code resource}, case-insensitive. */
  public static Strategy parse(String s) {
    for (Strategy v : values()) {
      if (v.name().equalsIgnoreCase(s.trim())) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown strategy '" + s + "'; valid: "
        + Arrays.toString(values()).toLowerCase(Locale.ROOT));
  }

  /** The C++ enumerator of tessera_common.h. */
  String cpp() {
    return this == LATENCY ? "tessera::latency" : "tessera::resource";
  }
}
