package dev.tessera.backend.verilog;

import dev.tessera.backend.verilog.rtl.RtlModule;

/**
 * One generated layer module with the tensor it produces.
 *
 * @param node IR node name (or a description for added modules)
 * @param kind what the module computes, for reports
 * @param module the module body
 * @param out the output tensor
 * @param adders two-operand adders in its constant products
 * @param multipliers generic multipliers
 * @param depth adder levels of its constant products
 */
public record LayerRtl(String node, String kind, RtlModule module, TensorDesc out, int adders, int multipliers,
    int depth) {

  /** Latency in clock cycles. */
  public int latency() {
    return module.latency();
  }
}
