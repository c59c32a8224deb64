package dev.tessera.passes.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.op.SoftmaxMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link PrecisionConfig} from YAML or JSON written in hls4ml's vocabulary:
 *
 * <pre>
 * Model:
 *   Precision: {default: 'fixed&lt;16,6&gt;', accum: 'fixed&lt;24,12&gt;'}   # or Precision: 'fixed&lt;16,6&gt;'
 *   ReuseFactor: 1
 *   Strategy: Latency
 *   SoftmaxMode: stable            # stable, latency or argmax
 *   TableSize: 1024
 * LayerName:
 *   dense_1:
 *     Precision: {weight: 'fixed&lt;8,2&gt;', bias: 'fixed&lt;8,2&gt;', result: 'fixed&lt;16,6&gt;', accum: ..., table: ..., param: ...}
 *     ReuseFactor: 4
 *     Strategy: Resource
 *     TableSize: 512
 *     SoftmaxMode: argmax
 * InputPrecision:
 *   input_1: 'fixed&lt;16,6&gt;'
 * </pre>
 *
 * A layer's {@code Precision} given as one string sets its weight, bias and result types. Every unknown key and bad
 * value is an error naming its path and the valid choices.
 */
public final class ConfigLoader {

  private static final List<String> TOP = List.of("Model", "LayerName", "InputPrecision");
  private static final List<String> LAYER = List.of("Precision", "ReuseFactor", "Strategy", "TableSize",
      "SoftmaxMode");
  private static final List<String> PRECISION = List.of("default", "weight", "bias", "result", "accum", "table",
      "param");

  private ConfigLoader() {}

  /** Reads a {@code .yml}, {@code .yaml} or {@code .json} file (JSON is read as the YAML subset it is). */
  public static PrecisionConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    try {
      return parse(text);
    } catch (ConfigException e) {
      throw new ConfigException(file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** Parses YAML or JSON text. */
  public static PrecisionConfig parse(String text) {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException("config is not valid YAML or JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return PrecisionConfig.uniform(PrecisionConfig.HLS4ML_DEFAULT);
    }
    return fromTree(root);
  }

  private static PrecisionConfig fromTree(JsonNode root) {
    checkKeys(root, "config", TOP);
    FixedType[] defaultType = {PrecisionConfig.HLS4ML_DEFAULT};
    LayerConfig model = LayerConfig.EMPTY;
    if (root.has("Model")) {
      model = layer(root.get("Model"), "Model", defaultType);
    }
    Map<String, LayerConfig> layers = new LinkedHashMap<>();
    if (root.has("LayerName")) {
      JsonNode ln = object(root.get("LayerName"), "LayerName");
      for (Map.Entry<String, JsonNode> e : ln.properties()) {
        layers.put(e.getKey(), layer(e.getValue(), "LayerName." + e.getKey(), null));
      }
    }
    Map<String, FixedType> inputs = new LinkedHashMap<>();
    if (root.has("InputPrecision")) {
      JsonNode ip = root.get("InputPrecision");
      if (!ip.isObject()) {
        throw new ConfigException("InputPrecision must map input names to types, e.g. {input_1: 'fixed<16,6>'}");
      }
      for (Map.Entry<String, JsonNode> e : ip.properties()) {
        inputs.put(e.getKey(), type(e.getValue(), "InputPrecision." + e.getKey()));
      }
    }
    return new PrecisionConfig(defaultType[0], model, layers, inputs);
  }

  /** One Model or LayerName entry; {@code defaultOut} receives the model's default type (null for layers). */
  private static LayerConfig layer(JsonNode node, String path, FixedType[] defaultOut) {
    object(node, path);
    checkKeys(node, path, LAYER);
    LayerConfig c = LayerConfig.EMPTY;
    JsonNode p = node.get("Precision");
    if (p != null) {
      if (p.isTextual()) {
        FixedType t = type(p, path + ".Precision");
        if (defaultOut != null) {
          defaultOut[0] = t;
        } else {
          c = LayerConfig.ofType(t);
        }
      } else {
        checkKeys(object(p, path + ".Precision"), path + ".Precision", PRECISION);
        FixedType[] f = new FixedType[PRECISION.size()];
        for (int i = 0; i < f.length; i++) {
          JsonNode v = p.get(PRECISION.get(i));
          f[i] = v == null ? null : type(v, path + ".Precision." + PRECISION.get(i));
        }
        if (f[0] != null) {
          if (defaultOut != null) {
            defaultOut[0] = f[0];
          } else {
            c = LayerConfig.ofType(f[0]);
          }
        }
        c = c.overriddenBy(new LayerConfig(f[1], f[2], f[3], f[4], f[5], f[6], null, null, null, null));
      }
    }
    Integer reuse = node.has("ReuseFactor") ? integer(node.get("ReuseFactor"), path + ".ReuseFactor") : null;
    Integer size = node.has("TableSize") ? integer(node.get("TableSize"), path + ".TableSize") : null;
    Strategy strategy = null;
    if (node.has("Strategy")) {
      strategy = parse(node.get("Strategy"), path + ".Strategy", Strategy::parse);
    }
    SoftmaxMode mode = null;
    if (node.has("SoftmaxMode")) {
      mode = parse(node.get("SoftmaxMode"), path + ".SoftmaxMode", ConfigLoader::softmaxMode);
    }
    try {
      return c.overriddenBy(new LayerConfig(null, null, null, null, null, null, size, mode, reuse, strategy));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path + ": " + e.getMessage(), e);
    }
  }

  /** Parses {@code stable}, {@code latency} or {@code argmax}, case-insensitive. */
  public static SoftmaxMode softmaxMode(String s) {
    for (SoftmaxMode m : SoftmaxMode.values()) {
      if (m.name().equalsIgnoreCase(s.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown softmax mode '" + s + "'; valid: stable, latency, argmax, integer");
  }

  private interface Parser<T> {
    T parse(String s);
  }

  private static <T> T parse(JsonNode v, String path, Parser<T> p) {
    if (!v.isTextual()) {
      throw new ConfigException(path + " must be a string, got " + v);
    }
    try {
      return p.parse(v.asText());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path + ": " + e.getMessage(), e);
    }
  }

  private static FixedType type(JsonNode v, String path) {
    return parse(v, path, FixedType::parse);
  }

  private static Integer integer(JsonNode v, String path) {
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new ConfigException(path + " must be an integer, got " + v);
    }
    return v.intValue();
  }

  private static JsonNode object(JsonNode n, String path) {
    if (!n.isObject()) {
      throw new ConfigException(path + " must be a mapping of keys to values, got " + n);
    }
    return n;
  }

  private static void checkKeys(JsonNode n, String path, List<String> valid) {
    object(n, path);
    List<String> bad = new ArrayList<>();
    n.fieldNames().forEachRemaining(k -> {
      if (!valid.contains(k)) {
        bad.add(k);
      }
    });
    if (!bad.isEmpty()) {
      String hint = "";
      for (String k : bad) {
        for (String v : valid) {
          if (v.equalsIgnoreCase(k)) {
            hint = " (keys are case-sensitive: '" + v + "')";
          }
        }
      }
      throw new ConfigException(path + ": unknown key" + (bad.size() > 1 ? "s " : " ") + quoted(bad) + hint
          + "; valid keys: " + String.join(", ", valid));
    }
  }

  private static String quoted(List<String> keys) {
    List<String> q = new ArrayList<>();
    for (String k : keys) {
      q.add("'" + k + "'");
    }
    return String.join(", ", q);
  }
}
