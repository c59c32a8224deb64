package dev.tessera.importer.ops;

import dev.tessera.importer.ImportContext;
import dev.tessera.importer.OnnxNode;
import dev.tessera.importer.ShapeRules;
import dev.tessera.importer.ShapeRules.Broken;
import dev.tessera.importer.ShapeRules.Dims;
import dev.tessera.importer.Value;
import dev.tessera.ir.DType;
import dev.tessera.ir.Dim;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.Op.BinaryKind;
import dev.tessera.ir.op.SoftmaxMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Elementwise arithmetic and activations, comparisons and logic (fold only), Where, Clip, ReduceMean and Softmax.
 */
final class MathOps {

  private MathOps() {}

  static void register(Registry r) {
    r.op("Add", (n, c) -> binary(n, c, BinaryKind.ADD, (a, b) -> a + b));
    r.op("Sub", (n, c) -> binary(n, c, BinaryKind.SUB, (a, b) -> a - b));
    r.op("Mul", (n, c) -> binary(n, c, BinaryKind.MUL, (a, b) -> a * b));
    r.op("Div", (n, c) -> binary(n, c, BinaryKind.DIV, null));
    r.op("Pow", (n, c) -> binary(n, c, BinaryKind.POW, Math::pow));
    r.op("Relu", (n, c) -> activation(n, c, new Op.Relu(), x -> Math.max(x, 0)));
    r.op("Sigmoid", (n, c) -> activation(n, c, new Op.Sigmoid(null), x -> 1 / (1 + Math.exp(-x))));
    r.op("Tanh", (n, c) -> activation(n, c, new Op.Tanh(null), Math::tanh));
    r.op("Exp", (n, c) -> activation(n, c, new Op.Exp(null), Math::exp));
    r.op("Sqrt", (n, c) -> activation(n, c, new Op.Sqrt(), Math::sqrt));
    r.op("Erf", (n, c) -> activation(n, c, new Op.Erf(), null));
    r.op("LeakyRelu", MathOps::leakyRelu);
    r.op("Selu", MathOps::selu);
    r.op("Elu", MathOps::elu);
    r.op("HardSigmoid", MathOps::hardSigmoid);
    r.op("Clip", MathOps::clip);
    r.op("Neg", (n, c) -> foldUnary(n, c, x -> -x));
    r.op("Abs", (n, c) -> foldUnary(n, c, Math::abs));
    r.op("Floor", (n, c) -> foldUnary(n, c, Math::floor));
    r.op("Ceil", (n, c) -> foldUnary(n, c, Math::ceil));
    r.op("Reciprocal", (n, c) -> foldUnary(n, c, x -> 1 / x));
    r.op("Log", (n, c) -> foldUnary(n, c, Math::log));
    r.op("Not", (n, c) -> foldUnary(n, c, x -> x == 0 ? 1 : 0));
    r.op("Equal", (n, c) -> compare(n, c, (a, b) -> a == b ? 1 : 0));
    r.op("Less", (n, c) -> compare(n, c, (a, b) -> a < b ? 1 : 0));
    r.op("LessOrEqual", (n, c) -> compare(n, c, (a, b) -> a <= b ? 1 : 0));
    r.op("Greater", (n, c) -> compare(n, c, (a, b) -> a > b ? 1 : 0));
    r.op("GreaterOrEqual", (n, c) -> compare(n, c, (a, b) -> a >= b ? 1 : 0));
    r.op("And", (n, c) -> compare(n, c, (a, b) -> a != 0 && b != 0 ? 1 : 0));
    r.op("Or", (n, c) -> compare(n, c, (a, b) -> a != 0 || b != 0 ? 1 : 0));
    r.op("Xor", (n, c) -> compare(n, c, (a, b) -> (a != 0) != (b != 0) ? 1 : 0));
    r.op("Min", (n, c) -> variadic(n, c, Math::min));
    r.op("Max", (n, c) -> variadic(n, c, Math::max));
    r.op("Where", MathOps::where);
    r.op("ReduceMean", MathOps::reduceMean);
    r.op("Softmax", MathOps::softmax);
  }

  private static DoubleBinaryOperator divide(DType t) {
    if (t.isFloat()) {
      return (a, b) -> a / b;
    }
    return (a, b) -> {
      if (b == 0) {
        throw new ArithmeticException("integer division by zero");
      }
      return (double) ((long) a / (long) b);
    };
  }

  static void binary(OnnxNode n, ImportContext ctx, BinaryKind kind, DoubleBinaryOperator f) {
    if (n.opset() < 7) {
      n.attrs().allow("broadcast", "axis", "consumed_inputs");
    } else {
      n.attrs().allow();
    }
    Value a = n.in(0);
    Value b = n.in(1);
    if (kind != BinaryKind.POW && a.dtype() != b.dtype()) {
      ctx.fail(n, "rule dtype(A) == dtype(B) is broken: " + ShapeRules.operand("A", a) + ", "
          + ShapeRules.operand("B", b));
      return;
    }
    if (n.opset() < 7) {
      b = legacyBroadcast(n, ctx, a, b);
      if (b == null) {
        return;
      }
    }
    Dims out;
    try {
      out = ShapeRules.broadcast(List.of(a, b), List.of("A", "B"));
    } catch (Broken e) {
      ctx.fail(n, e.getMessage());
      return;
    }
    DoubleBinaryOperator fn = f != null ? f : divide(a.dtype());
    if (a.isConstant() && b.isConstant()) {
      try {
        H.out(n, ctx, ConstMath.binary(C.of(a), C.of(b), a.dtype(), fn, n.opType()));
      } catch (ArithmeticException e) {
        ctx.fail(n, e.getMessage());
      }
      return;
    }
    if (a.hasSymbols() || b.hasSymbols()) {
      H.noSymbols(n, C.of(a.hasSymbols() ? a : b), "an operand");
    }
    H.emit(n, ctx, new Op.Binary(kind), List.of(a, b), a.dtype(), out.shape(), out.origins());
  }

  /** Opset-6 broadcasting: B is aligned with A from {@code axis} on (or from the right) when broadcast = 1. */
  private static Value legacyBroadcast(OnnxNode n, ImportContext ctx, Value a, Value b) {
    boolean broadcast = n.attrs().i("broadcast", 0) != 0;
    if (!broadcast) {
      if (!a.shape().equals(b.shape())) {
        ctx.fail(n, "rule shape(A) == shape(B) (opset " + n.opset() + " without broadcast) is broken: "
            + ShapeRules.operand("A", a) + ", " + ShapeRules.operand("B", b));
        return null;
      }
      return b;
    }
    long axis = n.attrs().i("axis", a.rank() - b.rank());
    if (axis < 0 || axis + b.rank() > a.rank()) {
      ctx.fail(n, "legacy broadcast axis " + axis + " does not fit " + ShapeRules.operand("B", b) + " into "
          + ShapeRules.operand("A", a));
      return null;
    }
    int trailing = (int) (a.rank() - axis - b.rank());
    if (trailing == 0) {
      return b;
    }
    List<Dim> dims = new ArrayList<>(b.shape().dims());
    for (int i = 0; i < trailing; i++) {
      dims.add(Dim.of(1));
    }
    if (!b.isConstant()) {
      throw n.unsupported("legacy broadcast of a run-time B along a middle axis is not supported");
    }
    C c = C.of(b);
    return ctx.auxConstant(n, "b_aligned", c.reshape(new Shape(dims).sizes()).tensor());
  }

  private static void activation(OnnxNode n, ImportContext ctx, Op op, DoubleUnaryOperator f) {
    n.attrs().allow();
    finishActivation(n, ctx, op, f);
  }

  private static void finishActivation(OnnxNode n, ImportContext ctx, Op op, DoubleUnaryOperator f) {
    Value x = n.in(0);
    H.requireFloat(n, x, "X");
    if (x.isConstant() && f != null) {
      H.out(n, ctx, ConstMath.unary(C.of(x), x.dtype(), f));
      return;
    }
    H.unary(n, ctx, op);
  }

  static void leakyRelu(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("alpha");
    double alpha = n.attrs().f("alpha", 0.01f);
    finishActivation(n, ctx, new Op.LeakyRelu(alpha, null), x -> x >= 0 ? x : alpha * x);
  }

  static void selu(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("alpha", "gamma");
    double alpha = n.attrs().f("alpha", 1.67326319217681884765625f);
    double gamma = n.attrs().f("gamma", 1.05070102214813232421875f);
    finishActivation(n, ctx, new Op.Selu(alpha, gamma, null, null),
        x -> x > 0 ? gamma * x : gamma * alpha * (Math.exp(x) - 1));
  }

  static void elu(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("alpha");
    double alpha = n.attrs().f("alpha", 1.0f);
    finishActivation(n, ctx, new Op.Elu(alpha, null, null), x -> x >= 0 ? x : alpha * (Math.exp(x) - 1));
  }

  static void hardSigmoid(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("alpha", "beta");
    double alpha = n.attrs().f("alpha", 0.2f);
    double beta = n.attrs().f("beta", 0.5f);
    finishActivation(n, ctx, new Op.HardSigmoid(alpha, beta, null),
        x -> Math.max(0, Math.min(1, alpha * x + beta)));
  }

  static void clip(OnnxNode n, ImportContext ctx) {
    double lo;
    double hi;
    if (n.opset() < 11) {
      n.attrs().allow("min", "max");
      lo = n.attrs().has("min") ? n.attrs().f("min", 0) : Double.NEGATIVE_INFINITY;
      hi = n.attrs().has("max") ? n.attrs().f("max", 0) : Double.POSITIVE_INFINITY;
    } else {
      n.attrs().allow();
      lo = n.hasInput(1) ? scalar(n, 1, "min") : Double.NEGATIVE_INFINITY;
      hi = n.hasInput(2) ? scalar(n, 2, "max") : Double.POSITIVE_INFINITY;
    }
    double l = lo;
    double h = hi;
    finishActivation(n, ctx, new Op.Clip(lo, hi), x -> Math.min(Math.max(x, l), h));
  }

  private static double scalar(OnnxNode n, int i, String what) {
    C c = H.constant(n, i, what);
    if (c.size() != 1) {
      throw n.unsupported(what + " must be a scalar, it has shape " + Shape.toString(c.shape()));
    }
    return c.v()[0];
  }

  private static void foldUnary(OnnxNode n, ImportContext ctx, DoubleUnaryOperator f) {
    n.attrs().allow();
    requireAllConstant(n);
    C x = H.constant(n, 0, "the input");
    H.noSymbols(n, x, "the input");
    H.out(n, ctx, ConstMath.unary(x, n.opType().equals("Not") ? DType.BOOL : x.type(), f));
  }

  private static void requireAllConstant(OnnxNode n) {
    if (!H.allConstant(n)) {
      throw n.unsupported("only supported when all inputs are known at import time (the IR has no "
          + n.opType() + " op)");
    }
  }

  private static void compare(OnnxNode n, ImportContext ctx, DoubleBinaryOperator f) {
    n.attrs().allow();
    requireAllConstant(n);
    C a = H.constant(n, 0, "A");
    C b = H.constant(n, 1, "B");
    H.noSymbols(n, a, "A");
    H.noSymbols(n, b, "B");
    if (Nd.broadcastShape(a.shape(), b.shape()) == null) {
      ctx.fail(n, "shapes " + Shape.toString(a.shape()) + " and " + Shape.toString(b.shape())
          + " do not broadcast");
      return;
    }
    H.out(n, ctx, ConstMath.binary(a, b, DType.BOOL, f, n.opType()));
  }

  private static void variadic(OnnxNode n, ImportContext ctx, DoubleBinaryOperator f) {
    n.attrs().allow();
    requireAllConstant(n);
    C acc = H.constant(n, 0, "input 0");
    H.noSymbols(n, acc, "input 0");
    for (int i = 1; i < n.inputCount(); i++) {
      C c = H.constant(n, i, "input " + i);
      H.noSymbols(n, c, "input " + i);
      if (Nd.broadcastShape(acc.shape(), c.shape()) == null) {
        ctx.fail(n, "shapes " + Shape.toString(acc.shape()) + " and " + Shape.toString(c.shape())
            + " do not broadcast");
        return;
      }
      acc = ConstMath.binary(acc, c, acc.type(), f, n.opType());
    }
    H.out(n, ctx, acc);
  }

  /**
   * Where with a constant condition becomes {@code a·m + b·(1-m)} (m = condition as 0/1), folding the constant
   * parts; exact for finite inputs. A run-time condition is not supported.
   */
  static void where(OnnxNode n, ImportContext ctx) {
    n.attrs().allow();
    Value cond = n.in(0);
    Value a = n.in(1);
    Value b = n.in(2);
    if (a.dtype() != b.dtype()) {
      ctx.fail(n, "rule dtype(X) == dtype(Y) is broken: " + ShapeRules.operand("X", a) + ", "
          + ShapeRules.operand("Y", b));
      return;
    }
    Dims out;
    try {
      out = ShapeRules.broadcast(List.of(cond, a, b), List.of("C", "X", "Y"));
    } catch (Broken e) {
      ctx.fail(n, e.getMessage());
      return;
    }
    if (!cond.isConstant()) {
      throw n.unsupported("a condition computed at run time is not supported (only a constant condition)");
    }
    C m = C.of(cond);
    H.noSymbols(n, m, "the condition");
    if (a.isConstant() && b.isConstant()) {
      C ca = C.of(a);
      C cb = C.of(b);
      H.noSymbols(n, ca, "X");
      H.noSymbols(n, cb, "Y");
      long[] s = Nd.broadcastShape(m.shape(), ca.shape(), cb.shape());
      int[] im = Nd.broadcastIndex(m.shape(), s);
      int[] ia = Nd.broadcastIndex(ca.shape(), s);
      int[] ib = Nd.broadcastIndex(cb.shape(), s);
      double[] v = new double[im.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = m.v()[im[i]] != 0 ? ca.v()[ia[i]] : cb.v()[ib[i]];
      }
      H.out(n, ctx, new C(ca.type(), s, v, null));
      return;
    }
    H.requireFloat(n, a, "X");
    DType t = a.dtype();
    Value ma = ctx.auxConstant(n, "mask", ConstMath.unary(m, t, x -> x != 0 ? 1 : 0).tensor());
    Value mb = ctx.auxConstant(n, "inverse_mask", ConstMath.unary(m, t, x -> x != 0 ? 0 : 1).tensor());
    Value term;
    if (a.isConstant()) {
      C fixed = ConstMath.binary(C.of(a), C.of(ma), t, (x, y) -> y != 0 ? x : 0, "Where");
      Value pb = mulAux(n, ctx, b, mb, "y_part");
      Value cf = ctx.auxConstant(n, "x_part", fixed.tensor());
      term = emitAdd(n, ctx, pb, cf, out);
    } else if (b.isConstant()) {
      C fixed = ConstMath.binary(C.of(b), C.of(mb), t, (x, y) -> y != 0 ? x : 0, "Where");
      Value pa = mulAux(n, ctx, a, ma, "x_part");
      Value cf = ctx.auxConstant(n, "y_part", fixed.tensor());
      term = emitAdd(n, ctx, pa, cf, out);
    } else {
      Value pa = mulAux(n, ctx, a, ma, "x_part");
      Value pb = mulAux(n, ctx, b, mb, "y_part");
      term = emitAdd(n, ctx, pa, pb, out);
    }
    ctx.define(n.outputName(0), term);
  }

  private static Value mulAux(OnnxNode n, ImportContext ctx, Value x, Value mask, String suffix) {
    Dims d;
    try {
      d = ShapeRules.broadcast(List.of(x, mask), List.of("X", "M"));
    } catch (Broken e) {
      throw new IllegalStateException(e);
    }
    return H.aux(n, ctx, suffix, new Op.Binary(BinaryKind.MUL), List.of(x, mask), x.dtype(), d.shape(),
        d.origins());
  }

  private static Value emitAdd(OnnxNode n, ImportContext ctx, Value x, Value y, Dims out) {
    return ctx.emit(n.name(), n, new Op.Binary(BinaryKind.ADD), List.of(x, y), n.outputName(0), x.dtype(),
        out.shape(), out.origins());
  }

  static void reduceMean(OnnxNode n, ImportContext ctx) {
    long[] axes;
    boolean noopWhenEmpty = false;
    if (n.opset() < 18) {
      n.attrs().allow("axes", "keepdims");
      axes = n.attrs().ints("axes");
    } else {
      n.attrs().allow("keepdims", "noop_with_empty_axes");
      axes = n.hasInput(1) ? H.ints(n, 1, "axes") : null;
      noopWhenEmpty = n.attrs().i("noop_with_empty_axes", 0) != 0;
    }
    boolean keep = n.attrs().i("keepdims", 1) != 0;
    Value x = n.in(0);
    H.requireFloat(n, x, "X");
    int r = x.rank();
    if (axes == null || axes.length == 0) {
      if (noopWhenEmpty) {
        H.out(n, ctx, x);
        return;
      }
      axes = new long[r];
      for (int i = 0; i < r; i++) {
        axes[i] = i;
      }
    }
    boolean[] reduced = new boolean[r];
    for (long a : axes) {
      Integer ax = H.axis(n, ctx, a, r, "axis");
      if (ax == null) {
        return;
      }
      if (x.dim(ax).isSymbolic()) {
        ctx.fail(n, "reducing over the symbolic axis " + ax + " (" + x.dim(ax) + ") of "
            + ShapeRules.operand("X", x) + " is not supported");
        return;
      }
      reduced[ax] = true;
    }
    List<Dim> dims = new ArrayList<>();
    List<String> origins = new ArrayList<>();
    List<Integer> list = new ArrayList<>();
    for (int i = 0; i < r; i++) {
      if (reduced[i]) {
        list.add(i);
        if (keep) {
          dims.add(Dim.of(1));
          origins.add(n.describe());
        }
      } else {
        dims.add(x.dim(i));
        origins.add(x.origin(i));
      }
    }
    int[] ax = list.stream().mapToInt(Integer::intValue).toArray();
    H.emit(n, ctx, new Op.ReduceMean(ax, keep), List.of(x), x.dtype(), new Shape(dims),
        origins.toArray(new String[0]));
  }

  /**
   * Softmax. From opset 13 it normalizes one axis. Before, the input is coerced to 2-D at {@code axis}: the
   * importer reshapes the axes from {@code axis} on into one, applies Softmax on it and reshapes back.
   */
  static void softmax(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("axis");
    Value x = n.in(0);
    H.requireFloat(n, x, "X");
    int r = x.rank();
    long rawAxis = n.attrs().i("axis", n.opset() >= 13 ? -1 : 1);
    Integer axis = H.axis(n, ctx, rawAxis, r, "axis");
    if (axis == null) {
      return;
    }
    if (n.opset() >= 13 || axis == r - 1) {
      if (x.dim(axis).isSymbolic()) {
        ctx.fail(n, "softmax over the symbolic axis " + axis + " of " + ShapeRules.operand("X", x)
            + " is not supported");
        return;
      }
      H.emit(n, ctx, new Op.Softmax(axis, SoftmaxMode.STABLE, null, null), List.of(x), x.dtype(), x.shape(),
          x.origins());
      return;
    }
    List<Dim> tail = x.shape().dims().subList(axis, r);
    Dim flat = ShapeRules.product(tail);
    if (flat == null || flat.isSymbolic()) {
      ctx.fail(n, "softmax (opset " + n.opset() + ") flattens axes " + axis + ".." + (r - 1) + " of "
          + ShapeRules.operand("X", x) + ", which hold a symbolic dimension");
      return;
    }
    List<Dim> two = new ArrayList<>(x.shape().dims().subList(0, axis));
    two.add(flat);
    String[] o = Arrays.copyOf(x.origins(), axis + 1);
    o[axis] = n.describe();
    Value flatV = H.aux(n, ctx, "flatten", new Op.Reshape(), List.of(x), x.dtype(), new Shape(two), o);
    Value sm = H.aux(n, ctx, "softmax", new Op.Softmax(axis, SoftmaxMode.STABLE, null, null), List.of(flatV),
        x.dtype(), flatV.shape(), o);
    H.emit(n, ctx, new Op.Reshape(), List.of(sm), x.dtype(), x.shape(), x.origins());
  }
}
