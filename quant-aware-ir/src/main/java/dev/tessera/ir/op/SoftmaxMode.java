package dev.tessera.ir.op;

/** How a fixed-point Softmax is computed; docs/fixed-point.md defines each. */
public enum SoftmaxMode {
  /** Subtract the maximum, exp table, sum, reciprocal table, multiply. */
  STABLE,
  /** Exp table over the input range without the max subtraction. */
  LATENCY,
  /** One-hot at the first maximum. */
  ARGMAX
}
