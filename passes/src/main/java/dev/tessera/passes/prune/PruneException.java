package dev.tessera.passes.prune;

import dev.tessera.ir.diag.TesseraException;

/** A pruning request that cannot be met: nothing is prunable, or the budget is below what pruning can reach. */
public class PruneException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public PruneException(String message) {
    super(message);
  }
}
