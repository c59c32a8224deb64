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
 * QuantizeLinear whose readers are all DequantizeLinear with the same scale and zero point becomes one QONNX Quant
 * (the pair computes {@code s (sat(round(x / s) + z) - z)}, which is Quant's formula); a narrow-range Quant becomes a
 * full-range Quant followed by a Clip to the narrow range; a Quant whose scale is not a power of two or whose zero
 * point is not 0 becomes {@code x * (1/s)}, {@code + z}, an integer Quant, {@code - z}, {@code * s}, the scale being an
 * explicit constant multiply; a Div by a constant becomes a Mul by its reciprocal. Preserves the graph's interface
 * and the float values, except for the double rounding of the reciprocal constants (x / s against x * (1/s)).
 * Per-channel QuantizeLinear and quantizers without a matching dequantizer are left as they are.
 */
public final class LowerQuantizers implements Pass {

  @Override
  public Graph run(Graph in, PassContext ctx) {
    Graph g = in;
    for (Node n : in.nodes()) {
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

  /** QuantizeLinear + DequantizeLinear readers with equal parameters: one Quant. */
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
    if (scale.size() != 1 || (zero != null && zero.size() != 1)) {
      ctx.warn(q.describe() + ": per-channel scales are not lowered; the quantizer stays");
      return g;
    }
    double z = zero == null ? 0 : zero.value(0);
    for (Node r : readers) {
      if (!(r.op() instanceof Op.DequantizeLinear) || !r.input(0).equals(out)) {
        return g;
      }
      Tensor rs = g.constant(r.input(1));
      Tensor rz = r.input(2) == null ? null : g.constant(r.input(2));
      if (rs == null || rs.size() != 1 || rs.value(0) != scale.value(0) || (r.input(2) != null
          && (rz == null || rz.size() != 1)) || (rz == null ? 0 : rz.value(0)) != z) {
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
    String s = GraphEdit.addConstant(b, q.name() + "_scale", Tensor.ofFloats(new long[0], scale.value(0)));
    String zp = GraphEdit.addConstant(b, q.name() + "_zero_point", Tensor.ofFloats(new long[0], z));
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

  /** A Quant whose scale is not a power of two, or whose zero point is not 0: integer Quant between multiplies. */
  private static Graph generalScale(Graph g, Node n, Op.Quant q) {
    Tensor scale = g.constant(n.input(1));
    Tensor zero = g.constant(n.input(2));
    if (scale == null || zero == null || scale.size() != 1 || zero.size() != 1) {
      return g;
    }
    double s = scale.value(0);
    double z = zero.value(0);
    boolean pow2 = s > 0 && s == Math.scalb(1.0, Math.getExponent(s));
    if ((pow2 && z == 0) || !(s > 0) || z != Math.rint(z)) {
      return g;
    }
    Graph.Builder b = g.toBuilder();
    TensorType t = g.type(n.output());
    List<Node> chain = new ArrayList<>();
    String x = n.input(0);
    String inv = GraphEdit.addConstant(b, n.name() + "_inverse_scale", Tensor.ofFloats(new long[0], 1 / s));
    String scaled = GraphEdit.freshName(b, n.name() + "_scaled");
    b.type(scaled, t);
    chain.add(new Node(GraphEdit.freshName(b, n.name() + "_divide"), new Op.Binary(Op.BinaryKind.MUL),
        List.of(x, inv), List.of(scaled), n.source()));
    String v = scaled;
    String zc = null;
    if (z != 0) {
      zc = GraphEdit.addConstant(b, n.name() + "_zero", Tensor.ofFloats(new long[0], z));
      String shifted = GraphEdit.freshName(b, n.name() + "_shifted");
      b.type(shifted, t);
      chain.add(new Node(GraphEdit.freshName(b, n.name() + "_add_zero"), new Op.Binary(Op.BinaryKind.ADD),
          List.of(v, zc), List.of(shifted), n.source()));
      v = shifted;
    }
    String one = GraphEdit.addConstant(b, n.name() + "_unit", Tensor.ofFloats(new long[0], 1.0));
    String nil = GraphEdit.addConstant(b, n.name() + "_no_zero", Tensor.ofFloats(new long[0], 0.0));
    String ints = GraphEdit.freshName(b, n.name() + "_integers");
    b.type(ints, t);
    // the clamp range of QONNX is that of x/s + z, so the integer Quant clamps before the zero point comes off
    chain.add(new Node(n.name(), new Op.Quant(q.signed(), q.narrow(), q.rounding()), List.of(v, one, nil,
        n.input(3)), List.of(ints), n.source()));
    v = ints;
    if (zc != null) {
      String centred = GraphEdit.freshName(b, n.name() + "_centred");
      b.type(centred, t);
      chain.add(new Node(GraphEdit.freshName(b, n.name() + "_sub_zero"), new Op.Binary(Op.BinaryKind.SUB),
          List.of(v, zc), List.of(centred), n.source()));
      v = centred;
    }
    String sc = GraphEdit.addConstant(b, n.name() + "_rescale", Tensor.ofFloats(new long[0], s));
    chain.add(new Node(GraphEdit.freshName(b, n.name() + "_multiply"), new Op.Binary(Op.BinaryKind.MUL),
        List.of(v, sc), List.of(n.output()), n.source()));
    int at = b.nodes().indexOf(n);
    b.nodes().remove(at);
    b.nodes().addAll(at, chain);
    GraphEdit.prune(b);
    return b.build();
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
