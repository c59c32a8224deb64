package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;

/**
 * Ops that move values (Reshape, Transpose, Concat, Slice, Pad with constant 0, Gather, Identity): every output
 * element is {@code Q_Ty} of one input element, or 0 for padding. The index maps come from {@link Kernels}.
 */
final class FixedMove {

  private FixedMove() {}

  /** Output shape and, per output element, the flat input index or {@link Kernels#PAD}. */
  private record Plan(long[] shape, int[] map) {}

  private interface Planner {
    Plan plan(long[] in);
  }

  private static FixedStep of(FixedType ty, Planner planner) {
    return args -> {
      FixedValue x = args[0];
      Plan p = planner.plan(x.shape);
      FixedValue y = FixedValue.zeros(ty, p.shape);
      int[] map = p.map;
      for (int i = 0; i < map.length; i++) {
        if (map[i] >= 0) {
          y.putFrom(i, x, map[i]);
        }
      }
      return y;
    };
  }

  static FixedStep identity(FixedType ty) {
    return of(ty, in -> new Plan(in, identityMap(Kernels.count(in))));
  }

  /** Row-major reshape to the declared output shape, its one symbolic dimension (if any) taking the rest. */
  static FixedStep reshape(Shape declared, FixedType ty) {
    return of(ty, in -> new Plan(resolve(declared, Kernels.count(in)), identityMap(Kernels.count(in))));
  }

  static FixedStep transpose(int[] perm, FixedType ty) {
    return of(ty, in -> new Plan(Kernels.transposeShape(in, perm), Kernels.transposeIndex(in, perm)));
  }

  static FixedStep slice(Op.Slice op, FixedType ty) {
    return of(ty, in -> {
      Kernels.Slice s = Kernels.slice(in, op.starts(), op.ends(), op.axes(), op.steps());
      return new Plan(s.shape(), Kernels.sliceIndex(in, s));
    });
  }

  /** Constant padding with 0 (the compiler rejects other modes). */
  static FixedStep pad(Op.Pad op, FixedType ty) {
    return of(ty, in -> new Plan(Kernels.padShape(in, op.padsBegin(), op.padsEnd()),
        Kernels.padIndex(in, op.padsBegin(), op.padsEnd(), op.mode())));
  }

  static FixedStep gather(Op.Gather op, FixedType ty) {
    return of(ty, in -> new Plan(Kernels.gatherShape(in, op.axis(), op.indicesShape()),
        Kernels.gatherIndex(in, op.axis(), op.indices())));
  }

  /** Concatenation of inputs of possibly different types, each converted with {@code Q_Ty}. */
  static FixedStep concat(int axis, FixedType ty) {
    return args -> {
      long[][] shapes = new long[args.length][];
      for (int j = 0; j < args.length; j++) {
        shapes[j] = args[j].shape;
      }
      Kernels.Concat c = Kernels.concat(shapes, axis);
      FixedValue y = FixedValue.zeros(ty, c.shape());
      for (int o = 0; o < c.outer(); o++) {
        for (int j = 0; j < args.length; j++) {
          int blk = c.inBlock()[j];
          int dst = o * c.outBlock() + c.offset()[j];
          for (int e = 0; e < blk; e++) {
            y.putFrom(dst + e, args[j], o * blk + e);
          }
        }
      }
      return y;
    };
  }

  /** The declared shape with its symbolic dimension (at most one) sized so the element count is {@code count}. */
  static long[] resolve(Shape declared, int count) {
    long known = 1;
    int symbolic = -1;
    long[] s = new long[declared.rank()];
    for (int a = 0; a < s.length; a++) {
      if (declared.dim(a).isSymbolic()) {
        if (symbolic >= 0) {
          throw new IllegalArgumentException("output shape " + declared + " has more than one symbolic dimension");
        }
        symbolic = a;
      } else {
        s[a] = declared.dim(a).size();
        known *= s[a];
      }
    }
    if (symbolic >= 0) {
      if (known == 0 || count % known != 0) {
        throw new IllegalArgumentException(count + " elements do not fill output shape " + declared);
      }
      s[symbolic] = count / known;
    } else if (known != count) {
      throw new IllegalArgumentException(count + " elements do not fill output shape " + declared);
    }
    return s;
  }

  private static int[] identityMap(int n) {
    int[] m = new int[n];
    for (int i = 0; i < n; i++) {
      m[i] = i;
    }
    return m;
  }
}
