package dev.tessera.importer;

import dev.tessera.ir.diag.TesseraException;

/** The model imports a version of the default ONNX domain outside the supported range. */
public class UnsupportedOpsetException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public UnsupportedOpsetException(String message) {
    super(message);
  }
}
