package dev.tessera.passes.quant.search;

/**
 * One tensor role whose fraction bits the search chooses: a graph input, the result of a node, or a node's weight
 * or bias constant (the {@code weight} and {@code bias} types of the config).
 *
 * @param role what the knob sets
 * @param node the node name ({@code LayerName} key), or the graph input name for {@link Role#INPUT}
 * @param tensor the tensor it types (the result, the constant, or the input)
 */
public record Knob(Role role, String node, String tensor) {

  /** The config entry a knob sets. */
  public enum Role {
    /** {@code InputPrecision.<input>}. */
    INPUT,
    /** {@code LayerName.<node>.Precision.result}. */
    RESULT,
    /** {@code LayerName.<node>.Precision.weight}. */
    WEIGHT,
    /** {@code LayerName.<node>.Precision.bias}. */
    BIAS
  }

  /** E.g. {@code fc1.weight} or {@code input:input_1}. */
  public String label() {
    return role == Role.INPUT ? "input:" + node : node + "." + role.name().toLowerCase(java.util.Locale.ROOT);
  }
}
