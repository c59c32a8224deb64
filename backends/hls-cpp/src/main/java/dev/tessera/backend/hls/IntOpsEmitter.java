package dev.tessera.backend.hls;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.intops.IntExp;
import dev.tessera.ir.intops.IntGelu;
import dev.tessera.ir.intops.IntLayerNorm;
import dev.tessera.ir.intops.IntSoftmax;
import dev.tessera.ir.op.Op;
import java.math.BigInteger;
import java.util.List;

/**
 * Emits the I-BERT integer-only ops (docs/integer-ops.md) as calls of {@code tessera_intops.h}. Every constant
 * (L, A, Bc, Ha, the epsilon term, the shifts) comes from the Java kernels of {@code dev.tessera.ir.intops}; the
 * config also names the kernel's natural output type {@code nat_t}, so the C++ writes {@code Q_Ty} of it exactly as
 * the fixed interpreter does.
 */
final class IntOpsEmitter {

  /** Largest input width the kernels read (as the interpreter). */
  static final int MAX_INPUT_BITS = 62;
  /** Largest magnitude in bits of a layer-norm intermediate in the C++ __int128 arithmetic. */
  static final int MAX_WIDE_BITS = 125;

  private final ProjectBuilder b;

  IntOpsEmitter(ProjectBuilder b) {
    this.b = b;
  }

  void exp(Node n, Op.IExp op) {
    FixedType tx = input(n);
    IntExp exp = new IntExp(op.k());
    LayerEmitter.Cfg cfg = common(n, "IExp k " + op.k() + " (" + exp + ")", tx, exp.outputType());
    expConstants(cfg, exp);
    String name = cfg.raw("a", exp.a()).u("n_elem", b.size(n.input(0))).add();
    summary(n, b.size(n.input(0)) + " elements, " + exp);
    call(n, "tessera::int_exp", name);
  }

  void softmax(Node n, Op.ISoftmax op) {
    FixedType tx = input(n);
    long[] shape = b.shape(n.input(0));
    int axis = op.axis() < 0 ? op.axis() + shape.length : op.axis();
    if (axis != shape.length - 1) {
      throw new UnsupportedOpException(n.name(), n.source(), "integer softmax runs along the last axis ("
          + (shape.length - 1) + "), not axis " + op.axis());
    }
    IntSoftmax sm = new IntSoftmax(op.k(), op.outFrac());
    long len = shape[axis];
    // S < n 2^(2k+2) must fit an int64_t; E_i R < 2^(2k+Fo+5) and 2^(s+Fo+2) an unsigned __int128
    int sumBits = 2 * op.k() + 2 + CppText.sumBits(len);
    if (sumBits > 62 || sumBits + op.outFrac() + 3 > 127) {
      throw new UnsupportedOpException(n.name(), n.source(), "integer softmax over " + len + " values with k = "
          + op.k() + " and Fo = " + op.outFrac() + " needs wider intermediates than the HLS kernel has");
    }
    LayerEmitter.Cfg cfg = common(n, "ISoftmax k " + op.k() + " Fo " + op.outFrac() + " (" + sm.exp() + ")", tx,
        sm.outputType());
    expConstants(cfg, sm.exp());
    String name = cfg.e("int", "out_frac", Integer.toString(op.outFrac())).u("n_rows", b.size(n.input(0)) / len)
        .u("n_in", len).add();
    summary(n, "rows of " + len + ", " + sm);
    call(n, "tessera::int_softmax", name);
  }

  void gelu(Node n, Op.IGelu op) {
    FixedType tx = input(n);
    IntGelu gelu = new IntGelu(op.k());
    FixedType nat = gelu.outputType(tx);
    if (!nat.fitsLong()) {
      throw new UnsupportedOpException(n.name(), n.source(), "i-gelu output of " + tx + " with k = " + op.k()
          + " needs more than 64 bits");
    }
    String name = common(n, "IGelu k " + op.k() + " (" + gelu + ")", tx, nat)
        .e("int", "k", Integer.toString(op.k())).raw("clip", gelu.clip()).raw("coefficient", gelu.coefficient())
        .u("n_elem", b.size(n.input(0))).add();
    summary(n, b.size(n.input(0)) + " elements, " + gelu);
    call(n, "tessera::int_gelu", name);
  }

  void layerNorm(Node n, Op.ILayerNorm op) {
    FixedType tx = input(n);
    long[] shape = b.shape(n.input(0));
    int axis = op.axis() < 0 ? op.axis() + shape.length : op.axis();
    if (axis < 0 || axis >= shape.length) {
      throw new NodeException(n.name(), n.source(), "axis " + op.axis() + " is outside " + Shape.toString(shape));
    }
    long len = LayerEmitter.prod(shape, axis, shape.length);
    int rowLength = Math.toIntExact(len);
    IntLayerNorm ln = new IntLayerNorm(op.outFrac(), op.epsilon());
    int f = tx.fractionBits();
    int zb = IntLayerNorm.magnitudeBits(rowLength);
    int tb = op.outFrac() + zb + 3;
    int e = ln.epsilonShift(f);
    BigInteger epsTerm = ln.epsilonRaw(f).multiply(BigInteger.valueOf(len).pow(2));
    int lg = CppText.sumBits(len);
    // |q| < 2^W: V < 2^(2W + 2lg), Ve below 2^(max(2W + 2lg + 2e, bits(n^2 Eps)) + 1), |D_i| < 2^(W + lg + 1),
    // R <= 2^(Tb + 1), 2^(2Tb) for the reciprocal
    int w = tx.width();
    int veBits = Math.max(2 * w + 2 * lg + 2 * e, epsTerm.bitLength()) + 1;
    int drBits = w + lg + 1 + tb + 2;
    if (epsTerm.bitLength() > 62 || veBits > MAX_WIDE_BITS || drBits > MAX_WIDE_BITS || 2 * tb + 1 > 127) {
      throw new UnsupportedOpException(n.name(), n.source(), "integer layer norm of " + tx + " over " + len
          + " values (eps " + op.epsilon() + ", Fo " + op.outFrac() + ") needs intermediates wider than the HLS "
          + "kernel's 128 bits");
    }
    String name = common(n, "ILayerNorm eps " + op.epsilon() + " Fo " + op.outFrac() + " over " + len + " values",
        tx, ln.outputType(rowLength))
        .e("int", "tb", Integer.toString(tb)).e("int", "eps_shift", Integer.toString(e))
        .raw("eps_term", epsTerm.longValueExact()).e("int", "out_frac", Integer.toString(op.outFrac()))
        .u("n_rows", b.size(n.input(0)) / len).u("n_in", len).add();
    summary(n, "rows of " + len + ", " + ln);
    call(n, "tessera::int_layer_norm", name);
  }

  private FixedType input(Node n) {
    FixedType tx = b.fixed(n.input(0));
    if (tx.width() > MAX_INPUT_BITS) {
      throw new UnsupportedOpException(n.name(), n.source(), "integer-only " + n.op().kind() + " needs an input of "
          + "at most " + MAX_INPUT_BITS + " bits, got " + tx);
    }
    return tx;
  }

  private LayerEmitter.Cfg common(Node n, String comment, FixedType tx, FixedType nat) {
    if (b.size(n.input(0)) != b.size(n.output())) {
      throw new NodeException(n.name(), n.source(), "input " + Shape.toString(b.shape(n.input(0))) + " and output "
          + Shape.toString(b.shape(n.output())) + " differ in size");
    }
    return new LayerEmitter.Cfg(b, n, comment).type("nat_t", nat)
        .e("int", "in_width", Integer.toString(tx.width())).flag("in_signed", tx.signed())
        .e("int", "in_frac", Integer.toString(tx.fractionBits()));
  }

  private static void expConstants(LayerEmitter.Cfg cfg, IntExp exp) {
    cfg.e("int", "k", Integer.toString(exp.fractionBits())).raw("ln2", exp.ln2())
        .raw("zero_bound", (2L * exp.fractionBits() + 2) * exp.ln2());
  }

  private void summary(Node n, String what) {
    b.summary(n.name() + " (" + n.source() + "): " + what + ", " + b.fixed(n.input(0)) + " -> "
        + b.fixed(n.output()));
  }

  private void call(Node n, String fn, String config) {
    String x = n.input(0);
    String y = n.output();
    b.call(new Views.Call(n.describe(), fn, List.of(b.type(x), b.type(y), config), List.of(b.read(x),
        b.write(y, n))));
  }
}
