package dev.tessera.sim.rtl;

/** An external RTL tool (verilator, yosys, nextpnr, the simulation binary) failed; the message says how. */
public final class RtlToolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RtlToolException(String message) {
    super(message);
  }

  public RtlToolException(String message, Throwable cause) {
    super(message, cause);
  }
}
