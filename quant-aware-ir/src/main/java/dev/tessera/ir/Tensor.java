package dev.tessera.ir;

import java.util.Arrays;

/**
 * A constant tensor with a static shape, row-major. A float tensor (any {@link DType}, integers included) holds
 * its values as doubles; a fixed-point tensor holds raw integers of its {@link FixedType} (at most 64 bits wide).
 * The arrays are owned by the tensor: callers must not change them after construction.
 */
public final class Tensor {
  private final ElementType type;
  private final long[] shape;
  private final double[] values;
  private final long[] raw;

  private Tensor(ElementType type, long[] shape, double[] values, long[] raw) {
    this.type = type;
    this.shape = shape.clone();
    this.values = values;
    this.raw = raw;
    long n = count(shape);
    long have = values != null ? values.length : raw.length;
    if (n != have) {
      throw new IllegalArgumentException("tensor of shape " + Shape.toString(shape) + " needs " + n
          + " values, got " + have);
    }
  }

  /** A tensor of ONNX numeric type holding the given values. */
  public static Tensor ofValues(DType type, long[] shape, double[] values) {
    return new Tensor(type, shape, values, null);
  }

  /** A float32 tensor. */
  public static Tensor ofFloats(long[] shape, double... values) {
    return new Tensor(DType.FLOAT, shape, values, null);
  }

  /** A fixed-point tensor from raw integers. */
  public static Tensor ofRaw(FixedType type, long[] shape, long[] raw) {
    if (!type.fitsLong()) {
      throw new IllegalArgumentException("constant of type " + type + " is wider than 64 bits");
    }
    return new Tensor(type, shape, null, raw);
  }

  /** Number of elements of a shape. */
  public static long count(long[] shape) {
    long n = 1;
    for (long s : shape) {
      if (s < 0) {
        throw new IllegalArgumentException("negative dimension in " + Shape.toString(shape));
      }
      n = Math.multiplyExact(n, s);
    }
    return n;
  }

  public ElementType type() {
    return type;
  }

  public boolean isFixed() {
    return raw != null;
  }

  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public long dim(int axis) {
    return shape[axis < 0 ? axis + shape.length : axis];
  }

  public int size() {
    return values != null ? values.length : raw.length;
  }

  /** Values as doubles (raw times LSB for fixed-point tensors). Returns the internal array for float tensors. */
  public double[] values() {
    if (values != null) {
      return values;
    }
    FixedType f = (FixedType) type;
    double[] v = new double[raw.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.toDouble(raw[i]);
    }
    return v;
  }

  public double value(int i) {
    return values != null ? values[i] : ((FixedType) type).toDouble(raw[i]);
  }

  /** Raw integers of a fixed-point tensor (internal array). */
  public long[] raw() {
    if (raw == null) {
      throw new IllegalStateException("tensor of type " + type + " has no raw fixed-point values");
    }
    return raw;
  }

  /** Values as longs (for integer tensors such as shapes and indices). */
  public long[] longs() {
    double[] v = values();
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (long) v[i];
    }
    return out;
  }

  public TensorType tensorType() {
    return new TensorType(type, Shape.of(shape));
  }

  /** The same values with a new shape of the same element count. */
  public Tensor reshape(long[] newShape) {
    return new Tensor(type, newShape, values, raw);
  }

  @Override
  public String toString() {
    return "Tensor(" + type + Shape.toString(shape) + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && t.type.equals(type) && Arrays.equals(t.shape, shape)
        && Arrays.equals(t.values, values) && Arrays.equals(t.raw, raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + type.hashCode();
  }
}
