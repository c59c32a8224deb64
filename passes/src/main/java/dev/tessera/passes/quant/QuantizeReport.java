package dev.tessera.passes.quant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.ir.FixedType;
import dev.tessera.passes.estimate.NodeEstimate;
import dev.tessera.passes.quant.search.Budget;
import dev.tessera.passes.quant.search.LayerReport;
import dev.tessera.passes.quant.search.SearchOptions;
import dev.tessera.passes.quant.search.SearchResult;
import java.util.Locale;

/**
 * The report of a quantization: the options, the metrics of the float model, of the start point and of the result
 * (and on validation data when given), the estimated cost before (uniform baseline precision) and after, and one row
 * per layer (types, calibrated range, overflows on the calibration data, whether interval arithmetic proves the
 * result cannot overflow, the accuracy effect of that layer alone, cost before and after). As JSON (a contract: keys
 * may be added, never renamed or removed) or as a text table.
 */
public final class QuantizeReport {

  private QuantizeReport() {}

  /** JSON of a result; {@code validation} (metrics on held-out data) may be null. */
  public static ObjectNode json(String model, int samples, SearchOptions opts, SearchResult r,
      Budget.Metrics validation) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("model", model);
    root.put("samples", samples);
    root.put("probes", opts.probes());
    root.put("method", opts.method().describe());
    root.put("overflow", opts.overflow().name().toLowerCase(Locale.ROOT));
    root.put("budget", opts.budget().describe());
    root.put("maxWidth", opts.maxWidth());
    root.put("search", opts.search() && !opts.exact());
    root.put("exact", opts.exact());
    root.put("target", opts.estimate().target().name().toLowerCase(Locale.ROOT));
    root.put("budgetMet", r.budgetMet());
    ObjectNode fl = root.putObject("float");
    number(fl, "accuracy", r.metrics().floatAccuracy());
    metrics(root.putObject("start"), r.startMetrics());
    metrics(root.putObject("baseline"), r.baselineMetrics());
    metrics(root.putObject("quantized"), r.metrics());
    if (validation != null) {
      ObjectNode v = root.putObject("validation");
      number(v, "floatAccuracy", validation.floatAccuracy());
      metrics(v, validation);
    }
    ObjectNode cost = root.putObject("cost");
    cost.put("baseline", opts.baseline().toString());
    estimate(cost.putObject("before"), r.before().total());
    estimate(cost.putObject("after"), r.after().total());
    long before = r.before().total().lutEquivalents();
    long after = r.after().total().lutEquivalents();
    cost.put("savedLutEquivalents", before - after);
    number(cost, "savedFraction", before == 0 ? Double.NaN : (double) (before - after) / before);
    ArrayNode layers = root.putArray("layers");
    for (LayerReport l : r.layers()) {
      ObjectNode o = layers.addObject();
      o.put("node", l.node());
      o.put("op", l.op());
      type(o, "weight", l.weight());
      type(o, "bias", l.bias());
      type(o, "result", l.result());
      o.put("bits", l.result().width());
      ArrayNode range = o.putArray("range");
      range.add(l.rangeLo());
      range.add(l.rangeHi());
      number(o, "min", l.min());
      number(o, "max", l.max());
      o.put("overflows", l.overflows());
      o.put("values", l.values());
      o.put("proven", l.proven());
      if (l.alone() != null) {
        metrics(o.putObject("alone"), l.alone());
      } else {
        o.putNull("alone");
      }
      o.put("costBefore", l.costBefore());
      o.put("costAfter", l.costAfter());
    }
    root.put("evaluations", r.evaluations());
    number(root, "seconds", Math.round(r.seconds() * 100) / 100.0);
    ArrayNode notes = root.putArray("notes");
    r.notes().forEach(notes::add);
    return root;
  }

  /** Pretty-printed JSON text. */
  public static String jsonText(ObjectNode n) {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(n) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report: " + e.getMessage(), e);
    }
  }

  /** A fixed-width table: one row per layer, then the totals. */
  public static String table(SearchResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-24s %-8s %-26s %-26s %-28s %-21s %9s %6s %10s %10s%n", "layer", "op",
        "weight", "bias", "result", "range", "overflows", "proven", "cost before", "cost after"));
    for (LayerReport l : r.layers()) {
      String range = Double.isNaN(l.rangeLo()) ? "-" : String.format(Locale.ROOT, "[%.3g, %.3g]", l.rangeLo(),
          l.rangeHi());
      sb.append(String.format(Locale.ROOT, "%-24s %-8s %-26s %-26s %-28s %-21s %9d %6s %10d %10d%n",
          clip(l.node(), 24), clip(l.op(), 8), t(l.weight()), t(l.bias()), t(l.result()), range, l.overflows(),
          l.proven() ? "yes" : "no", l.costBefore(), l.costAfter()));
    }
    sb.append(String.format(Locale.ROOT, "total LUT-equivalents: %d before, %d after (%s saved)%n",
        r.before().total().lutEquivalents(), r.after().total().lutEquivalents(),
        percent(r.before().total().lutEquivalents(), r.after().total().lutEquivalents())));
    return sb.toString();
  }

  private static String percent(long before, long after) {
    return before == 0 ? "-" : String.format(Locale.ROOT, "%.1f %%", 100.0 * (before - after) / before);
  }

  private static String t(FixedType t) {
    return t == null ? "-" : t.toString();
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "~";
  }

  private static void metrics(ObjectNode o, Budget.Metrics m) {
    o.put("samples", m.samples());
    o.put("probes", m.probes());
    number(o, "accuracy", m.accuracy());
    number(o, "agreement", m.agreement());
    number(o, "probeAgreement", m.probeAgreement());
  }

  private static void estimate(ObjectNode o, NodeEstimate e) {
    o.put("lut", e.lut());
    o.put("ff", e.ff());
    o.put("dsp", e.dsp());
    o.put("bram18", e.bram18());
    o.put("latency", e.latency());
    o.put("lutEquivalents", e.lutEquivalents());
  }

  private static void type(ObjectNode o, String key, FixedType t) {
    if (t == null) {
      o.putNull(key);
    } else {
      o.put(key, t.toString());
    }
  }

  /** NaN and infinities become null (JSON has no NaN). */
  private static void number(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }
}
