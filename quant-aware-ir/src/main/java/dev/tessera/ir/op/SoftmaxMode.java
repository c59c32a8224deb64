package dev.tessera.ir.op;

/** How a fixed-point Softmax is computed; docs/fixed-point.md defines each. */
public enum SoftmaxMode {
  /** Subtract the maximum, exp table, sum, reciprocal table, multiply. */
  STABLE,
  /** Exp table over the input range without the max subtraction. */
  LATENCY,
  /** One-hot at the first maximum. */
  ARGMAX,
  /**
   * I-BERT's integer-only softmax: a config selects it, and the lowering pass before ApplyPrecision turns the node
   * into {@link Op.ISoftmax}; a Softmax op never carries this mode itself.
   */
  INTEGER
}
