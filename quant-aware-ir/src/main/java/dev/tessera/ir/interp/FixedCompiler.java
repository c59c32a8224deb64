package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.ir.op.TableSpec;
import java.math.BigInteger;

/**
 * Turns one node of a quantized graph into a {@link FixedStep}: reads the types and constants the op needs, fills in
 * the documented defaults for a missing parameter type or table, and rejects ops without fixed-point semantics.
 */
final class FixedCompiler {

  private FixedCompiler() {}

  static FixedStep compile(Node n, Graph g, boolean big) {
    Op op = n.op();
    FixedType ty = g.type(n.output()).fixed();
    FixedType tx = n.input(0) == null ? null : g.type(n.input(0)).fixed();
    if (op instanceof Op.Dense d) {
      return new FixedDense(tx, constant(n, g, 1, "weight"), optionalConstant(n, g, 2, "bias"), d.accum(), ty, big);
    }
    if (op instanceof Op.Conv c) {
      return new FixedConv(c, tx, constant(n, g, 1, "weight"), optionalConstant(n, g, 2, "bias"), spatial(g, n), ty,
          big);
    }
    if (op instanceof Op.MatMul) {
      return new FixedMatMul(tx, g.type(n.input(1)).fixed(), ty, big);
    }
    if (op instanceof Op.Binary b) {
      if (b.fn() == Op.BinaryKind.DIV || b.fn() == Op.BinaryKind.POW) {
        throw unsupported(n, "it runs in the float interpreter only until a pass lowers it");
      }
      return FixedElementwise.binary(b.fn(), tx, g.type(n.input(1)).fixed(), ty, big);
    }
    if (op instanceof Op.Relu) {
      return FixedElementwise.relu(tx, ty, big);
    }
    if (op instanceof Op.LeakyRelu l) {
      FixedType p = param(l.param());
      return FixedElementwise.leakyRelu(tx, p, p.fromDouble(l.alpha()), ty, big);
    }
    if (op instanceof Op.Clip c) {
      return FixedElementwise.clip(tx, FixedConstants.clipBound(ty, c.min()), FixedConstants.clipBound(ty, c.max()),
          ty);
    }
    if (op instanceof Op.HardSigmoid h) {
      FixedType p = param(h.param());
      return FixedElementwise.hardSigmoid(tx, p, p.fromDouble(h.alpha()), p.fromDouble(h.beta()), ty, big);
    }
    if (op instanceof Op.Selu s) {
      FixedType p = param(s.param());
      TableSpec spec = s.table() != null ? s.table() : defaultEluSpec();
      return FixedElementwise.elu(tx, p.fromDouble(s.gamma()), p.fractionBits(),
          Tables.eluNegative(spec, s.alpha(), s.gamma()), Tables.indexer(spec, tx.fractionBits()), spec.type(), ty,
          big);
    }
    if (op instanceof Op.Elu e) {
      TableSpec spec = e.table() != null ? e.table() : defaultEluSpec();
      return FixedElementwise.elu(tx, BigInteger.ONE, 0, Tables.eluNegative(spec, e.alpha(), 1.0),
          Tables.indexer(spec, tx.fractionBits()), spec.type(), ty, big);
    }
    if (op instanceof Op.Sigmoid s) {
      TableSpec spec = s.table() != null ? s.table() : Tables.sigmoidSpec(FixedConstants.TABLE_SIZE,
          FixedConstants.TABLE_TYPE);
      return FixedElementwise.table(Tables.sigmoid(spec), Tables.indexer(spec, tx.fractionBits()), spec.type(), ty);
    }
    if (op instanceof Op.Tanh t) {
      TableSpec spec = t.table() != null ? t.table() : Tables.sigmoidSpec(FixedConstants.TABLE_SIZE,
          FixedConstants.TABLE_TYPE);
      return FixedElementwise.table(Tables.tanh(spec), Tables.indexer(spec, tx.fractionBits()), spec.type(), ty);
    }
    if (op instanceof Op.Exp e) {
      TableSpec spec = e.table() != null ? e.table() : Tables.inputRangeSpec(FixedConstants.TABLE_SIZE,
          FixedConstants.TABLE_TYPE, tx);
      return FixedElementwise.table(Tables.exp(spec), Tables.indexer(spec, tx.fractionBits()), spec.type(), ty);
    }
    if (op instanceof Op.Softmax s) {
      return softmax(n, g, s, tx, ty, big);
    }
    if (op instanceof Op.IExp || op instanceof Op.ISoftmax || op instanceof Op.IGelu || op instanceof Op.ILayerNorm) {
      return FixedIntegerOps.compile(op, tx, ty);
    }
    if (op instanceof Op.BatchNorm bn) {
      return batchNorm(n, g, bn, tx, ty, big);
    }
    if (op instanceof Op.MaxPool p) {
      return FixedPool.window(true, p.kernel(), p.strides(), p.padsBegin(), p.padsEnd(), p.dilations(), false,
          spatial(g, n), ty, big);
    }
    if (op instanceof Op.AveragePool p) {
      return FixedPool.window(false, p.kernel(), p.strides(), p.padsBegin(), p.padsEnd(), null, p.countIncludePad(),
          spatial(g, n), ty, big);
    }
    if (op instanceof Op.GlobalMaxPool) {
      return FixedPool.global(true, ty, big);
    }
    if (op instanceof Op.GlobalAveragePool) {
      return FixedPool.global(false, ty, big);
    }
    if (op instanceof Op.Reshape) {
      return FixedMove.reshape(g.type(n.output()).shape(), ty);
    }
    if (op instanceof Op.Transpose t) {
      return FixedMove.transpose(t.perm(), ty);
    }
    if (op instanceof Op.Concat c) {
      return FixedMove.concat(c.axis(), ty);
    }
    if (op instanceof Op.Slice s) {
      return FixedMove.slice(s, ty);
    }
    if (op instanceof Op.Pad p) {
      if (p.mode() != Op.PadMode.CONSTANT || p.value() != 0.0) {
        throw unsupported(n, "only constant padding with 0 is defined, this pad is "
            + p.mode().name().toLowerCase(java.util.Locale.ROOT)
            + (p.mode() == Op.PadMode.CONSTANT ? " with value " + p.value() : ""));
      }
      return FixedMove.pad(p, ty);
    }
    if (op instanceof Op.Gather gt) {
      return FixedMove.gather(gt, ty);
    }
    if (op instanceof Op.Identity) {
      return FixedMove.identity(ty);
    }
    if (op instanceof Op.Quant || op instanceof Op.BipolarQuant || op instanceof Op.Trunc
        || op instanceof Op.QuantizeLinear || op instanceof Op.DequantizeLinear) {
      throw unsupported(n, "the precision pass maps a QONNX Quant with a power-of-two scale and zero point 0 to a "
          + "fixed-point type; other quantizers are not supported yet");
    }
    if (op instanceof Op.Cast) {
      throw unsupported(n, "casts are removed before precision assignment (RemoveIdentities) or run in the float "
          + "interpreter");
    }
    throw unsupported(n, "it runs in the float interpreter only until a pass lowers it");
  }

  private static UnsupportedOpException unsupported(Node n, String why) {
    return new UnsupportedOpException(n.name(), n.source(), "no fixed-point semantics; " + why);
  }

  private static FixedType param(FixedType p) {
    return p != null ? p : FixedConstants.PARAM_TYPE;
  }

  private static TableSpec defaultEluSpec() {
    return Tables.eluSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE);
  }

  private static FixedStep softmax(Node n, Graph g, Op.Softmax s, FixedType tx, FixedType ty, boolean big) {
    Shape shape = g.type(n.input(0)).shape();
    int axis = s.axis() < 0 ? s.axis() + shape.rank() : s.axis();
    SoftmaxMode mode = s.mode() != null ? s.mode() : SoftmaxMode.STABLE;
    if (mode == SoftmaxMode.INTEGER) {
      throw unsupported(n, "softmax mode integer is lowered to ISoftmax before precision assignment "
          + "(StandardPipelines.prepare); a Softmax node never carries it");
    }
    TableSpec exp = s.expTable();
    TableSpec inv = s.invTable();
    if (mode != SoftmaxMode.ARGMAX) {
      if (exp == null) {
        exp = mode == SoftmaxMode.STABLE
            ? Tables.softmaxExpSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE, tx)
            : Tables.inputRangeSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE, tx);
      }
      if (inv == null) {
        if (shape.dim(axis).isSymbolic()) {
          throw new IllegalArgumentException("softmax axis " + axis + " of " + shape + " has no static size");
        }
        inv = Tables.softmaxInvSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE, shape.size(axis));
      }
    }
    return new FixedSoftmax(axis, mode, exp, inv, tx, ty, big);
  }

  /**
   * s = gamma / sqrt(var + eps) and t = beta - mean s in double, quantized to the types of the scale and bias
   * inputs; y = Q_Ty(x s + t).
   */
  private static FixedStep batchNorm(Node n, Graph g, Op.BatchNorm bn, FixedType tx, FixedType ty, boolean big) {
    FixedConstants.ScaleShift k = FixedConstants.batchNorm(constant(n, g, 1, "scale"), constant(n, g, 2, "bias"),
        constant(n, g, 3, "mean"), constant(n, g, 4, "variance"), bn.epsilon());
    return FixedElementwise.batchNorm(tx, k.scale(), k.scaleType().fractionBits(), k.shift(),
        k.shiftType().fractionBits(), ty, big);
  }

  private static Tensor constant(Node n, Graph g, int i, String what) {
    String name = n.input(i);
    if (name == null || !g.isConstant(name)) {
      throw new IllegalArgumentException("the " + what + " (input " + i + ") must be a constant"
          + (name == null ? "" : ", '" + name + "' is not"));
    }
    return g.constant(name);
  }

  private static Tensor optionalConstant(Node n, Graph g, int i, String what) {
    return n.input(i) == null ? null : constant(n, g, i, what);
  }

  /** The declared output spatial sizes when static, else null (computed from the input at run time). */
  private static long[] spatial(Graph g, Node n) {
    Shape s = g.type(n.output()).shape();
    if (s.rank() < 3) {
      return null;
    }
    Shape sp = new Shape(s.dims().subList(2, s.rank()));
    return sp.isStatic() ? sp.sizes() : null;
  }
}
