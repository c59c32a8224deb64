package dev.tessera.passes.prune;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pruning budget in hardware terms: {@code macs<=F} keeps at most the fraction F (in (0, 1], or {@code P%}) of the
 * model's multiply-accumulates; {@code lut<=N} and {@code dsp<=N} bound the resource estimate of the quantized design.
 *
 * @param kind what is bounded
 * @param limit the fraction of the original MACs for {@link Kind#MACS}, else the absolute LUT or DSP count
 */
public record PruneBudget(Kind kind, double limit) {

  /** The bounded quantity. */
  public enum Kind {
    MACS("macs"), LUT("lut"), DSP("dsp");

    private final String text;

    Kind(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  private static final Pattern FORM = Pattern.compile(
      "\\s*(macs|lut|dsp)\\s*<=\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*(%?)\\s*");

  public PruneBudget {
    if (kind == null) {
      throw new IllegalArgumentException("budget kind == null");
    }
    if (kind == Kind.MACS && !(limit > 0 && limit <= 1)) {
      throw new IllegalArgumentException("a MAC budget is a fraction of the model's MACs in (0, 1], got " + limit);
    }
    if (kind != Kind.MACS && !(limit >= 0 && limit == Math.rint(limit))) {
      throw new IllegalArgumentException("a " + kind.text + " budget is a whole number >= 0, got " + limit);
    }
  }

  /** Parses {@code macs<=0.5}, {@code macs<=50%}, {@code lut<=8000} or {@code dsp<=0} (case-insensitive). */
  public static PruneBudget parse(String s) {
    Matcher m = FORM.matcher(s == null ? "" : s.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("budget '" + s + "' is not one of 'macs<=F' (F a fraction such as 0.5, or "
          + "50%), 'lut<=N', 'dsp<=N'");
    }
    Kind k = Kind.valueOf(m.group(1).toUpperCase(Locale.ROOT));
    double v = Double.parseDouble(m.group(2));
    if (!m.group(3).isEmpty()) {
      if (k != Kind.MACS) {
        throw new IllegalArgumentException("budget '" + s + "': a percentage is only allowed for macs");
      }
      v /= 100;
    }
    return new PruneBudget(k, v);
  }

  @Override
  public String toString() {
    return kind.text + "<=" + (kind == Kind.MACS ? String.valueOf(limit) : String.valueOf((long) limit));
  }
}
