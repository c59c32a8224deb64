package dev.tessera.importer.ops;

import dev.tessera.importer.ImportContext;
import dev.tessera.importer.OnnxNode;
import dev.tessera.importer.ShapeRules;
import dev.tessera.importer.Value;
import dev.tessera.ir.DType;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.op.Op;
import java.util.Arrays;
import java.util.List;

/** Small helpers shared by the handlers. */
final class H {

  private H() {}

  /** True when every present input is known at import time. */
  static boolean allConstant(OnnxNode n) {
    for (int i = 0; i < n.inputCount(); i++) {
      if (n.hasInput(i) && !n.in(i).isConstant()) {
        return false;
      }
    }
    return true;
  }

  /** Binds output {@code k} to a folded constant. */
  static void out(OnnxNode n, ImportContext ctx, int k, C c) {
    String name = n.outputName(k);
    if (name != null) {
      ctx.define(name, ctx.constant(n, name, c.tensor(), c.sym()));
    }
  }

  static void out(OnnxNode n, ImportContext ctx, C c) {
    out(n, ctx, 0, c);
  }

  /** Binds output 0 to a value (an alias or an emitted tensor). */
  static void out(OnnxNode n, ImportContext ctx, Value v) {
    ctx.define(n.outputName(0), v);
  }

  /** Emits the node's main IR node: named after the ONNX node, writing its first output. */
  static Value emit(OnnxNode n, ImportContext ctx, Op op, List<Value> inputs, DType dt, Shape shape,
      String[] origins) {
    Value v = ctx.emit(n.name(), n, op, inputs, n.outputName(0), dt, shape, origins);
    ctx.define(n.outputName(0), v);
    return v;
  }

  /** Emits an auxiliary IR node of a lowering, writing a fresh tensor. */
  static Value aux(OnnxNode n, ImportContext ctx, String suffix, Op op, List<Value> inputs, DType dt, Shape shape,
      String[] origins) {
    return ctx.emit(n.aux(suffix), n, op, inputs, ctx.fresh(n.aux(suffix)), dt, shape, origins);
  }

  /** Emits an elementwise op whose output has the input's type. */
  static void unary(OnnxNode n, ImportContext ctx, Op op) {
    Value x = n.in(0);
    requireFloat(n, x, "X");
    emit(n, ctx, op, List.of(x), x.dtype(), x.shape(), x.origins());
  }

  /** Origins of newly computed dimensions: all this node. */
  static String[] origins(OnnxNode n, int rank) {
    String[] o = new String[rank];
    Arrays.fill(o, n.describe());
    return o;
  }

  /** A constant input, or an UnsupportedOpException saying the input must be constant. */
  static C constant(OnnxNode n, int i, String what) {
    Value v = n.in(i);
    if (!v.isConstant()) {
      throw n.unsupported(what + " (input " + i + ", '" + n.inputName(i)
          + "') must be known at import time, but it is computed at run time");
    }
    return C.of(v);
  }

  /** Integer values of a constant input that must not depend on symbolic dimensions. */
  static long[] ints(OnnxNode n, int i, String what) {
    C c = constant(n, i, what);
    noSymbols(n, c, what);
    return c.longs();
  }

  static void noSymbols(OnnxNode n, C c, String what) {
    if (c.symbolic()) {
      String s = Arrays.stream(c.sym()).filter(x -> x != null).findFirst().orElse("?");
      throw n.unsupported(what + " depends on the run-time size of symbolic dimension "
          + (s.equals(Value.EXPRESSION) ? "N (through arithmetic)" : s)
          + "; bind the batch to a fixed size to import this model");
    }
  }

  static void requireFloat(OnnxNode n, Value v, String label) {
    if (!v.dtype().isFloat()) {
      throw n.unsupported(label + " '" + v.tensor() + "' has element type " + v.dtype()
          + ", but this op is supported on floating-point tensors only");
    }
  }

  /** Normalized axis or a shape error (returns null after recording it). */
  static Integer axis(OnnxNode n, ImportContext ctx, long axis, int rank, String what) {
    Integer a = ShapeRules.axis(axis, rank);
    if (a == null) {
      ctx.fail(n, what + " " + axis + " is out of range for rank " + rank);
    }
    return a;
  }

  static Tensor floats(long[] shape, double[] values) {
    return Tensor.ofValues(DType.FLOAT, shape, values);
  }
}
