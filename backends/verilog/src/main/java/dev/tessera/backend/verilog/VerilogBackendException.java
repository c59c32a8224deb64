package dev.tessera.backend.verilog;

import java.util.List;

/** The graph cannot be turned into RTL; the message lists every reason, one per line. */
public final class VerilogBackendException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public VerilogBackendException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
