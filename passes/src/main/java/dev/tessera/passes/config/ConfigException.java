package dev.tessera.passes.config;

import dev.tessera.ir.diag.TesseraException;

/** A precision configuration that cannot be read or does not fit the graph; the message names the key path. */
public class ConfigException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
