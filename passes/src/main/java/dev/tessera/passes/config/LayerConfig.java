package dev.tessera.passes.config;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.op.SoftmaxMode;
import java.util.Optional;

/**
 * The settings of one layer (or the model-wide ones) in hls4ml's vocabulary. Every field is nullable: null means
 * "not set here", and the effective setting comes from the model level or the built-in default
 * (docs/fixed-point.md). The {@code Optional} accessors read more naturally at call sites.
 *
 * @param weight type of weights (Dense/Conv kernels, BatchNorm scale, Mul constants)
 * @param bias type of biases (Dense/Conv bias, BatchNorm shift, Add/Sub constants)
 * @param result type of the layer's output tensor
 * @param accum Dense/Conv accumulator type; unset means sized so that no overflow can happen
 * @param table type of lookup-table entries
 * @param param type of op parameters such as LeakyRelu's alpha
 * @param tableSize number of lookup-table entries (a power of two)
 * @param softmaxMode how a Softmax is computed
 * @param reuseFactor multiplier reuse for the backends (at least 1)
 * @param strategy Latency or Resource, for the backends
 */
public record LayerConfig(FixedType weight, FixedType bias, FixedType result, FixedType accum, FixedType table,
    FixedType param, Integer tableSize, SoftmaxMode softmaxMode, Integer reuseFactor, Strategy strategy) {

  /** Nothing set. */
  public static final LayerConfig EMPTY = new LayerConfig(null, null, null, null, null, null, null, null, null, null);

  public LayerConfig {
    if (tableSize != null && (tableSize < 2 || Integer.bitCount(tableSize) != 1 || tableSize > (1 << 20))) {
      throw new IllegalArgumentException("table size " + tableSize + " must be a power of two in [2, 1048576]");
    }
    if (reuseFactor != null && reuseFactor < 1) {
      throw new IllegalArgumentException("reuse factor " + reuseFactor + " must be at least 1");
    }
  }

  /** The same weight, bias and result type (hls4ml's {@code Precision: 'fixed<16,6>'} on a layer). */
  public static LayerConfig ofType(FixedType t) {
    return new LayerConfig(t, t, t, null, null, null, null, null, null, null);
  }

  /** This configuration with every field that {@code over} sets replaced by its value. */
  public LayerConfig overriddenBy(LayerConfig over) {
    return new LayerConfig(or(over.weight, weight), or(over.bias, bias), or(over.result, result),
        or(over.accum, accum), or(over.table, table), or(over.param, param), or(over.tableSize, tableSize),
        or(over.softmaxMode, softmaxMode), or(over.reuseFactor, reuseFactor), or(over.strategy, strategy));
  }

  private static <T> T or(T a, T b) {
    return a != null ? a : b;
  }

  public Optional<FixedType> weightType() {
    return Optional.ofNullable(weight);
  }

  public Optional<FixedType> biasType() {
    return Optional.ofNullable(bias);
  }

  public Optional<FixedType> resultType() {
    return Optional.ofNullable(result);
  }

  public Optional<FixedType> accumType() {
    return Optional.ofNullable(accum);
  }

  public Optional<FixedType> tableType() {
    return Optional.ofNullable(table);
  }

  public Optional<FixedType> paramType() {
    return Optional.ofNullable(param);
  }

  public Optional<Integer> tableSizeValue() {
    return Optional.ofNullable(tableSize);
  }

  public Optional<SoftmaxMode> softmax() {
    return Optional.ofNullable(softmaxMode);
  }

  public Optional<Integer> reuse() {
    return Optional.ofNullable(reuseFactor);
  }

  public Optional<Strategy> strategyValue() {
    return Optional.ofNullable(strategy);
  }

  public LayerConfig withWeight(FixedType t) {
    return overriddenBy(new LayerConfig(t, null, null, null, null, null, null, null, null, null));
  }

  public LayerConfig withBias(FixedType t) {
    return overriddenBy(new LayerConfig(null, t, null, null, null, null, null, null, null, null));
  }

  public LayerConfig withResult(FixedType t) {
    return overriddenBy(new LayerConfig(null, null, t, null, null, null, null, null, null, null));
  }

  public LayerConfig withAccum(FixedType t) {
    return overriddenBy(new LayerConfig(null, null, null, t, null, null, null, null, null, null));
  }

  public LayerConfig withTable(FixedType t, Integer size) {
    return overriddenBy(new LayerConfig(null, null, null, null, t, null, size, null, null, null));
  }

  public LayerConfig withSoftmaxMode(SoftmaxMode m) {
    return overriddenBy(new LayerConfig(null, null, null, null, null, null, null, m, null, null));
  }
}
