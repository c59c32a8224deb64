package dev.tessera.ir.diag;

import java.util.List;

/** The graph breaks an IR invariant (all violations collected). */
public class GraphInvariantException extends TesseraException {
  private static final long serialVersionUID = 1L;
  private final List<String> violations;

  public GraphInvariantException(List<String> violations) {
    super(violations.get(0) + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : ""));
    this.violations = List.copyOf(violations);
  }

  public List<String> violations() {
    return violations;
  }
}
