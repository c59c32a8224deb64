package dev.tessera.cli;

import dev.tessera.ir.diag.TesseraException;

/** A command-line level user error (missing file, bad combination of options): exit code 2, one line. */
public class UserException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public UserException(String message) {
    super(message);
  }
}
