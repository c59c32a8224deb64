package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import java.math.BigInteger;

/**
 * A run-time fixed-point tensor: raw integers of one {@link FixedType}, row-major. Raw values are BigIntegers so
 * any width works; the interpreter computes in long where the bounds allow and stores the result here.
 */
public record FixedArray(FixedType type, long[] shape, BigInteger[] raw) {

  public FixedArray {
    shape = shape.clone();
    if (Tensor.count(shape) != raw.length) {
      throw new IllegalArgumentException("array of shape " + Shape.toString(shape) + " needs "
          + Tensor.count(shape) + " values, got " + raw.length);
    }
  }

  /** Quantizes float values to {@code type} (exact conversion from double, then the type's modes). */
  public static FixedArray quantize(FixedType type, NdArray values) {
    BigInteger[] r = new BigInteger[values.data().length];
    for (int i = 0; i < r.length; i++) {
      r[i] = type.fromDouble(values.data()[i]);
    }
    return new FixedArray(type, values.shape(), r);
  }

  /** The values as doubles. */
  public NdArray toNdArray() {
    double[] d = new double[raw.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = type.toDouble(raw[i]);
    }
    return new NdArray(shape, d);
  }

  public int size() {
    return raw.length;
  }

  @Override
  public String toString() {
    return "FixedArray(" + type + Shape.toString(shape) + ")";
  }
}
