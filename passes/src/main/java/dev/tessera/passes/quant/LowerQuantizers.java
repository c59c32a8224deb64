package dev.tessera.passes.quant;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.GraphEdit;
import dev.tessera.passes.Pass;
import dev.tessera.passes.PassContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites the quantizers of already-quantized models into the form whose fixed-point types are exact: a
 * QuantizeLinear whose readers are all DequantizeLinear with the same scale and zero point (per tensor or per axis)
 * becomes one QONNX Quant (the pair computes {@code s (sat(round(x / s) + z) - z)}, which is Quant's formula); a
 * BipolarQuant becomes two 2-bit floor Quants and a constant multiply and add, a Trunc an integer Quant chain
 * ({@link SignAndTrunc}); a narrow-range Quant becomes a full-range Quant followed by a Clip to the narrow range; a
 * Quant whose scale is not one power of two or whose zero point is not 0 becomes {@code x * (1/s)}, {@code + z}, an
 * integer Quant, {@code - z}, {@code * s}, the scale being an explicit (per-channel) constant multiply; a Div by a
 * constant becomes a Mul by its reciprocal. Preserves the graph's interface and the float values, except for the
 * double rounding of the reciprocal constants (x / s against x * (1/s)). Quantizers without a matching dequantizer
 * and quantizers with variable parameters are left as they are.
 */
public final class LowerQuantizers implements Pass {

  @Override
  public Graph run(Graph in, PassContext ctx) {
    Graph g = in;
    for (Node n : in.nodes()) {
      if (n.input(0) == null || g.isConstant(n.input(0))) {
        continue;
      }
      if (n.op() instanceof Op.BipolarQuant) {
        g = SignAndTrunc.bipolar(g, g.node(n.name()), ctx);
      } else if (n.op() instanceof Op.Trunc t) {
        g = SignAndTrunc.trunc(g, g.node(n.name()), t, ctx);
      }
    }
    for (Node n : g.nodes()) {
      if (n.op() instanceof Op.QuantizeLinear q) {
        g = qdq(g, g.node(n.name()), q, ctx);
      }
    }
    for (Node n : new ArrayList<>(g.nodes())) {
      Node cur = g.node(n.name());
      if (cur != null && cur.op() instanceof Op.Quant q && !g.isConstant(cur.input(0))) {
        g = generalScale(g, cur, q);
      }
    }
    for (Node n : new ArrayList<>(g.nodes())) {
      Node cur = g.node(n.name());
      if (cur != null && cur.op() instanceof Op.Quant q && q.narrow() && !g.isConstant(cur.input(0))) {
        g = narrow(g, cur, q);
      }
    }
    for (Node n : new ArrayList<>(g.nodes())) {
      if (n.op() instanceof Op.Binary b && b.fn() == Op.BinaryKind.DIV && g.isConstant(n.input(1))
          && !g.isConstant(n.input(0))) {
        g = reciprocal(g, n);
      }
    }
    return g;
  }

  /** QuantizeLinear + DequantizeLinear readers with equal parameters: one Quant (per-axis parameters broadcast). */
  private static Graph qdq(Graph g, Node q, Op.QuantizeLinear op, PassContext ctx) {
    String out = q.output();
    List<Node> readers = g.consumers(out);
    if (readers.isEmpty() || g.outputs().contains(out)) {
      return g;
    }
    Tensor scale = g.constant(q.input(1));
    Tensor zero = q.input(2) == null ? null : g.constant(q.input(2));
    if (scale == null || (q.input(2) != null && zero == null)) {
      ctx.warn(q.describe() + ": scale and zero point must be constants; the quantizer stays");
      return g;
    }
    int rank = g.type(q.input(0)).shape().rank();
    int axis = op.axis() < 0 ? op.axis() + rank : op.axis();
    if ((zero != null && zero.size() != scale.size()) || (scale.size() != 1 && (scale.rank() != 1 || axis < 0
        || axis >= rank))) {
      ctx.warn(q.describe() + ": scale of shape " + java.util.Arrays.toString(scale.shape()) + " is neither per "
          + "tensor nor per axis; the quantizer stays");
      return g;
    }
    double[] z = zero == null ? new double[scale.size()] : zero.values();
    for (Node r : readers) {
      if (!(r.op() instanceof Op.DequantizeLinear d) || !r.input(0).equals(out)) {
        return g;
      }
      Tensor rs = g.constant(r.input(1));
      Tensor rz = r.input(2) == null ? null : g.constant(r.input(2));
      int ra = d.axis() < 0 ? d.axis() + rank : d.axis();
      if (rs == null || !java.util.Arrays.equals(rs.values(), scale.values()) || (scale.size() != 1 && ra != axis)
          || (r.input(2) != null && rz == null)
          || !java.util.Arrays.equals(rz == null ? new double[scale.size()] : rz.values(), z)) {
        return g;
      }
    }
    String target = out;
    for (Node r : readers) {
      if (g.outputs().contains(r.output())) {
        if (!target.equals(out)) {
          return g;
        }
        target = r.output();
      }
    }
    DType to = op.to();
    boolean signed = to == DType.INT8 || to == DType.INT16;
    int bits = to == DType.INT8 || to == DType.UINT8 ? 8 : 16;
    Graph.Builder b = g.toBuilder();
    long[] shape = broadcastShape(scale.size(), rank, axis);
    String s = GraphEdit.addConstant(b, q.name() + "_scale", Tensor.ofFloats(shape, scale.values()));
    String zp = GraphEdit.addConstant(b, q.name() + "_zero_point", Tensor.ofFloats(shape, z));
    String w = GraphEdit.addConstant(b, q.name() + "_bits", Tensor.ofFloats(new long[0], bits));
    Node quant = new Node(q.name(), new Op.Quant(signed, false, "ROUND"), List.of(q.input(0), s, zp, w),
        List.of(target), q.source());
    b.nodes().set(b.nodes().indexOf(q), quant);
    TensorType floatType = g.type(out).withElementType(g.type(q.input(0)).elementType());
    for (Node r : readers) {
      b.nodes().remove(r);
      if (!r.output().equals(target)) {
        GraphEdit.replaceUses(b, r.output(), target);
        b.removeType(r.output());
      }
    }
    if (!target.equals(out)) {
      b.removeType(out);
    }
    b.type(target, floatType);
    GraphEdit.prune(b);
    return b.build();
  }

  /** A scalar for one value, else {@code [c, 1, ..., 1]}: a per-axis parameter that broadcasts along {@code axis}. */
  private static long[] broadcastShape(int c, int rank, int axis) {
    if (c == 1) {
      return new long[0];
    }
    long[] shape = new long[rank - axis];
    java.util.Arrays.fill(shape, 1);
    shape[0] = c;
    return shape;
  }

  /**
   * A Quant whose scale is not one power of two, or whose zero point is not 0: an integer Quant between multiplies
   * (per channel when the scale and zero point are tensors that broadcast against x).
   */
  private static Graph generalScale(Graph g, Node n, Op.Quant q) {
    Tensor scale = g.constant(n.input(1));
    Tensor zero = g.constant(n.input(2));
    if (scale == null || zero == null) {
      return g;
    }
    double[] s = scale.values();
    boolean exact = true;
    boolean hasZero = false;
    double[] inv = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      if (!(s[i] > 0)) {
        return g;
      }
      exact &= s[i] == s[0] && s[i] == Math.scalb(1.0, Math.getExponent(s[i]));
      inv[i] = 1 / s[i];
    }
    for (double z : zero.values()) {
      if (z != Math.rint(z)) {
        return g;
      }
      hasZero |= z != 0;
    }
    if (exact && !hasZero) {
      return g;
    }
    QuantChain c = new QuantChain(g, n, n.input(0));
    c.binary(Op.BinaryKind.MUL, "divide", c.constant("inverse_scale", Tensor.ofFloats(scale.shape(), inv)));
    String zc = hasZero ? c.constant("zero", Tensor.ofFloats(zero.shape(), zero.values())) : null;
    if (hasZero) {
      c.binary(Op.BinaryKind.ADD, "add_zero", zc);
    }
    // the clamp range of QONNX is that of x/s + z, so the integer Quant clamps before the zero point comes off
    String bits = n.input(3);
    c.named(n.name()).quantAs("integers", q, bits);
    if (hasZero) {
      c.binary(Op.BinaryKind.SUB, "sub_zero", zc);
    }
    c.binary(Op.BinaryKind.MUL, "multiply", c.constant("rescale", Tensor.ofFloats(scale.shape(), s)));
    return c.build();
  }

  /** Narrow range: a full-range Quant, then a Clip to {@code ±(2^(b-1) - 1) s} ({@code [0, (2^b - 2) s]} unsigned). */
  private static Graph narrow(Graph g, Node n, Op.Quant q) {
    Tensor scale = g.constant(n.input(1));
    Tensor zero = g.constant(n.input(2));
    Tensor bits = g.constant(n.input(3));
    if (scale == null || zero == null || bits == null || scale.size() != 1 || zero.size() != 1 || bits.size() != 1
        || zero.value(0) != 0) {
      return g;
    }
    double s = scale.value(0);
    int w = (int) bits.value(0);
    double hi = (q.signed() ? Math.scalb(1.0, w - 1) - 1 : Math.scalb(1.0, w) - 2) * s;
    double lo = q.signed() ? -hi : 0;
    Graph.Builder b = g.toBuilder();
    String full = GraphEdit.freshName(b, n.name() + "_full_range");
    b.type(full, g.type(n.output()));
    Node quant = new Node(GraphEdit.freshName(b, n.name() + "_full"), new Op.Quant(q.signed(), false,
        q.rounding()), n.inputs(), List.of(full), n.source());
    Node clip = new Node(n.name(), new Op.Clip(lo, hi), List.of(full), n.outputs(), n.source());
    int at = b.nodes().indexOf(n);
    b.nodes().set(at, clip);
    b.nodes().add(at, quant);
    return b.build();
  }

  /** x / c as x * (1/c). */
  private static Graph reciprocal(Graph g, Node n) {
    Tensor c = g.constant(n.input(1));
    double[] v = c.values();
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      if (v[i] == 0) {
        return g;
      }
      r[i] = 1 / v[i];
    }
    Graph.Builder b = g.toBuilder();
    String rc = GraphEdit.addConstant(b, n.input(1) + "_reciprocal", Tensor.ofFloats(c.shape(), r));
    b.nodes().set(b.nodes().indexOf(n), new Node(n.name(), new Op.Binary(Op.BinaryKind.MUL), List.of(n.input(0),
        rc), n.outputs(), n.source()));
    GraphEdit.prune(b);
    return b.build();
  }

  @Override
  public String name() {
    return "LowerQuantizers";
  }
}
