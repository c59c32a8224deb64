package dev.tessera.backend.hls;

import dev.tessera.backend.hls.LayerEmitter.Cfg;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.interp.Kernels;
import dev.tessera.ir.op.Op;
import java.util.Arrays;
import java.util.List;

/**
 * Emits element-wise binary ops and the ops that move values (Reshape, Identity, Transpose, Slice, Pad,
 * Gather, Concat). Index maps come from the interpreter's {@link Kernels}, so both move the same elements.
 */
final class MoveEmitter {

  private MoveEmitter() {
  }

  static void binary(ProjectBuilder b, Node n, Op.BinaryKind fn) {
    if (fn != Op.BinaryKind.ADD && fn != Op.BinaryKind.SUB && fn != Op.BinaryKind.MUL) {
      throw new UnsupportedOpException(n.name(), n.source(), "no fixed-point semantics for " + fn.opName()
          + "; supported element-wise ops: Add, Sub, Mul");
    }
    String a = n.input(0);
    String c = n.input(1);
    String y = n.output();
    long[] as = b.shape(a);
    long[] cs = b.shape(c);
    long[] ys = Kernels.broadcastShape(as, cs);
    if (Kernels.count(ys) != b.size(y)) {
      throw new NodeException(n.name(), n.source(), Shape.toString(as) + " and " + Shape.toString(cs)
          + " broadcast to " + Shape.toString(ys) + ", not the declared " + Shape.toString(b.shape(y)));
    }
    boolean aB = !Arrays.equals(as, ys);
    boolean cB = !Arrays.equals(cs, ys);
    String aIndex = aB ? b.rawArray(n.name() + "_a_index", "unsigned", ComputeEmitter.longs(
        Kernels.broadcastIndex(as, ys)), List.of("broadcast of '" + a + "' " + Shape.toString(as) + " to "
            + Shape.toString(ys))) : "tessera::no_index";
    String cIndex = cB ? b.rawArray(n.name() + "_b_index", "unsigned", ComputeEmitter.longs(
        Kernels.broadcastIndex(cs, ys)), List.of("broadcast of '" + c + "' " + Shape.toString(cs) + " to "
            + Shape.toString(ys))) : "tessera::no_index";
    String op = fn == Op.BinaryKind.ADD ? "tessera::op_add" : fn == Op.BinaryKind.SUB ? "tessera::op_sub"
        : "tessera::op_mul";
    String cfg = new Cfg(b, n, fn.opName()).u("n_elem", b.size(y)).e("tessera::binary_op_t", "op", op)
        .flag("a_bcast", aB).flag("b_bcast", cB).add();
    b.summary(n.name() + " (" + n.source() + "): " + fn.opName() + " " + Shape.toString(as) + ", "
        + Shape.toString(cs) + " -> " + Shape.toString(ys) + ", " + b.fixed(y));
    String av = b.read(a);
    String cv = b.read(c);
    b.call(new Views.Call(n.describe(), "tessera::binary", List.of(b.type(a), b.type(c), b.type(y), cfg),
        List.of(av, cv, b.write(y, n), aIndex, cIndex)));
  }

  /** Reshape and Identity: {@code y[i] = Q_Ty(x[i])}. */
  static void copy(ProjectBuilder b, Node n) {
    String x = n.input(0);
    String y = n.output();
    if (b.size(x) != b.size(y)) {
      throw new NodeException(n.name(), n.source(), "input " + Shape.toString(b.shape(x)) + " and output "
          + Shape.toString(b.shape(y)) + " differ in size");
    }
    b.summary(n.name() + " (" + n.source() + "): " + Shape.toString(b.shape(x)) + " -> "
        + Shape.toString(b.shape(y)) + ", " + b.fixed(x) + " -> " + b.fixed(y));
    b.call(new Views.Call(n.describe(), "tessera::copy", List.of(b.type(x), b.type(y), Long.toString(b.size(y))),
        List.of(b.read(x), b.write(y, n))));
  }

  static void transpose(ProjectBuilder b, Node n, int[] perm) {
    long[] in = b.shape(n.input(0));
    gather(b, n, Kernels.transposeShape(in, perm), Kernels.transposeIndex(in, perm),
        "Transpose " + Arrays.toString(perm));
  }

  static void slice(ProjectBuilder b, Node n, Op.Slice s) {
    long[] in = b.shape(n.input(0));
    Kernels.Slice plan = Kernels.slice(in, s.starts(), s.ends(), s.axes(), s.steps());
    gather(b, n, plan.shape(), Kernels.sliceIndex(in, plan), "Slice");
  }

  static void pad(ProjectBuilder b, Node n, Op.Pad p) {
    if (p.mode() != Op.PadMode.CONSTANT || p.value() != 0.0) {
      throw new UnsupportedOpException(n.name(), n.source(), "no fixed-point semantics; only constant padding with "
          + "0 is defined");
    }
    long[] in = b.shape(n.input(0));
    gather(b, n, Kernels.padShape(in, p.padsBegin(), p.padsEnd()),
        Kernels.padIndex(in, p.padsBegin(), p.padsEnd(), p.mode()), "Pad with 0");
  }

  static void gather(ProjectBuilder b, Node n, Op.Gather g) {
    long[] in = b.shape(n.input(0));
    gather(b, n, Kernels.gatherShape(in, g.axis(), g.indicesShape()), Kernels.gatherIndex(in, g.axis(),
        g.indices()), "Gather on axis " + g.axis());
  }

  /** {@code y[k] = Q_Ty(x[map[k]])}, or 0 where the map holds {@link Kernels#PAD}. */
  private static void gather(ProjectBuilder b, Node n, long[] shape, int[] map, String what) {
    String x = n.input(0);
    String y = n.output();
    if (Kernels.count(shape) != b.size(y) || map.length != b.size(y)) {
      throw new NodeException(n.name(), n.source(), what + " of " + Shape.toString(b.shape(x)) + " gives "
          + Shape.toString(shape) + ", not the declared " + Shape.toString(b.shape(y)));
    }
    long[] m = new long[map.length];
    for (int i = 0; i < map.length; i++) {
      m[i] = map[i] < 0 ? -1 : map[i];
    }
    String index = b.rawArray(n.name() + "_index", "int", m, List.of(what + " of " + n.describe()
        + ": input index of each output element (-1: padding, 0)"));
    b.summary(n.name() + " (" + n.source() + "): " + what + " " + Shape.toString(b.shape(x)) + " -> "
        + Shape.toString(shape) + ", " + b.fixed(x) + " -> " + b.fixed(y));
    b.call(new Views.Call(n.describe(), "tessera::gather", List.of(b.type(x), b.type(y),
        Long.toString(b.size(y))), List.of(b.read(x), b.write(y, n), index)));
  }

  static void concat(ProjectBuilder b, Node n, int axis) {
    List<String> ins = n.inputs();
    long[][] shapes = new long[ins.size()][];
    for (int j = 0; j < shapes.length; j++) {
      shapes[j] = b.shape(ins.get(j));
    }
    Kernels.Concat c = Kernels.concat(shapes, axis);
    String y = n.output();
    if (Kernels.count(c.shape()) != b.size(y)) {
      throw new NodeException(n.name(), n.source(), "concatenation gives " + Shape.toString(c.shape())
          + ", not the declared " + Shape.toString(b.shape(y)));
    }
    String yv = b.write(y, n);
    b.summary(n.name() + " (" + n.source() + "): Concat of " + ins.size() + " inputs on axis " + axis + " -> "
        + Shape.toString(c.shape()) + ", " + b.fixed(y));
    for (int j = 0; j < shapes.length; j++) {
      int blk = c.inBlock()[j];
      long[] map = new long[c.outer() * blk];
      for (int o = 0; o < c.outer(); o++) {
        for (int e = 0; e < blk; e++) {
          map[o * blk + e] = (long) o * c.outBlock() + c.offset()[j] + e;
        }
      }
      String x = ins.get(j);
      String index = b.rawArray(n.name() + "_index_" + j, "unsigned", map, List.of("Concat of " + n.describe()
          + ": output index of each element of input " + j + " '" + x + "'"));
      b.call(new Views.Call(n.describe() + ", input " + j, "tessera::scatter", List.of(b.type(x), b.type(y),
          Long.toString(map.length)), List.of(b.read(x), yv, index)));
    }
  }
}
