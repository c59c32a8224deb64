package dev.tessera.passes.quant.search;

import dev.tessera.ir.FixedType;
import dev.tessera.passes.config.LayerConfig;
import dev.tessera.passes.config.PrecisionConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link PrecisionConfig} as the YAML that {@link dev.tessera.passes.config.ConfigLoader} reads, in
 * hls4ml's vocabulary: {@code Model}, {@code LayerName.<node>}, {@code InputPrecision.<input>}. Every name and type
 * is single-quoted, so any node name survives the round trip.
 */
public final class ConfigWriter {

  private ConfigWriter() {}

  /** The YAML text, with the given comment lines (without '#') on top. */
  public static String yaml(PrecisionConfig c, List<String> comments) {
    StringBuilder sb = new StringBuilder();
    for (String line : comments) {
      sb.append("# ").append(line.replace('\n', ' ')).append('\n');
    }
    sb.append("Model:\n");
    LayerConfig m = c.model();
    List<String> prec = precision(m);
    prec.add(0, "default: " + q(c.defaultType()));
    sb.append("  Precision: {").append(String.join(", ", prec)).append("}\n");
    settings(sb, m, "  ");
    if (!c.layers().isEmpty()) {
      sb.append("LayerName:\n");
      for (Map.Entry<String, LayerConfig> e : c.layers().entrySet()) {
        sb.append("  ").append(q(e.getKey())).append(":");
        LayerConfig l = e.getValue();
        List<String> p = precision(l);
        StringBuilder body = new StringBuilder();
        if (!p.isEmpty()) {
          body.append("    Precision: {").append(String.join(", ", p)).append("}\n");
        }
        settings(body, l, "    ");
        sb.append(body.length() == 0 ? " {}\n" : "\n" + body);
      }
    }
    if (!c.inputs().isEmpty()) {
      sb.append("InputPrecision:\n");
      for (Map.Entry<String, FixedType> e : c.inputs().entrySet()) {
        sb.append("  ").append(q(e.getKey())).append(": ").append(q(e.getValue())).append('\n');
      }
    }
    return sb.toString();
  }

  private static List<String> precision(LayerConfig l) {
    List<String> p = new ArrayList<>();
    add(p, "weight", l.weight());
    add(p, "bias", l.bias());
    add(p, "result", l.result());
    add(p, "accum", l.accum());
    add(p, "table", l.table());
    add(p, "param", l.param());
    return p;
  }

  private static void add(List<String> p, String key, FixedType t) {
    if (t != null) {
      p.add(key + ": " + q(t));
    }
  }

  private static void settings(StringBuilder sb, LayerConfig l, String indent) {
    if (l.reuseFactor() != null) {
      sb.append(indent).append("ReuseFactor: ").append(l.reuseFactor()).append('\n');
    }
    if (l.strategy() != null) {
      sb.append(indent).append("Strategy: ").append(l.strategy().display()).append('\n');
    }
    if (l.softmaxMode() != null) {
      sb.append(indent).append("SoftmaxMode: ").append(l.softmaxMode().name().toLowerCase(java.util.Locale.ROOT))
          .append('\n');
    }
    if (l.tableSize() != null) {
      sb.append(indent).append("TableSize: ").append(l.tableSize()).append('\n');
    }
  }

  private static String q(FixedType t) {
    return q(t.toString());
  }

  private static String q(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
