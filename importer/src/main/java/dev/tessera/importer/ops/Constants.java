package dev.tessera.importer.ops;

import dev.tessera.importer.ImportContext;
import dev.tessera.importer.OnnxNode;
import dev.tessera.importer.TensorDecoder;
import dev.tessera.importer.Value;
import dev.tessera.importer.proto.Onnx.AttributeProto;
import dev.tessera.ir.DType;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.op.Op;
import java.util.List;

/** Constant (every value form) and Cast. */
final class Constants {

  private Constants() {}

  static void register(Registry r) {
    r.op("Constant", Constants::constant);
    r.op("Cast", Constants::cast);
  }

  /** Decodes a TENSOR attribute. */
  static Tensor tensorAttribute(OnnxNode n, String name) {
    AttributeProto a = n.attrs().get(name);
    if (!a.hasT()) {
      throw n.unsupported("attribute '" + name + "' must be a tensor");
    }
    return TensorDecoder.decode(a.getT(), "attribute '" + name + "' of " + n.describe());
  }

  static void constant(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("value", "sparse_value", "value_float", "value_floats", "value_int", "value_ints",
        "value_string", "value_strings");
    int given = 0;
    for (String a : List.of("value", "sparse_value", "value_float", "value_floats", "value_int", "value_ints",
        "value_string", "value_strings")) {
      if (n.attrs().has(a)) {
        given++;
      }
    }
    if (given != 1) {
      throw n.unsupported("exactly one value attribute must be given, found " + given);
    }
    Tensor t;
    if (n.attrs().has("value")) {
      t = tensorAttribute(n, "value");
    } else if (n.attrs().has("sparse_value")) {
      t = TensorDecoder.decodeSparse(n.attrs().get("sparse_value").getSparseTensor(),
          "attribute 'sparse_value' of " + n.describe());
    } else if (n.attrs().has("value_float")) {
      t = Tensor.ofValues(DType.FLOAT, new long[0], new double[] {n.attrs().f("value_float", 0)});
    } else if (n.attrs().has("value_floats")) {
      float[] f = n.attrs().floats("value_floats");
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      t = Tensor.ofValues(DType.FLOAT, new long[] {f.length}, d);
    } else if (n.attrs().has("value_int")) {
      t = Tensor.ofValues(DType.INT64, new long[0], new double[] {n.attrs().i("value_int")});
    } else if (n.attrs().has("value_ints")) {
      long[] l = n.attrs().ints("value_ints");
      double[] d = new double[l.length];
      for (int i = 0; i < l.length; i++) {
        d[i] = l[i];
      }
      t = Tensor.ofValues(DType.INT64, new long[] {l.length}, d);
    } else {
      throw n.unsupported("string constants are not supported");
    }
    if (((DType) t.type()).isFloat()) {
      for (double v : t.values()) {
        if (Double.isNaN(v)) {
          throw n.unsupported("the constant contains NaN");
        }
      }
    }
    ctx.define(n.outputName(0), ctx.constant(n, n.outputName(0), t, null));
  }

  static void cast(OnnxNode n, ImportContext ctx) {
    n.attrs().allow(n.opset() >= 19 ? new String[] {"to", "saturate"} : new String[] {"to"});
    int code = (int) n.attrs().i("to");
    DType to = DType.fromOnnx(code);
    if (to == null) {
      throw n.unsupported("cast to " + TensorDecoder.typeName(code) + " is not supported");
    }
    Value x = n.in(0);
    if (x.isConstant()) {
      C c = C.of(x);
      boolean keepSymbols = !x.dtype().isFloat() && !to.isFloat() && to != DType.BOOL;
      C out = ConstMath.unary(c, to, v -> v);
      H.out(n, ctx, keepSymbols ? new C(to, out.shape(), out.v(), c.sym()) : out);
      return;
    }
    H.emit(n, ctx, new Op.Cast(to), List.of(x), to, x.shape(), x.origins());
  }
}
