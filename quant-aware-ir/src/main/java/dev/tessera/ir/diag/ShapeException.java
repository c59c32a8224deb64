package dev.tessera.ir.diag;

import java.util.List;

/** One or more static shape violations, collected before failing; the message lists the first and counts the rest. */
public class ShapeException extends TesseraException {
  private static final long serialVersionUID = 1L;
  private final List<String> errors;

  public ShapeException(List<String> errors) {
    super(summary(errors));
    this.errors = List.copyOf(errors);
  }

  private static String summary(List<String> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("no shape errors given");
    }
    return errors.size() == 1 ? errors.get(0)
        : errors.get(0) + " (and " + (errors.size() - 1) + " more shape error" + (errors.size() > 2 ? "s" : "")
            + ")";
  }

  /** Every error, one per line in full. */
  public List<String> errors() {
    return errors;
  }
}
