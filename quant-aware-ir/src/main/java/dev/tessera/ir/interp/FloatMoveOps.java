package dev.tessera.ir.interp;

import static dev.tessera.ir.interp.FloatOps.inputShape;
import static dev.tessera.ir.interp.FloatOps.need;
import static dev.tessera.ir.interp.FloatOps.unsupported;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;

/** Kernels that move values without arithmetic: Reshape, Transpose, Concat, Slice, Pad, Gather. */
final class FloatMoveOps {

  private FloatMoveOps() {}

  static FloatKernel create(Node n, Graph g) {
    Op op = n.op();
    if (op instanceof Op.Concat c) {
      if (n.inputs().isEmpty()) {
        throw unsupported(n, "concat needs at least one input");
      }
      for (int i = 0; i < n.inputs().size(); i++) {
        if (n.input(i) == null) {
          throw unsupported(n, "concat input " + i + " is omitted");
        }
      }
      return concat(c.axis());
    }
    need(n, 1);
    Shape inShape = inputShape(n, g, 0);
    if (op instanceof Op.Reshape) {
      Shape target = g.type(n.output()).shape();
      return (in, b) -> {
        long[] s = b.resolve(target, in[0].size());
        if (Kernels.count(s) != in[0].size()) {
          throw new IllegalArgumentException("cannot reshape " + in[0].size() + " elements to "
              + Shape.toString(s));
        }
        return new NdArray(s, in[0].data());
      };
    }
    if (op instanceof Op.Transpose t) {
      int[] perm = t.perm() == null || t.perm().length == 0 ? reversed(inShape.rank()) : t.perm().clone();
      if (perm.length != inShape.rank()) {
        throw unsupported(n, "perm has " + perm.length + " entries for a rank-" + inShape.rank() + " input");
      }
      return (in, b) -> {
        long[] xs = in[0].shape();
        int[] map = Kernels.transposeIndex(xs, perm);
        return new NdArray(Kernels.transposeShape(xs, perm), gather(in[0].data(), map, 0));
      };
    }
    if (op instanceof Op.Slice s) {
      if (s.starts() == null || s.ends() == null || s.axes() == null) {
        throw unsupported(n, "slice needs starts, ends and axes");
      }
      if (s.starts().length != s.axes().length || s.ends().length != s.axes().length
          || (s.steps() != null && s.steps().length != s.axes().length)) {
        throw unsupported(n, "slice starts, ends, axes and steps must have the same length");
      }
      for (int a : s.axes()) {
        if (a < 0 || a >= inShape.rank()) {
          throw unsupported(n, "slice axis " + a + " is out of range for rank " + inShape.rank());
        }
      }
      if (s.steps() != null) {
        for (long st : s.steps()) {
          if (st == 0) {
            throw unsupported(n, "slice step must not be 0");
          }
        }
      }
      return (in, b) -> {
        long[] xs = in[0].shape();
        Kernels.Slice plan = Kernels.slice(xs, s.starts(), s.ends(), s.axes(), s.steps());
        return new NdArray(plan.shape(), gather(in[0].data(), Kernels.sliceIndex(xs, plan), 0));
      };
    }
    if (op instanceof Op.Pad p) {
      if (p.padsBegin() == null || p.padsEnd() == null || p.padsBegin().length != inShape.rank()
          || p.padsEnd().length != inShape.rank()) {
        throw unsupported(n, "pads must have one begin and one end entry per axis of the rank-" + inShape.rank()
            + " input");
      }
      if (p.mode() == null) {
        throw unsupported(n, "pad needs a mode");
      }
      double value = p.value();
      return (in, b) -> {
        long[] xs = in[0].shape();
        int[] map = Kernels.padIndex(xs, p.padsBegin(), p.padsEnd(), p.mode());
        return new NdArray(Kernels.padShape(xs, p.padsBegin(), p.padsEnd()), gather(in[0].data(), map, value));
      };
    }
    if (op instanceof Op.Gather ga) {
      long[] indices = ga.indices() == null ? new long[0] : ga.indices().clone();
      long[] ishape = ga.indicesShape() == null ? new long[] {indices.length} : ga.indicesShape().clone();
      if (Kernels.count(ishape) != indices.length) {
        throw unsupported(n, "indices shape " + Shape.toString(ishape) + " does not hold " + indices.length
            + " indices");
      }
      int axis = ga.axis();
      if (axis < 0 || axis >= inShape.rank()) {
        throw unsupported(n, "gather axis " + axis + " is out of range for rank " + inShape.rank());
      }
      return (in, b) -> {
        long[] xs = in[0].shape();
        int[] map = Kernels.gatherIndex(xs, axis, indices);
        return new NdArray(Kernels.gatherShape(xs, axis, ishape), gather(in[0].data(), map, 0));
      };
    }
    throw unsupported(n, "not a data movement op: " + op.kind());
  }

  private static int[] reversed(int rank) {
    int[] p = new int[rank];
    for (int i = 0; i < rank; i++) {
      p[i] = rank - 1 - i;
    }
    return p;
  }

  /** {@code y[i] = x[map[i]]}, or {@code fill} where the map says {@link Kernels#PAD}. */
  static double[] gather(double[] x, int[] map, double fill) {
    double[] y = new double[map.length];
    for (int i = 0; i < map.length; i++) {
      int j = map[i];
      y[i] = j >= 0 ? x[j] : fill;
    }
    return y;
  }

  private static FloatKernel concat(int axisAttr) {
    return (in, b) -> {
      long[][] shapes = new long[in.length][];
      for (int i = 0; i < in.length; i++) {
        shapes[i] = in[i].shape();
      }
      int axis = axisAttr < 0 ? axisAttr + shapes[0].length : axisAttr;
      Kernels.Concat p = Kernels.concat(shapes, axis);
      double[] y = new double[Kernels.count(p.shape())];
      for (int j = 0; j < in.length; j++) {
        double[] x = in[j].data();
        int blk = p.inBlock()[j];
        for (int o = 0; o < p.outer(); o++) {
          System.arraycopy(x, o * blk, y, o * p.outBlock() + p.offset()[j], blk);
        }
      }
      return new NdArray(p.shape(), y);
    };
  }
}
