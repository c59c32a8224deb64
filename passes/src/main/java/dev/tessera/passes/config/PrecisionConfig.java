package dev.tessera.passes.config;

import dev.tessera.ir.FixedType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ApplyPrecision} needs to quantize a graph, in hls4ml's terms: a model-wide default type, model-wide
 * settings, per-layer overrides by node name, and per-input precision by graph input name. Read one from YAML or JSON
 * with {@link ConfigLoader}; make one in code with {@link #uniform(FixedType)} and the {@code with} methods.
 *
 * @param defaultType the type of everything no other setting covers (hls4ml's {@code Model: Precision: default})
 * @param model model-wide settings (any field may be null)
 * @param layers per-layer settings by node name
 * @param inputs per-input types by graph input name
 */
public record PrecisionConfig(FixedType defaultType, LayerConfig model, Map<String, LayerConfig> layers,
    Map<String, FixedType> inputs) {

  /** hls4ml's default precision, {@code fixed<16,6>}. */
  public static final FixedType HLS4ML_DEFAULT = FixedType.signed(16, 6);

  public PrecisionConfig {
    if (defaultType == null) {
      throw new IllegalArgumentException("a default precision is required");
    }
    model = model == null ? LayerConfig.EMPTY : model;
    layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
  }

  /** Everything at {@code t}: weights, biases, results and inputs; accumulators sized, tables and parameters default. */
  public static PrecisionConfig uniform(FixedType t) {
    return new PrecisionConfig(t, LayerConfig.EMPTY, Map.of(), Map.of());
  }

  /** The effective settings of a layer: the model-wide ones overridden by the layer's own. */
  public LayerConfig layer(String nodeName) {
    LayerConfig own = layers.get(nodeName);
    return own == null ? model : model.overriddenBy(own);
  }

  /** The layer's own settings, if the config names it. */
  public Optional<LayerConfig> layerOverride(String nodeName) {
    return Optional.ofNullable(layers.get(nodeName));
  }

  /** The type of a graph input: its own, else the model's {@code result}, else the default. */
  public FixedType inputType(String input) {
    FixedType t = inputs.get(input);
    return t != null ? t : model.resultType().orElse(defaultType);
  }

  /** A copy with one layer's settings replaced. */
  public PrecisionConfig withLayer(String nodeName, LayerConfig c) {
    Map<String, LayerConfig> m = new LinkedHashMap<>(layers);
    m.put(nodeName, c);
    return new PrecisionConfig(defaultType, model, m, inputs);
  }

  /** A copy with the model-wide settings replaced. */
  public PrecisionConfig withModel(LayerConfig c) {
    return new PrecisionConfig(defaultType, c, layers, inputs);
  }

  /** A copy with one input's type set. */
  public PrecisionConfig withInput(String input, FixedType t) {
    Map<String, FixedType> m = new LinkedHashMap<>(inputs);
    m.put(input, t);
    return new PrecisionConfig(defaultType, model, layers, m);
  }
}
