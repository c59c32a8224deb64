package dev.tessera.passes.quant.calib;

import dev.tessera.ir.interp.NdArray;
import java.util.Arrays;

/**
 * Collects sample activations of one tensor over many batches and calibrates them, per tensor or per channel along
 * an axis. Min-max keeps only running extremes; the other methods keep every sample (8 bytes each).
 */
public final class RangeObserver {

  private final CalibrationMethod method;
  private final int axis;
  private long[] shapeSeen;
  private Buffer[] channels;

  private RangeObserver(CalibrationMethod method, int axis) {
    if (method == null) {
      throw new IllegalArgumentException("range observer needs a calibration method");
    }
    this.method = method;
    this.axis = axis;
  }

  /** One range for the whole tensor. */
  public static RangeObserver perTensor(CalibrationMethod method) {
    return new RangeObserver(method, -1);
  }

  /** One range per index of {@code axis} (e.g. 1 for NCHW channels). */
  public static RangeObserver perChannel(CalibrationMethod method, int axis) {
    if (axis < 0) {
      throw new IllegalArgumentException("channel axis " + axis + " must be >= 0");
    }
    return new RangeObserver(method, axis);
  }

  /** Adds a batch; every batch must have the same size along the channel axis. */
  public void observe(NdArray batch) {
    observe(batch.data(), batch.shape());
  }

  /** Adds row-major values of the given shape. */
  public void observe(double[] values, long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException("batch of shape " + Arrays.toString(shape) + " needs " + n
          + " values, got " + values.length);
    }
    if (axis < 0) {
      ensure(1, shape);
      channels[0].add(values, 0, values.length);
      return;
    }
    if (axis >= shape.length) {
      throw new IllegalArgumentException("channel axis " + axis + " is out of range for a batch of rank "
          + shape.length);
    }
    int c = Math.toIntExact(shape[axis]);
    ensure(c, shape);
    long inner = 1;
    for (int a = axis + 1; a < shape.length; a++) {
      inner *= shape[a];
    }
    long outer = c == 0 ? 0 : values.length / (c * inner);
    int in = Math.toIntExact(inner);
    for (long o = 0; o < outer; o++) {
      for (int ch = 0; ch < c; ch++) {
        int base = Math.toIntExact((o * c + ch) * inner);
        channels[ch].add(values, base, in);
      }
    }
  }

  private void ensure(int c, long[] shape) {
    if (channels == null) {
      channels = new Buffer[c];
      for (int i = 0; i < c; i++) {
        channels[i] = new Buffer(method instanceof MinMax);
      }
      shapeSeen = shape.clone();
    } else if (channels.length != c) {
      throw new IllegalArgumentException("batch of shape " + Arrays.toString(shape) + " has " + c
          + " channels along axis " + axis + "; earlier batches " + Arrays.toString(shapeSeen) + " had "
          + channels.length);
    }
  }

  /** Number of samples seen (per channel for a per-channel observer). */
  public long count() {
    return channels == null ? 0 : channels[0].size;
  }

  /** The calibrated range of a per-tensor observer. */
  public Range range() {
    if (axis >= 0) {
      throw new IllegalStateException("per-channel observer: use channelRanges()");
    }
    return ranges()[0];
  }

  /** One calibrated range per channel. */
  public Range[] channelRanges() {
    if (axis < 0) {
      throw new IllegalStateException("per-tensor observer: use range()");
    }
    return ranges();
  }

  private Range[] ranges() {
    if (channels == null) {
      throw new IllegalStateException("no calibration samples observed");
    }
    Range[] r = new Range[channels.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = channels[i].range(method);
    }
    return r;
  }

  /** Growable storage of one channel's samples (or only its extremes). */
  private static final class Buffer {
    private final boolean extremesOnly;
    private double[] data = new double[0];
    private long size;
    private double lo = Double.POSITIVE_INFINITY;
    private double hi = Double.NEGATIVE_INFINITY;

    Buffer(boolean extremesOnly) {
      this.extremesOnly = extremesOnly;
    }

    void add(double[] values, int from, int count) {
      for (int i = 0; i < count; i++) {
        double v = values[from + i];
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("calibration sample " + (size + i) + " is " + v
              + "; samples must be finite");
        }
      }
      if (extremesOnly) {
        for (int i = 0; i < count; i++) {
          double v = values[from + i];
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        size += count;
        return;
      }
      int used = (int) size;
      if ((long) used + count > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("more than " + (Integer.MAX_VALUE - 8)
            + " calibration samples for one channel; use fewer batches or min-max");
      }
      if (used + count > data.length) {
        data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8,
            Math.max((long) used + count, 2L * data.length + 16)));
      }
      System.arraycopy(values, from, data, used, count);
      size += count;
    }

    Range range(CalibrationMethod method) {
      if (size == 0) {
        throw new IllegalArgumentException("no calibration samples");
      }
      return extremesOnly ? new Range(lo, hi) : method.range(Arrays.copyOf(data, (int) size));
    }
  }
}
