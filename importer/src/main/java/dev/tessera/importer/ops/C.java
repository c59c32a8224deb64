package dev.tessera.importer.ops;

import dev.tessera.importer.Value;
import dev.tessera.ir.DType;
import dev.tessera.ir.Tensor;
import java.util.Arrays;

/**
 * A constant tensor during folding: element type, static shape, row-major values and (for shape tensors) the
 * symbol each element stands for, or null.
 */
record C(DType type, long[] shape, double[] v, String[] sym) {

  static C of(Value value) {
    Tensor t = value.constant();
    return new C(value.dtype(), t.shape(), t.values(), value.symbols());
  }

  static C scalar(DType type, double x) {
    return new C(type, new long[0], new double[] {x}, null);
  }

  static C vector(DType type, long[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return new C(type, new long[] {values.length}, d, null);
  }

  Tensor tensor() {
    return Tensor.ofValues(type, shape, v);
  }

  int size() {
    return v.length;
  }

  int rank() {
    return shape.length;
  }

  long[] longs() {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (long) v[i];
    }
    return out;
  }

  boolean symbolic() {
    return sym != null && Arrays.stream(sym).anyMatch(s -> s != null);
  }

  String symbolAt(int i) {
    return sym == null ? null : sym[i];
  }

  C reshape(long[] newShape) {
    return new C(type, newShape, v, sym);
  }

  /** Rounds a computed value to what the element type can hold (float32 rounding, integer wrap-around). */
  static double fit(DType t, double x) {
    switch (t) {
      case FLOAT:
      case FLOAT16:
      case BFLOAT16:
        return (float) x;
      case DOUBLE:
        return x;
      case BOOL:
        return x != 0 ? 1 : 0;
      default:
        if (Double.isNaN(x)) {
          return 0;
        }
        long l = (long) x;
        return switch (t) {
          case INT8 -> (byte) l;
          case UINT8 -> l & 0xff;
          case INT16 -> (short) l;
          case UINT16 -> l & 0xffff;
          case INT32 -> (int) l;
          case UINT32 -> l & 0xffffffffL;
          default -> l;
        };
    }
  }
}
