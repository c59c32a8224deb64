package dev.tessera.ir.io;

import dev.tessera.ir.diag.TesseraException;

/** A data file (.npy, .csv, .dat) that cannot be read as an array: bad magic, header, dtype, size or number. */
public class ArrayFormatException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public ArrayFormatException(String message) {
    super(message);
  }
}
