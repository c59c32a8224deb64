package dev.tessera.passes.quant.search;

import dev.tessera.ir.FixedType;

/**
 * One row of the quantization report: the types chosen for a node (or graph input), the range its result had on
 * the calibration data, how many calibration values fall outside its result type, whether interval arithmetic
 * proves it cannot overflow, the budget metric with only this layer quantized, and its estimated cost.
 *
 * @param node node name, or the graph input name
 * @param op op kind ({@code Input} for a graph input)
 * @param weight weight type, or null
 * @param bias bias type, or null
 * @param result result type (the input type for a graph input)
 * @param rangeLo calibrated lower end of the result (NaN when unknown)
 * @param rangeHi calibrated upper end
 * @param min exact minimum on the calibration data
 * @param max exact maximum on the calibration data
 * @param overflows calibration values outside the result type's range (they saturate or wrap)
 * @param values calibration values seen
 * @param proven no input the input types hold can overflow the result (interval arithmetic)
 * @param alone the metrics with only this layer at its chosen types and every other searched tensor at the start
 *     width (the accuracy effect of this layer alone); null when the layer kept its start types
 * @param costBefore LUT-equivalents of the node at the baseline precision
 * @param costAfter LUT-equivalents of the node at the chosen precision
 */
public record LayerReport(String node, String op, FixedType weight, FixedType bias, FixedType result,
    double rangeLo, double rangeHi, double min, double max, long overflows, long values, boolean proven,
    Budget.Metrics alone, long costBefore, long costAfter) {}
