package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.intops.IntExp;
import dev.tessera.ir.intops.IntGelu;
import dev.tessera.ir.intops.IntLayerNorm;
import dev.tessera.ir.intops.IntResult;
import dev.tessera.ir.intops.IntSoftmax;
import dev.tessera.ir.op.Op;

/**
 * The I-BERT integer-only ops (docs/integer-ops.md): each runs its {@code dev.tessera.ir.intops} kernel on the raw
 * input values, whose result has the kernel's natural output type, and then {@code Q_Ty} of every value. The input
 * type must be at most 62 bits wide (the kernels work on longs).
 */
final class FixedIntegerOps implements FixedStep {

  private interface Kernel {
    IntResult apply(long[] raw, long[] shape);
  }

  private final Kernel kernel;
  private final FixedType ty;

  private FixedIntegerOps(Kernel kernel, FixedType ty) {
    this.kernel = kernel;
    this.ty = ty;
  }

  static FixedStep compile(Op op, FixedType tx, FixedType ty) {
    if (tx.width() > 62) {
      throw new IllegalArgumentException("integer-only " + op.kind() + " needs an input of at most 62 bits, got "
          + tx);
    }
    if (op instanceof Op.IExp e) {
      IntExp exp = new IntExp(e.k());
      return new FixedIntegerOps((raw, shape) -> {
        long[] q = new long[raw.length];
        for (int i = 0; i < q.length; i++) {
          q[i] = Math.min(raw[i], 0);
        }
        return exp.apply(q, tx);
      }, ty);
    }
    if (op instanceof Op.ISoftmax s) {
      IntSoftmax sm = new IntSoftmax(s.k(), s.outFrac());
      return new FixedIntegerOps((raw, shape) -> {
        checkLastAxis(s.axis(), shape, "softmax");
        return sm.apply(raw, tx, Math.toIntExact(shape[shape.length - 1]));
      }, ty);
    }
    if (op instanceof Op.IGelu g) {
      IntGelu gelu = new IntGelu(g.k());
      return new FixedIntegerOps((raw, shape) -> gelu.apply(raw, tx), ty);
    }
    if (op instanceof Op.ILayerNorm l) {
      IntLayerNorm ln = new IntLayerNorm(l.outFrac(), l.epsilon());
      return new FixedIntegerOps((raw, shape) -> {
        int axis = l.axis() < 0 ? l.axis() + shape.length : l.axis();
        Kernels.checkAxis(axis, shape.length);
        long row = 1;
        for (int a = axis; a < shape.length; a++) {
          row *= shape[a];
        }
        return ln.apply(raw, tx, Math.toIntExact(row));
      }, ty);
    }
    throw new IllegalArgumentException(op.kind() + " is not an integer-only op");
  }

  private static void checkLastAxis(int axis, long[] shape, String what) {
    int a = axis < 0 ? axis + shape.length : axis;
    if (a != shape.length - 1) {
      throw new IllegalArgumentException("integer-only " + what + " runs along the last axis (" + (shape.length - 1)
          + "), not axis " + axis);
    }
  }

  @Override
  public FixedValue apply(FixedValue[] in) {
    FixedValue x = in[0];
    long[] raw = x.l;
    if (raw == null) {
      throw new IllegalArgumentException("input type " + x.type + " is wider than 62 bits");
    }
    IntResult r = kernel.apply(raw, x.shape);
    FixedValue y = FixedValue.zeros(ty, x.shape);
    int f = r.type().fractionBits();
    long[] v = r.raw();
    for (int i = 0; i < v.length; i++) {
      y.put(i, v[i], f);
    }
    return y;
  }
}
