package dev.tessera.importer.ops;

import dev.tessera.importer.ImportContext;
import dev.tessera.importer.OnnxNode;
import dev.tessera.importer.ShapeRules;
import dev.tessera.importer.ShapeRules.Broken;
import dev.tessera.importer.ShapeRules.Dims;
import dev.tessera.importer.TensorDecoder;
import dev.tessera.importer.Value;
import dev.tessera.ir.DType;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Quantizers: QONNX Quant/IntQuant, BipolarQuant and Trunc (in the domains qonnx.custom_op.general,
 * finn.custom_op.general and onnx.brevitas), ONNX QuantizeLinear/DequantizeLinear, and QLinearConv/QLinearMatMul
 * lowered to DequantizeLinear → Conv/MatMul → QuantizeLinear. Quantizers are never folded, even on constant
 * weights: the precision passes read their bit widths.
 */
final class QuantOps {

  private QuantOps() {}

  static final List<String> QONNX_DOMAINS = List.of("qonnx.custom_op.general", "finn.custom_op.general",
      "onnx.brevitas");

  /** QONNX rounding modes (HALF_EVEN is an alias of ROUND). */
  static final Set<String> ROUNDING = Set.of("ROUND", "HALF_EVEN", "CEIL", "FLOOR", "UP", "DOWN", "HALF_UP",
      "HALF_DOWN", "ROUND_TO_ZERO");

  static void register(Registry r) {
    for (String d : QONNX_DOMAINS) {
      r.custom(d, "Quant", QuantOps::quant);
      r.custom(d, "IntQuant", QuantOps::quant);
      r.custom(d, "BipolarQuant", QuantOps::bipolar);
      r.custom(d, "Trunc", QuantOps::trunc);
    }
    r.op("QuantizeLinear", QuantOps::quantizeLinear);
    r.op("DequantizeLinear", QuantOps::dequantizeLinear);
    r.op("QLinearConv", QuantOps::qlinearConv);
    r.op("QLinearMatMul", QuantOps::qlinearMatMul);
  }

  private static String rounding(OnnxNode n, String dflt) {
    String mode = n.attrs().s("rounding_mode", dflt).toUpperCase(Locale.ROOT);
    if (!ROUNDING.contains(mode)) {
      throw n.unsupported("rounding_mode '" + n.attrs().s("rounding_mode", dflt) + "' is not one of " +
          new java.util.TreeSet<>(ROUNDING));
    }
    return mode.equals("HALF_EVEN") ? "ROUND" : mode;
  }

  /** Checks that quantizer parameters broadcast into X without changing its shape. */
  private static boolean paramsFit(OnnxNode n, ImportContext ctx, Value x, List<Value> params, List<String> labels) {
    List<Value> all = new ArrayList<>(List.of(x));
    all.addAll(params);
    List<String> lab = new ArrayList<>(List.of("X"));
    lab.addAll(labels);
    try {
      Dims d = ShapeRules.broadcast(all, lab);
      if (!d.shape().equals(x.shape())) {
        ctx.fail(n, "quantizer parameters must broadcast into " + ShapeRules.operand("X", x) + " without growing it,"
            + " they make it " + d.shape());
        return false;
      }
    } catch (Broken e) {
      ctx.fail(n, e.getMessage());
      return false;
    }
    return true;
  }

  private static void bitWidth(OnnxNode n, int i, String what) {
    Value v = n.in(i);
    if (!v.isConstant()) {
      throw n.unsupported(what + " (input " + i + ") must be a constant");
    }
    C c = C.of(v);
    if (c.size() != 1) {
      throw n.unsupported(what + " must be a scalar, it has shape " + Shape.toString(c.shape()));
    }
    double b = c.v()[0];
    if (b != Math.rint(b) || b < 1 || b > 64) {
      throw n.unsupported(what + " " + b + " must be an integer in [1, 64]");
    }
  }

  static void quant(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("signed", "narrow", "rounding_mode");
    Value x = n.in(0);
    H.requireFloat(n, x, "X");
    bitWidth(n, 3, "the bit width");
    if (!paramsFit(n, ctx, x, List.of(n.in(1), n.in(2)), List.of("scale", "zeropt"))) {
      return;
    }
    Op op = new Op.Quant(n.attrs().i("signed", 1) != 0, n.attrs().i("narrow", 0) != 0, rounding(n, "ROUND"));
    H.emit(n, ctx, op, List.of(x, n.in(1), n.in(2), n.in(3)), x.dtype(), x.shape(), x.origins());
  }

  static void bipolar(OnnxNode n, ImportContext ctx) {
    n.attrs().allow();
    Value x = n.in(0);
    H.requireFloat(n, x, "X");
    if (!paramsFit(n, ctx, x, List.of(n.in(1)), List.of("scale"))) {
      return;
    }
    H.emit(n, ctx, new Op.BipolarQuant(), List.of(x, n.in(1)), x.dtype(), x.shape(), x.origins());
  }

  /** Trunc: 5 inputs (x, scale, zeropt, input bit width, output bit width) or 7 (with output scale and zeropt). */
  static void trunc(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("rounding_mode", "signed", "narrow");
    Value x = n.in(0);
    H.requireFloat(n, x, "X");
    int count = 0;
    for (int i = 0; i < n.inputCount(); i++) {
      if (n.hasInput(i)) {
        count++;
      }
    }
    if (count != 5 && count != 7) {
      throw n.unsupported("needs 5 inputs (x, scale, zeropt, input bit width, output bit width) or 7, got " + count);
    }
    bitWidth(n, 3, "the input bit width");
    bitWidth(n, count == 5 ? 4 : 6, "the output bit width");
    List<Value> params = new ArrayList<>(List.of(n.in(1), n.in(2)));
    if (count == 7) {
      params.add(n.in(4));
      params.add(n.in(5));
    }
    if (!paramsFit(n, ctx, x, params, count == 7 ? List.of("scale", "zeropt", "out_scale", "out_zeropt")
        : List.of("scale", "zeropt"))) {
      return;
    }
    List<Value> ins = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ins.add(n.in(i));
    }
    Op op = new Op.Trunc(rounding(n, "FLOOR"), n.attrs().i("signed", 1) != 0, n.attrs().i("narrow", 0) != 0);
    H.emit(n, ctx, op, ins, x.dtype(), x.shape(), x.origins());
  }

  /** Checks per-tensor or per-axis parameters; returns the normalized axis or null after an error. */
  private static Integer quantAxis(OnnxNode n, ImportContext ctx, Value x, Value scale, Value zp, long rawAxis) {
    Integer axis = x.rank() == 0 ? Integer.valueOf(0) : ShapeRules.axis(rawAxis, x.rank());
    boolean perTensor = scale.rank() == 0 || (scale.rank() == 1 && scale.dim(0).equals(dev.tessera.ir.Dim.of(1)));
    if (!perTensor) {
      if (n.opset() < 13 && !n.opType().startsWith("QLinear")) {
        ctx.fail(n, "per-axis scales need opset 13 or later: " + ShapeRules.operand("scale", scale));
        return null;
      }
      if (axis == null) {
        ctx.fail(n, "axis " + rawAxis + " is out of range for " + ShapeRules.operand("X", x));
        return null;
      }
      if (scale.rank() != 1 || !scale.dim(0).equals(x.dim(axis))) {
        ctx.fail(n, "rule scale == [X[" + axis + "]] (per-axis) is broken: " + ShapeRules.operand("scale", scale)
            + ", " + ShapeRules.operand("X", x) + "; " + ShapeRules.ref("X", x, axis));
        return null;
      }
    }
    boolean zpPerTensor = zp != null && (zp.rank() == 0 || (zp.rank() == 1 && zp.dim(0).equals(dev.tessera.ir.Dim.of(1))));
    if (zp != null && !zp.shape().equals(scale.shape()) && !(perTensor && zpPerTensor)) {
      ctx.fail(n, "rule shape(zero_point) == shape(scale) is broken: " + ShapeRules.operand("zero_point", zp) + ", "
          + ShapeRules.operand("scale", scale));
      return null;
    }
    return axis == null ? 0 : axis;
  }

  /**
   * ONNX wants the zero point shaped like the scale; exporters mix [] and [1] for per-tensor parameters. A constant
   * per-tensor zero point is given the scale's shape.
   */
  private static Value alignZeroPoint(OnnxNode n, ImportContext ctx, Value zp, Value scale) {
    if (zp == null || zp.shape().equals(scale.shape()) || !zp.isConstant() || !scale.shape().isStatic()) {
      return zp;
    }
    return ctx.auxConstant(n, "zero_point", zp.constant().reshape(scale.shape().sizes()));
  }

  private static DType quantizedType(OnnxNode n, DType t) {
    if (t == DType.UINT8 || t == DType.INT8 || t == DType.UINT16 || t == DType.INT16) {
      return t;
    }
    throw n.unsupported("quantized type " + t + " is not supported (int8, uint8, int16, uint16)");
  }

  static void quantizeLinear(OnnxNode n, ImportContext ctx) {
    List<String> allowed = new ArrayList<>();
    if (n.opset() >= 13) {
      allowed.add("axis");
    }
    if (n.opset() >= 19) {
      allowed.add("saturate");
    }
    if (n.opset() >= 21) {
      allowed.add("block_size");
      allowed.add("output_dtype");
    }
    n.attrs().allow(allowed.toArray(new String[0]));
    if (n.attrs().i("block_size", 0) != 0) {
      throw n.unsupported("blocked quantization (block_size " + n.attrs().i("block_size", 0) + ") is not supported");
    }
    Value x = n.in(0);
    H.requireFloat(n, x, "X");
    Value scale = n.in(1);
    Value zp = n.optIn(2);
    DType to;
    if (zp != null) {
      to = zp.dtype();
    } else if (n.attrs().has("output_dtype")) {
      int code = (int) n.attrs().i("output_dtype", 0);
      to = DType.fromOnnx(code);
      if (to == null) {
        throw n.unsupported("output_dtype " + TensorDecoder.typeName(code) + " is not supported");
      }
    } else {
      to = DType.UINT8;
    }
    to = quantizedType(n, to);
    Integer axis = quantAxis(n, ctx, x, scale, zp, n.attrs().i("axis", 1));
    if (axis == null) {
      return;
    }
    zp = alignZeroPoint(n, ctx, zp, scale);
    List<Value> ins = zp == null ? List.of(x, scale) : List.of(x, scale, zp);
    H.emit(n, ctx, new Op.QuantizeLinear(axis, to, n.attrs().i("saturate", 1) != 0), ins, to, x.shape(),
        x.origins());
  }

  static void dequantizeLinear(OnnxNode n, ImportContext ctx) {
    List<String> allowed = new ArrayList<>();
    if (n.opset() >= 13) {
      allowed.add("axis");
    }
    if (n.opset() >= 21) {
      allowed.add("block_size");
    }
    if (n.opset() >= 23) {
      allowed.add("output_dtype");
    }
    n.attrs().allow(allowed.toArray(new String[0]));
    if (n.attrs().i("block_size", 0) != 0) {
      throw n.unsupported("blocked quantization is not supported");
    }
    Value x = n.in(0);
    Value scale = n.in(1);
    Value zp = n.optIn(2);
    dequantize(n, ctx, x, scale, zp, n.attrs().i("axis", 1), null);
  }

  /** Emits DequantizeLinear (main when {@code suffix} is null); null after a shape error. */
  private static Value dequantize(OnnxNode n, ImportContext ctx, Value x, Value scale, Value zp, long rawAxis,
      String suffix) {
    if (x.dtype() != DType.INT32) {
      quantizedType(n, x.dtype());
    }
    H.requireFloat(n, scale, "scale");
    if (zp != null && zp.dtype() != x.dtype()) {
      ctx.fail(n, "rule dtype(zero_point) == dtype(X) is broken: " + ShapeRules.operand("zero_point", zp) + ", "
          + ShapeRules.operand("X", x));
      return null;
    }
    Integer axis = quantAxis(n, ctx, x, scale, zp, rawAxis);
    if (axis == null) {
      return null;
    }
    zp = alignZeroPoint(n, ctx, zp, scale);
    List<Value> ins = zp == null ? List.of(x, scale) : List.of(x, scale, zp);
    Op op = new Op.DequantizeLinear(axis);
    return suffix == null ? H.emit(n, ctx, op, ins, scale.dtype(), x.shape(), x.origins())
        : H.aux(n, ctx, suffix, op, ins, scale.dtype(), x.shape(), x.origins());
  }

  private static void quantizeOut(OnnxNode n, ImportContext ctx, Value y, Value scale, Value zp, long rawAxis) {
    DType to = quantizedType(n, zp == null ? DType.UINT8 : zp.dtype());
    Integer axis = quantAxis(n, ctx, y, scale, zp, rawAxis);
    if (axis == null) {
      return;
    }
    zp = alignZeroPoint(n, ctx, zp, scale);
    List<Value> ins = zp == null ? List.of(y, scale) : List.of(y, scale, zp);
    H.emit(n, ctx, new Op.QuantizeLinear(axis, to, true), ins, to, y.shape(), y.origins());
  }

  /**
   * QLinearConv as DequantizeLinear(x), DequantizeLinear(w, per output channel), Conv with the int32 bias
   * dequantized by x_scale·w_scale, QuantizeLinear(y). Exact in real arithmetic; ONNX Runtime multiplies the
   * int32 accumulator by the float scale ratio, so results can differ where a value lies within float rounding of
   * a rounding tie.
   */
  static void qlinearConv(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
    Value x = n.in(0);
    Value xs = n.in(1);
    Value xz = n.optIn(2);
    Value w = n.in(3);
    Value ws = n.in(4);
    Value wz = n.optIn(5);
    Value ys = n.in(6);
    Value yz = n.optIn(7);
    Value b = n.optIn(8);
    Value xd = dequantize(n, ctx, x, xs, xz, 1, "dequantize_x");
    Value wd = xd == null ? null : dequantize(n, ctx, w, ws, wz, 0, "dequantize_w");
    if (wd == null) {
      return;
    }
    Value bf = null;
    if (b != null) {
      if (!b.isConstant() || !xs.isConstant() || !ws.isConstant()) {
        throw n.unsupported("the bias needs constant bias, x_scale and w_scale");
      }
      C bc = C.of(b);
      C xsc = C.of(xs);
      C wsc = C.of(ws);
      double[] v = new double[bc.size()];
      for (int i = 0; i < v.length; i++) {
        double wsv = wsc.size() == 1 ? wsc.v()[0] : wsc.v()[i];
        v[i] = bc.v()[i] * ((float) (xsc.v()[0] * wsv));
      }
      bf = ctx.auxConstant(n, "bias", H.floats(bc.shape(), v));
    }
    Value y = ConvOps.convValues(n, ctx, xd, wd, bf, (op, ins, dt, s, o) -> H.aux(n, ctx, "conv", op, ins, dt, s, o));
    if (y != null) {
      quantizeOut(n, ctx, y, ys, yz, 1);
    }
  }

  /** QLinearMatMul as DequantizeLinear(a), DequantizeLinear(b), MatMul, QuantizeLinear(y); see qlinearConv. */
  static void qlinearMatMul(OnnxNode n, ImportContext ctx) {
    n.attrs().allow();
    Value a = n.in(0);
    Value b = n.in(3);
    Value ad = dequantize(n, ctx, a, n.in(1), n.optIn(2), a.rank() - 2, "dequantize_a");
    if (ad == null) {
      return;
    }
    Value bs = n.in(4);
    long bAxis = b.rank() - 1;
    Value bd = dequantize(n, ctx, b, bs, n.optIn(5), bAxis, "dequantize_b");
    if (bd == null) {
      return;
    }
    Dims out;
    try {
      out = LinearOps.matmulShape(ad, bd);
    } catch (Broken e) {
      ctx.fail(n, e.getMessage());
      return;
    }
    Value y = H.aux(n, ctx, "matmul", new Op.MatMul(), List.of(ad, bd), ad.dtype(), out.shape(), out.origins());
    quantizeOut(n, ctx, y, n.in(6), n.optIn(7), y.rank() - 2);
  }
}
