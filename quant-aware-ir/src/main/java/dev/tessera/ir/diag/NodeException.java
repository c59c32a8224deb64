package dev.tessera.ir.diag;

/** An error about one node: its message starts with {@code node 'name' (Op):}. */
public class NodeException extends TesseraException {
  private static final long serialVersionUID = 1L;
  private final String node;
  private final String op;

  public NodeException(String node, String op, String detail) {
    super("node '" + node + "' (" + op + "): " + detail);
    this.node = node;
    this.op = op;
  }

  public String node() {
    return node;
  }

  public String op() {
    return op;
  }
}
