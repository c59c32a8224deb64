package dev.tessera.ir.grad;

import dev.tessera.ir.interp.NdArray;

/**
 * A scalar loss and its gradient with respect to the array it was computed from.
 *
 * @param value the loss
 * @param gradient dL/d(array), same shape as the array
 */
public record LossValue(double value, NdArray gradient) {}
