package dev.tessera.passes.prune;

import java.util.List;

/**
 * A group of prunable units: the output neurons of a Dense node or the output filters of a Conv node (the
 * producer), the unit-wise nodes their values pass through (BatchNorm, activations, pooling, transposes, a
 * flattening reshape) and the single linear node that reads them (the consumer). Removing unit j removes column j of
 * a Dense weight (filter j of a Conv weight) and its bias, channel j of every BatchNorm or per-channel constant on the
 * way, and the inputs of the consumer that unit j feeds (a row of a Dense weight, a block of rows after a flatten, an
 * input channel of a Conv weight).
 *
 * @param producer the Dense or Conv node whose output units are pruned
 * @param units number of units (Dense: weight columns; Conv: filters)
 * @param unitAxis axis of the units in the producer's output (Dense: last; Conv: 1)
 * @param chain the nodes between producer and consumer, in order, with the unit axis of each node's output
 * @param maskTensor the tensor a unit mask multiplies: the consumer's input, or the input of the flattening reshape
 * @param maskAxis the unit axis of {@code maskTensor}
 * @param consumer the Dense or Conv node that reads the units
 * @param flatten true when a reshape flattens {@code maskTensor} to the consumer's [N, features] input
 */
public record PrunableLayer(String producer, int units, int unitAxis, List<Step> chain, String maskTensor,
    int maskAxis, String consumer, boolean flatten) {

  /** A node of the chain and the unit axis of its output. */
  public record Step(String node, int axis) {}

  public PrunableLayer {
    chain = List.copyOf(chain);
    if (units < 1) {
      throw new IllegalArgumentException("layer '" + producer + "' has " + units + " units");
    }
  }

  /** A node that could not be pruned, and why. */
  public record Skipped(String node, String reason) {}
}
