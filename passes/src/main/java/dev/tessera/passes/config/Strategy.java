package dev.tessera.passes.config;

import java.util.Locale;

/** hls4ml's implementation strategy of a layer; the backends interpret it together with the reuse factor. */
public enum Strategy {
  /** Fully parallel, lowest latency. */
  LATENCY,
  /** Time-multiplexed multipliers (reuse factor > 1), fewer resources. */
  RESOURCE;

  /** Parses {@code Latency} or {@code Resource}, case-insensitive. */
  public static Strategy parse(String s) {
    for (Strategy v : values()) {
      if (v.name().equalsIgnoreCase(s.trim())) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown strategy '" + s + "'; valid: Latency, Resource");
  }

  /** hls4ml's spelling, {@code Latency} or {@code Resource}. */
  public String display() {
    return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
  }
}
