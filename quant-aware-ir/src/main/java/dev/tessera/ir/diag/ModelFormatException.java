package dev.tessera.ir.diag;

/** The input file is not a model Tessera can read (not ONNX, truncated, external data, ...). */
public class ModelFormatException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
