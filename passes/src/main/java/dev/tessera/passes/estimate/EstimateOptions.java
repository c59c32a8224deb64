package dev.tessera.passes.estimate;

import dev.tessera.ir.FixedType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of {@link ResourceEstimator}; docs/estimation.md explains every constant and where its default comes from.
 *
 * @param target the implementation style
 * @param reuseFactor hls4ml's ReuseFactor for every node not in {@code reuse} (HLS target only; 1 = fully
 *     parallel); 0 takes each node's {@code hls.reuse_factor.<node>} graph metadata (set by ApplyPrecision from the
 *     config), else 1
 * @param reuse per-node reuse factors, which win over everything else
 * @param dspMinWidth a multiplier goes to DSPs when both operands are at least this wide (hls4ml: 9)
 * @param lutsPerBitProduct LUTs of a LUT multiplier per bit product {@code wa·wb}
 * @param lutsPerDsp LUT-equivalents of one DSP (for {@link NodeEstimate#lutEquivalents()})
 * @param levelsPerStage adder levels between two pipeline registers
 * @param dspLatency cycles of a DSP multiplication (HLS target)
 * @param bramMinBits tables with at least this many bits go to BRAM (HLS target); smaller ones and every table of
 *     the RTL target are LUT ROMs
 * @param assumeType type assumed for tensors that are still float (null: a float tensor is an error)
 * @param lutsPerAdderBit LUTs per full-adder bit of a shift-add adder graph (RTL target)
 * @param exactCmvm RTL target: count the adders of the backend's full shared-subexpression construction (seconds
 *     per layer; for reports) instead of the plain signed-digit graph scaled by the measured sharing factors
 */
public record EstimateOptions(Target target, int reuseFactor, Map<String, Integer> reuse, int dspMinWidth,
    double lutsPerBitProduct, int lutsPerDsp, int levelsPerStage, int dspLatency, int bramMinBits,
    FixedType assumeType, double lutsPerAdderBit, boolean exactCmvm) {

  public EstimateOptions {
    if (target == null) {
      throw new IllegalArgumentException("target == null");
    }
    if (reuseFactor < 0) {
      throw new IllegalArgumentException("reuse factor " + reuseFactor + " must be >= 1 (or 0: from the graph)");
    }
    reuse = Collections.unmodifiableMap(new LinkedHashMap<>(reuse));
    for (Map.Entry<String, Integer> e : reuse.entrySet()) {
      if (e.getValue() < 1) {
        throw new IllegalArgumentException("reuse factor " + e.getValue() + " of node '" + e.getKey()
            + "' must be >= 1");
      }
    }
    if (dspMinWidth < 1 || lutsPerBitProduct <= 0 || lutsPerDsp < 0 || levelsPerStage < 1 || dspLatency < 0
        || bramMinBits < 1 || lutsPerAdderBit <= 0) {
      throw new IllegalArgumentException("dsp min width, luts per bit product, levels per stage and bram min bits "
          + "and luts per adder bit must be positive, luts per dsp and dsp latency non-negative");
    }
  }

  /**
   * Defaults for a target: reuse from the graph metadata, DSP from 9 bits, 0.5 LUT per bit product, 55 LUTs per DSP,
   * 2 adder levels per stage (RTL: 5, the Verilog backend's default pipeline depth), 2-cycle DSPs, BRAM from 4096
   * bits, 0.93 LUT per adder bit (Yosys synth_xilinx on the jet tagger), the fast (scaled) adder count.
   */
  public static EstimateOptions of(Target target) {
    return new EstimateOptions(target, 0, Map.of(), 9, 0.5, 55, target == Target.SHIFT_ADD_RTL ? 5 : 2, 2, 4096,
        null, 0.93, false);
  }

  public static EstimateOptions hls() {
    return of(Target.HLS_LATENCY);
  }

  public static EstimateOptions shiftAdd() {
    return of(Target.SHIFT_ADD_RTL);
  }

  public EstimateOptions withTarget(Target t) {
    return new EstimateOptions(t, reuseFactor, reuse, dspMinWidth, lutsPerBitProduct, lutsPerDsp, levelsPerStage,
        dspLatency, bramMinBits, assumeType, lutsPerAdderBit, exactCmvm);
  }

  public EstimateOptions withReuseFactor(int rf) {
    return new EstimateOptions(target, rf, reuse, dspMinWidth, lutsPerBitProduct, lutsPerDsp, levelsPerStage,
        dspLatency, bramMinBits, assumeType, lutsPerAdderBit, exactCmvm);
  }

  /** The same options with a reuse factor for one node. */
  public EstimateOptions withReuse(String node, int rf) {
    Map<String, Integer> m = new LinkedHashMap<>(reuse);
    m.put(node, rf);
    return new EstimateOptions(target, reuseFactor, m, dspMinWidth, lutsPerBitProduct, lutsPerDsp, levelsPerStage,
        dspLatency, bramMinBits, assumeType, lutsPerAdderBit, exactCmvm);
  }

  public EstimateOptions withDspMinWidth(int w) {
    return new EstimateOptions(target, reuseFactor, reuse, w, lutsPerBitProduct, lutsPerDsp, levelsPerStage,
        dspLatency, bramMinBits, assumeType, lutsPerAdderBit, exactCmvm);
  }

  public EstimateOptions withLevelsPerStage(int levels) {
    return new EstimateOptions(target, reuseFactor, reuse, dspMinWidth, lutsPerBitProduct, lutsPerDsp, levels,
        dspLatency, bramMinBits, assumeType, lutsPerAdderBit, exactCmvm);
  }

  /** The same options assuming {@code type} for float tensors (to estimate a graph before precision is applied). */
  public EstimateOptions withAssumeType(FixedType type) {
    return new EstimateOptions(target, reuseFactor, reuse, dspMinWidth, lutsPerBitProduct, lutsPerDsp,
        levelsPerStage, dspLatency, bramMinBits, type, lutsPerAdderBit, exactCmvm);
  }

  /** The same options counting the backend's exact shared-subexpression adder graphs (RTL target; slow). */
  public EstimateOptions withExactCmvm(boolean exact) {
    return new EstimateOptions(target, reuseFactor, reuse, dspMinWidth, lutsPerBitProduct, lutsPerDsp,
        levelsPerStage, dspLatency, bramMinBits, assumeType, lutsPerAdderBit, exact);
  }

  /**
   * The reuse factor of a node: always 1 on the RTL target (no time multiplexing); else the per-node option, the
   * global option, the graph's {@code hls.reuse_factor.<node>} metadata, or 1.
   */
  public int reuseFor(String node, Map<String, String> metadata) {
    if (target == Target.SHIFT_ADD_RTL) {
      return 1;
    }
    Integer own = reuse.get(node);
    if (own != null) {
      return own;
    }
    if (reuseFactor > 0) {
      return reuseFactor;
    }
    String m = metadata.get("hls.reuse_factor." + node);
    if (m == null) {
      return 1;
    }
    try {
      int rf = Integer.parseInt(m.trim());
      if (rf < 1) {
        throw new NumberFormatException();
      }
      return rf;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("graph metadata hls.reuse_factor." + node + " = '" + m
          + "' is not a reuse factor >= 1");
    }
  }
}
