package dev.tessera.passes.prune;

import dev.tessera.ir.DType;
import dev.tessera.ir.Tensor;

/** Slicing and scaling of float constant tensors along one axis, for removing and rescaling units. */
final class Tensors {

  /** {@link #unitAxisOf}: the constant does not vary along the unit axis. */
  static final int NONE = -1;
  /** {@link #unitAxisOf}: the constant has a size along the unit axis that is neither 1 nor the unit count. */
  static final int BAD = -2;

  private Tensors() {}

  /**
   * The axis of constant {@code c} that lines up (numpy broadcasting, aligned right) with axis {@code axis} of a tensor
   * of rank {@code rank}: that axis when its size is {@code units}, {@link #NONE} when c has no such axis or size 1
   * there, {@link #BAD} otherwise.
   */
  static int unitAxisOf(Tensor c, int rank, int axis, int units) {
    int a = axis - (rank - c.rank());
    if (a < 0 || c.dim(a) == 1) {
      return NONE;
    }
    return c.dim(a) == units ? a : BAD;
  }

  /** The entries of {@code t} whose index along {@code axis} is in {@code keep}, in that order. */
  static Tensor select(Tensor t, int axis, int[] keep) {
    long[] shape = t.shape();
    int outer = 1;
    for (int a = 0; a < axis; a++) {
      outer *= Math.toIntExact(shape[a]);
    }
    int n = Math.toIntExact(shape[axis]);
    int inner = 1;
    for (int a = axis + 1; a < shape.length; a++) {
      inner *= Math.toIntExact(shape[a]);
    }
    double[] v = t.values();
    double[] out = new double[outer * keep.length * inner];
    int o = 0;
    for (int i = 0; i < outer; i++) {
      for (int k : keep) {
        if (k < 0 || k >= n) {
          throw new IllegalArgumentException("unit " + k + " is out of range for axis " + axis + " of size " + n);
        }
        System.arraycopy(v, (i * n + k) * inner, out, o, inner);
        o += inner;
      }
    }
    shape[axis] = keep.length;
    return Tensor.ofValues((DType) t.type(), shape, out);
  }

  /**
   * {@code t} with every entry of index k along {@code axis} multiplied by {@code scale[k]}, rounded to float32 when
   * the tensor is float32 (so that the graph holds exactly what an ONNX file stores).
   */
  static Tensor scale(Tensor t, int axis, double[] scale) {
    long[] shape = t.shape();
    int n = Math.toIntExact(shape[axis]);
    if (scale.length != n) {
      throw new IllegalArgumentException(scale.length + " scales for axis " + axis + " of size " + n);
    }
    int inner = 1;
    for (int a = axis + 1; a < shape.length; a++) {
      inner *= Math.toIntExact(shape[a]);
    }
    double[] v = t.values();
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * scale[(i / inner) % n];
    }
    return Tensor.ofValues((DType) t.type(), shape, rounded((DType) t.type(), out));
  }

  /** Values rounded to float32 when {@code type} is FLOAT (unchanged otherwise). */
  static double[] rounded(DType type, double[] v) {
    if (type == DType.FLOAT) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) v[i];
      }
    }
    return v;
  }
}
