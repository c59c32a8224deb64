package dev.tessera.ir.interp;

import java.util.Arrays;

/**
 * The window plan of one conv or pooling node, cached for the last input size seen (the spatial size rarely
 * changes between runs; the batch does not enter the plan). Thread-safe: the cache holds an immutable pair.
 */
final class FloatWindows {
  private final long[] kernel;
  private final long[] strides;
  private final long[] padsBegin;
  private final long[] padsEnd;
  private final long[] dilations;
  private volatile Cached last;

  private record Cached(long[] in, long[] out, Kernels.Window window) {}

  FloatWindows(long[] kernel, long[] strides, long[] padsBegin, long[] padsEnd, long[] dilations) {
    this.kernel = kernel.clone();
    this.strides = strides.clone();
    this.padsBegin = padsBegin.clone();
    this.padsEnd = padsEnd.clone();
    this.dilations = dilations == null ? null : dilations.clone();
  }

  /** The kernel size per spatial axis. */
  long[] kernel() {
    return kernel.clone();
  }

  /**
   * The windows for an input spatial size; {@code outSpatial} gives the output size (a ceil-mode pool's declared
   * size) or is null for the floor formula.
   */
  Kernels.Window get(long[] inSpatial, long[] outSpatial) {
    Cached c = last;
    if (c != null && Arrays.equals(c.in, inSpatial) && Arrays.equals(c.out, outSpatial)) {
      return c.window;
    }
    if (inSpatial.length != kernel.length) {
      throw new IllegalArgumentException("input has " + inSpatial.length + " spatial axes but the kernel has "
          + kernel.length);
    }
    long[] out = outSpatial != null ? outSpatial
        : Kernels.windowOutput(inSpatial, kernel, strides, padsBegin, padsEnd, dilations, false);
    Kernels.Window w = Kernels.window(inSpatial, out, kernel, strides, padsBegin, padsEnd, dilations);
    last = new Cached(inSpatial.clone(), outSpatial == null ? null : outSpatial.clone(), w);
    return w;
  }
}
