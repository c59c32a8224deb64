package dev.tessera.ir.interp;

import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;

/**
 * A run-time float tensor (row-major doubles) used by the interpreters and the CLI. The data array is owned by the
 * array: do not change it after handing it over.
 */
public record NdArray(long[] shape, double[] data) {

  public NdArray {
    shape = shape.clone();
    if (Tensor.count(shape) != data.length) {
      throw new IllegalArgumentException("array of shape " + Shape.toString(shape) + " needs "
          + Tensor.count(shape) + " values, got " + data.length);
    }
  }

  public static NdArray zeros(long... shape) {
    return new NdArray(shape, new double[Math.toIntExact(Tensor.count(shape))]);
  }

  public static NdArray of(Tensor t) {
    return new NdArray(t.shape(), t.values().clone());
  }

  public int rank() {
    return shape.length;
  }

  public long dim(int axis) {
    return shape[axis < 0 ? axis + shape.length : axis];
  }

  public int size() {
    return data.length;
  }

  /** Rows [from, to) of axis 0. */
  public NdArray slice0(int from, int to) {
    long per = shape[0] == 0 ? 0 : data.length / shape[0];
    long[] s = shape.clone();
    s[0] = to - from;
    double[] d = new double[Math.toIntExact((to - from) * per)];
    System.arraycopy(data, Math.toIntExact(from * per), d, 0, d.length);
    return new NdArray(s, d);
  }

  public NdArray reshape(long... newShape) {
    return new NdArray(newShape, data);
  }

  @Override
  public String toString() {
    return "NdArray" + Shape.toString(shape);
  }
}
