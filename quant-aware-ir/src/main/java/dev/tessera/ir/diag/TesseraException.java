package dev.tessera.ir.diag;

/**
 * A user error: bad input, an unsupported construct, a violated rule. The CLI prints its one-line message and exits
 * with code 2. Each kind of diagnostic is a subclass carrying the node, op and tensor it concerns.
 */
public class TesseraException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TesseraException(String message) {
    super(message);
  }

  public TesseraException(String message, Throwable cause) {
    super(message, cause);
  }
}
