package dev.tessera.ir.grad;

/** How a loss combines the rows (samples) of a batch. */
public enum Reduction {
  /** The mean over rows: the usual training loss. */
  MEAN,
  /**
   * The sum over rows: the gradient of a row's outputs is the gradient of that row's own loss, which per-sample
   * quantities (the empirical Fisher information of {@link MaskGradients}) need.
   */
  SUM
}
