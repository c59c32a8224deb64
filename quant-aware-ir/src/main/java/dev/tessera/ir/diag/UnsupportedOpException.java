package dev.tessera.ir.diag;

/** An op, attribute or op/precision combination that Tessera does not support; nothing is ever skipped silently. */
public class UnsupportedOpException extends NodeException {
  private static final long serialVersionUID = 1L;

  public UnsupportedOpException(String node, String op, String detail) {
    super(node, op, detail);
  }
}
