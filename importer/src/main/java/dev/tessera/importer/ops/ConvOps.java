package dev.tessera.importer.ops;

import dev.tessera.importer.ImportContext;
import dev.tessera.importer.OnnxNode;
import dev.tessera.importer.ShapeRules;
import dev.tessera.importer.ShapeRules.Broken;
import dev.tessera.importer.Value;
import dev.tessera.ir.DType;
import dev.tessera.ir.Dim;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Conv, pooling, BatchNormalization, LayerNormalization and Pad, plus the channels-last wrappers of the
 * {@code qonnx.custom_op.channels_last} domain (Transpose to channels-first, the op, Transpose back).
 */
final class ConvOps {

  private ConvOps() {}

  static final String CHANNELS_LAST = "qonnx.custom_op.channels_last";

  static void register(Registry r) {
    r.op("Conv", (n, c) -> conv(n, c, false));
    r.op("MaxPool", (n, c) -> maxPool(n, c, false));
    r.op("AveragePool", ConvOps::averagePool);
    r.op("GlobalAveragePool", (n, c) -> globalPool(n, c, new Op.GlobalAveragePool()));
    r.op("GlobalMaxPool", (n, c) -> globalPool(n, c, new Op.GlobalMaxPool()));
    r.op("BatchNormalization", (n, c) -> batchNorm(n, c, false));
    r.op("LayerNormalization", ConvOps::layerNorm);
    r.op("Pad", ConvOps::pad);
    r.custom(CHANNELS_LAST, "Conv", (n, c) -> conv(n, c, true));
    r.custom(CHANNELS_LAST, "MaxPool", (n, c) -> maxPool(n, c, true));
    r.custom(CHANNELS_LAST, "BatchNormalization", (n, c) -> batchNorm(n, c, true));
  }

  /** Emits either the node's main IR node or an auxiliary one. */
  interface Sink {
    Value emit(Op op, List<Value> inputs, DType dt, Shape shape, String[] origins);
  }

  private static Sink sink(OnnxNode n, ImportContext ctx, boolean channelsLast, String what) {
    if (!channelsLast) {
      return (op, ins, dt, s, o) -> H.emit(n, ctx, op, ins, dt, s, o);
    }
    return (op, ins, dt, s, o) -> {
      Value y = H.aux(n, ctx, what, op, ins, dt, s, o);
      int r = s.rank();
      int[] perm = new int[r];
      perm[0] = 0;
      for (int i = 1; i < r - 1; i++) {
        perm[i] = i + 1;
      }
      perm[r - 1] = 1;
      return permute(n, ctx, y, perm, true);
    };
  }

  /** Transposes a value (folding constants); {@code main} writes the node's output. */
  private static Value permute(OnnxNode n, ImportContext ctx, Value v, int[] perm, boolean main) {
    if (v.isConstant()) {
      return ctx.auxConstant(n, "channels_first", ConstMath.transpose(C.of(v), perm).tensor());
    }
    List<Dim> dims = new ArrayList<>();
    String[] o = new String[perm.length];
    for (int i = 0; i < perm.length; i++) {
      dims.add(v.dim(perm[i]));
      o[i] = v.origin(perm[i]);
    }
    Op op = new Op.Transpose(perm);
    return main ? H.emit(n, ctx, op, List.of(v), v.dtype(), new Shape(dims), o)
        : H.aux(n, ctx, "to_channels_first", op, List.of(v), v.dtype(), new Shape(dims), o);
  }

  /** NHWC → NCHW permutation. */
  private static Value channelsFirst(OnnxNode n, ImportContext ctx, Value v) {
    int r = v.rank();
    int[] perm = new int[r];
    perm[0] = 0;
    perm[1] = r - 1;
    for (int i = 2; i < r; i++) {
      perm[i] = i - 1;
    }
    return permute(n, ctx, v, perm, false);
  }

  /** Resolved sliding window of a Conv or pool. */
  record Window(long[] kernel, long[] strides, long[] padsBegin, long[] padsEnd, long[] dilations, long[] out) {}

  /**
   * Resolves kernel, strides, dilations, auto_pad/pads and ceil_mode into explicit pads and output sizes; records
   * a shape error and returns null when the window does not fit.
   */
  static Window window(OnnxNode n, ImportContext ctx, Value x, long[] kernel, boolean ceilMode,
      boolean countIncludePad) {
    int sp = x.rank() - 2;
    for (int i = 0; i < sp; i++) {
      if (x.dim(2 + i).isSymbolic()) {
        ctx.fail(n, "spatial axis " + (2 + i) + " of " + ShapeRules.operand("X", x) + " is symbolic ("
            + x.dim(2 + i) + "); bind it to a fixed size");
        return null;
      }
    }
    long[] strides = orOnes(n.attrs().ints("strides"), sp);
    long[] dil = orOnes(n.attrs().has("dilations") ? n.attrs().ints("dilations") : null, sp);
    String autoPad = n.attrs().s("auto_pad", "NOTSET");
    long[] pads = n.attrs().ints("pads");
    if (strides.length != sp || dil.length != sp || kernel.length != sp || (pads != null && pads.length != 2 * sp)) {
      ctx.fail(n, "kernel_shape, strides, dilations and pads must have " + sp + " (pads " + 2 * sp
          + ") entries for " + ShapeRules.operand("X", x));
      return null;
    }
    for (int i = 0; i < sp; i++) {
      if (strides[i] < 1 || dil[i] < 1 || kernel[i] < 1) {
        ctx.fail(n, "strides, dilations and kernel sizes must be positive, got strides "
            + Arrays.toString(strides) + ", dilations " + Arrays.toString(dil) + ", kernel " + Arrays.toString(kernel));
        return null;
      }
    }
    long[] pb = new long[sp];
    long[] pe = new long[sp];
    long[] out = new long[sp];
    for (int i = 0; i < sp; i++) {
      long in = x.dim(2 + i).size();
      long dk = (kernel[i] - 1) * dil[i] + 1;
      switch (autoPad) {
        case "NOTSET" -> {
          if (pads != null) {
            pb[i] = pads[i];
            pe[i] = pads[i + sp];
            if (pb[i] < 0 || pe[i] < 0) {
              throw n.unsupported("negative pads " + Arrays.toString(pads) + " are not supported");
            }
          }
        }
        case "VALID" -> {
          pb[i] = 0;
          pe[i] = 0;
        }
        case "SAME_UPPER", "SAME_LOWER" -> {
          long o = (in + strides[i] - 1) / strides[i];
          long total = Math.max(0, (o - 1) * strides[i] + dk - in);
          long small = total / 2;
          pb[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
          pe[i] = total - pb[i];
        }
        default -> throw n.unsupported("auto_pad '" + autoPad + "' is not supported");
      }
      long span = in + pb[i] + pe[i] - dk;
      if (span < 0) {
        ctx.fail(n, "rule X[" + (2 + i) + "] + pads >= dilated kernel is broken: " + ShapeRules.ref("X", x, 2 + i)
            + ", pads " + pb[i] + "+" + pe[i] + ", dilated kernel " + dk);
        return null;
      }
      long o = span / strides[i] + 1;
      if (ceilMode) {
        long oc = (span + strides[i] - 1) / strides[i] + 1;
        if ((oc - 1) * strides[i] >= in + pb[i]) {
          oc--;
        }
        long extra = Math.max(0, (oc - 1) * strides[i] + dk - (in + pb[i] + pe[i]));
        if (extra > 0 && countIncludePad) {
          throw n.unsupported("ceil_mode = 1 with count_include_pad = 1 would average over the extra ceil window, "
              + "which is not supported");
        }
        pe[i] += extra;
        o = oc;
      }
      out[i] = o;
    }
    return new Window(kernel, strides, pb, pe, dil, out);
  }

  private static long[] orOnes(long[] v, int len) {
    if (v != null) {
      return v;
    }
    long[] o = new long[len];
    Arrays.fill(o, 1);
    return o;
  }

  private static boolean spatialRankOk(OnnxNode n, ImportContext ctx, Value x) {
    if (x.rank() == 3 || x.rank() == 4) {
      return true;
    }
    if (x.rank() > 4) {
      throw n.unsupported("only 1-D and 2-D " + n.opType() + " is supported, input " + ShapeRules.operand("X", x)
          + " is " + (x.rank() - 2) + "-D");
    }
    ctx.fail(n, "rule rank(X) in {3, 4} is broken: " + ShapeRules.operand("X", x));
    return false;
  }

  private static Shape outShape(Value x, Dim channels, long[] spatial) {
    List<Dim> d = new ArrayList<>(List.of(x.dim(0), channels));
    for (long s : spatial) {
      d.add(Dim.of(s));
    }
    return new Shape(d);
  }

  private static String[] outOrigins(OnnxNode n, Value x, String channelOrigin, int rank) {
    String[] o = H.origins(n, rank);
    o[0] = x.origin(0);
    o[1] = channelOrigin;
    return o;
  }

  static void conv(OnnxNode n, ImportContext ctx, boolean channelsLast) {
    n.attrs().allow("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
    Value x = n.in(0);
    Value w = n.in(1);
    Value b = n.optIn(2);
    H.requireFloat(n, x, "X");
    if (channelsLast) {
      if (x.rank() < 3 || w.rank() != x.rank()) {
        ctx.fail(n, "channels-last Conv needs X and W of the same rank >= 3: " + ShapeRules.operand("X", x) + ", "
            + ShapeRules.operand("W", w));
        return;
      }
      x = channelsFirst(n, ctx, x);
      w = channelsFirst(n, ctx, w);
    }
    convValues(n, ctx, x, w, b, sink(n, ctx, channelsLast, "conv"));
  }

  /** Checks and emits a Conv of explicit values (shared with QLinearConv); null after a shape error. */
  static Value convValues(OnnxNode n, ImportContext ctx, Value x, Value w, Value b, Sink sink) {
    if (!spatialRankOk(n, ctx, x)) {
      return null;
    }
    if (w.rank() != x.rank()) {
      ctx.fail(n, "rule rank(W) == rank(X) is broken: " + ShapeRules.operand("X", x) + ", "
          + ShapeRules.operand("W", w));
      return null;
    }
    int sp = x.rank() - 2;
    long group = n.attrs().i("group", 1);
    for (int i = 0; i < w.rank(); i++) {
      if (w.dim(i).isSymbolic()) {
        ctx.fail(n, "the weight " + ShapeRules.operand("W", w) + " must have a static shape");
        return null;
      }
    }
    long[] kernel = new long[sp];
    for (int i = 0; i < sp; i++) {
      kernel[i] = w.dim(2 + i).size();
    }
    long[] ks = n.attrs().ints("kernel_shape");
    if (ks != null && !Arrays.equals(ks, kernel)) {
      ctx.fail(n, "rule kernel_shape == W[2:] is broken: kernel_shape " + Arrays.toString(ks) + ", "
          + ShapeRules.operand("W", w));
      return null;
    }
    Dim c = x.dim(1);
    long m = w.dim(0).size();
    if (group < 1 || c.isSymbolic() || c.size() != w.dim(1).size() * group || m % group != 0) {
      ctx.fail(n, "rule X[1] == W[1] * group and W[0] % group == 0 is broken: " + ShapeRules.operand("X", x)
          + ", " + ShapeRules.operand("W", w) + ", group " + group + "; " + ShapeRules.ref("X", x, 1) + ", "
          + ShapeRules.ref("W", w, 1));
      return null;
    }
    if (b != null && (b.rank() != 1 || !b.dim(0).equals(w.dim(0)))) {
      ctx.fail(n, "rule B == [W[0]] is broken: " + ShapeRules.operand("B", b) + ", " + ShapeRules.operand("W", w)
          + "; " + ShapeRules.ref("W", w, 0));
      return null;
    }
    Window win = window(n, ctx, x, kernel, false, false);
    if (win == null) {
      return null;
    }
    Op op = new Op.Conv(win.kernel(), win.strides(), win.padsBegin(), win.padsEnd(), win.dilations(), (int) group,
        null);
    List<Value> ins = b == null ? List.of(x, w) : List.of(x, w, b);
    return sink.emit(op, ins, x.dtype(), outShape(x, w.dim(0), win.out()), outOrigins(n, x, w.origin(0),
        x.rank()));
  }

  static void maxPool(OnnxNode n, ImportContext ctx, boolean channelsLast) {
    List<String> allowed = new ArrayList<>(List.of("auto_pad", "kernel_shape", "pads", "strides"));
    if (n.opset() >= 8 || channelsLast) {
      allowed.add("storage_order");
    }
    if (n.opset() >= 10 || channelsLast) {
      allowed.add("ceil_mode");
      allowed.add("dilations");
    }
    n.attrs().allow(allowed.toArray(new String[0]));
    n.refuseUsedOutputs(1, "the Indices output");
    Value x = n.in(0);
    H.requireFloat(n, x, "X");
    if (channelsLast) {
      x = channelsFirst(n, ctx, x);
    }
    if (!spatialRankOk(n, ctx, x)) {
      return;
    }
    long[] kernel = n.attrs().ints("kernel_shape");
    if (kernel == null) {
      throw n.unsupported("required attribute 'kernel_shape' is missing");
    }
    Window win = window(n, ctx, x, kernel, n.attrs().i("ceil_mode", 0) != 0, false);
    if (win == null) {
      return;
    }
    Op op = new Op.MaxPool(win.kernel(), win.strides(), win.padsBegin(), win.padsEnd(), win.dilations());
    sink(n, ctx, channelsLast, "maxpool").emit(op, List.of(x), x.dtype(), outShape(x, x.dim(1), win.out()),
        outOrigins(n, x, x.origin(1), x.rank()));
  }

  static void averagePool(OnnxNode n, ImportContext ctx) {
    List<String> allowed = new ArrayList<>(List.of("auto_pad", "kernel_shape", "pads", "strides",
        "count_include_pad"));
    if (n.opset() >= 10) {
      allowed.add("ceil_mode");
    }
    if (n.opset() >= 19) {
      allowed.add("dilations");
    }
    n.attrs().allow(allowed.toArray(new String[0]));
    Value x = n.in(0);
    H.requireFloat(n, x, "X");
    if (!spatialRankOk(n, ctx, x)) {
      return;
    }
    long[] kernel = n.attrs().ints("kernel_shape");
    if (kernel == null) {
      throw n.unsupported("required attribute 'kernel_shape' is missing");
    }
    long[] dil = n.attrs().ints("dilations");
    if (dil != null && Arrays.stream(dil).anyMatch(d -> d != 1)) {
      throw n.unsupported("dilations " + Arrays.toString(dil) + " are not supported for AveragePool");
    }
    boolean include = n.attrs().i("count_include_pad", 0) != 0;
    Window win = window(n, ctx, x, kernel, n.attrs().i("ceil_mode", 0) != 0, include);
    if (win == null) {
      return;
    }
    H.emit(n, ctx, new Op.AveragePool(win.kernel(), win.strides(), win.padsBegin(), win.padsEnd(), include),
        List.of(x), x.dtype(), outShape(x, x.dim(1), win.out()), outOrigins(n, x, x.origin(1), x.rank()));
  }

  static void globalPool(OnnxNode n, ImportContext ctx, Op op) {
    n.attrs().allow();
    Value x = n.in(0);
    H.requireFloat(n, x, "X");
    if (x.rank() < 3) {
      ctx.fail(n, "rule rank(X) >= 3 is broken: " + ShapeRules.operand("X", x));
      return;
    }
    long[] ones = new long[x.rank() - 2];
    Arrays.fill(ones, 1);
    for (int i = 2; i < x.rank(); i++) {
      if (x.dim(i).isSymbolic()) {
        ctx.fail(n, "spatial axis " + i + " of " + ShapeRules.operand("X", x) + " is symbolic");
        return;
      }
    }
    H.emit(n, ctx, op, List.of(x), x.dtype(), outShape(x, x.dim(1), ones), outOrigins(n, x, x.origin(1),
        x.rank()));
  }

  static void batchNorm(OnnxNode n, ImportContext ctx, boolean channelsLast) {
    if (channelsLast) {
      n.attrs().allow("epsilon", "momentum");
    } else if (n.opset() < 7) {
      n.attrs().allow("epsilon", "momentum", "is_test", "spatial", "consumed_inputs");
      if (n.attrs().i("is_test", 0) == 0) {
        throw n.unsupported("training mode (is_test = 0) is not supported; export the model in eval mode");
      }
    } else if (n.opset() < 9) {
      n.attrs().allow("epsilon", "momentum", "spatial");
    } else if (n.opset() < 14) {
      n.attrs().allow("epsilon", "momentum");
    } else {
      n.attrs().allow("epsilon", "momentum", "training_mode");
    }
    if (n.attrs().i("spatial", 1) != 1) {
      throw n.unsupported("spatial = 0 (per-activation statistics) is not supported");
    }
    if (n.attrs().i("training_mode", 0) != 0) {
      throw n.unsupported("training_mode = 1 is not supported (inference only)");
    }
    n.refuseUsedOutputs(1, "a training statistic");
    double eps = n.attrs().f("epsilon", 1e-5f);
    Value x = n.in(0);
    H.requireFloat(n, x, "X");
    if (channelsLast) {
      x = channelsFirst(n, ctx, x);
    }
    if (x.rank() < 2) {
      ctx.fail(n, "rule rank(X) >= 2 is broken: " + ShapeRules.operand("X", x));
      return;
    }
    if (!channelsLast && featuresFirst2d(x, n.in(1))) {
      batchNormFeaturesFirst(n, ctx, x, eps);
      return;
    }
    List<Value> ins = new ArrayList<>(List.of(x));
    String[] names = {"scale", "B", "input_mean", "input_var"};
    for (int i = 1; i <= 4; i++) {
      Value p = n.in(i);
      if (p.rank() != 1 || !p.dim(0).equals(x.dim(1))) {
        ctx.fail(n, "rule " + names[i - 1] + " == [X[1]] is broken: " + ShapeRules.operand(names[i - 1], p) + ", "
            + ShapeRules.operand("X", x) + "; " + ShapeRules.ref("X", x, 1));
        return;
      }
      ins.add(p);
    }
    sink(n, ctx, channelsLast, "batchnorm").emit(new Op.BatchNorm(eps), ins, x.dtype(), x.shape(), x.origins());
  }

  /**
   * True for the 2-D BatchNormalization that onnxmltools writes for Keras between two Transposes: X is
   * {@code [C, N]} (features first, the symbolic batch second) and the parameters have C entries. ONNX Runtime
   * rejects such a node at run time; Keras meant a per-feature normalization, which is what it becomes here.
   */
  private static boolean featuresFirst2d(Value x, Value scale) {
    return x.rank() == 2 && x.dim(1).isSymbolic() && !x.dim(0).isSymbolic() && scale.rank() == 1
        && scale.dim(0).equals(x.dim(0));
  }

  /** Normalizes the features of a {@code [C, N]} tensor: transpose to {@code [N, C]}, BatchNorm, transpose back. */
  private static void batchNormFeaturesFirst(OnnxNode n, ImportContext ctx, Value x, double eps) {
    int[] swap = {1, 0};
    Value rows = permute(n, ctx, x, swap, false);
    List<Value> ins = new ArrayList<>(List.of(rows));
    for (int i = 1; i <= 4; i++) {
      ins.add(n.in(i));
    }
    Value y = H.aux(n, ctx, "batchnorm", new Op.BatchNorm(eps), ins, rows.dtype(), rows.shape(), rows.origins());
    permute(n, ctx, y, swap, true);
  }

  static void layerNorm(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("axis", "epsilon", "stash_type");
    if (n.attrs().i("stash_type", 1) != 1) {
      throw n.unsupported("stash_type " + n.attrs().i("stash_type", 1) + " is not supported (only 1, float)");
    }
    n.refuseUsedOutputs(1, "Mean or InvStdDev");
    Value x = n.in(0);
    H.requireFloat(n, x, "X");
    Integer axis = H.axis(n, ctx, n.attrs().i("axis", -1), x.rank(), "axis");
    if (axis == null) {
      return;
    }
    for (int i = axis; i < x.rank(); i++) {
      if (x.dim(i).isSymbolic()) {
        ctx.fail(n, "normalizing over the symbolic axis " + i + " of " + ShapeRules.operand("X", x)
            + " is not supported");
        return;
      }
    }
    Value norm = Value.dynamic(x.tensor(), x.dtype(), new Shape(x.shape().dims().subList(axis, x.rank())),
        Arrays.copyOfRange(x.origins(), axis, x.rank()));
    List<Value> ins = new ArrayList<>(List.of(x));
    for (int i = 1; i <= 2; i++) {
      Value p = n.optIn(i);
      if (p == null) {
        if (i == 1) {
          throw n.unsupported("input Scale is missing");
        }
        continue;
      }
      try {
        ShapeRules.Dims d = ShapeRules.broadcast(List.of(norm, p), List.of("X[axis:]", i == 1 ? "Scale" : "B"));
        if (!d.shape().equals(norm.shape())) {
          throw new Broken((i == 1 ? "Scale " : "B ") + p.shape() + " does not broadcast to the normalized shape "
              + norm.shape());
        }
      } catch (Broken e) {
        ctx.fail(n, e.getMessage());
        return;
      }
      ins.add(p);
    }
    H.emit(n, ctx, new Op.LayerNorm(axis, n.attrs().f("epsilon", 1e-5f)), ins, x.dtype(), x.shape(),
        x.origins());
  }

  static void pad(OnnxNode n, ImportContext ctx) {
    Value x = n.in(0);
    int r = x.rank();
    long[] pads;
    double value = 0;
    long[] axes = null;
    if (n.opset() < 11) {
      n.attrs().allow("mode", "pads", "value");
      pads = n.attrs().ints("pads");
      if (pads == null) {
        throw n.unsupported("required attribute 'pads' is missing");
      }
      value = n.attrs().f("value", 0f);
    } else {
      n.attrs().allow("mode");
      pads = H.ints(n, 1, "pads");
      if (n.hasInput(2)) {
        C cv = H.constant(n, 2, "constant_value");
        value = cv.size() == 0 ? 0 : cv.v()[0];
      }
      if (n.hasInput(3)) {
        axes = H.ints(n, 3, "axes");
      }
    }
    String mode = n.attrs().s("mode", "constant");
    Op.PadMode pm = switch (mode) {
      case "constant" -> Op.PadMode.CONSTANT;
      case "reflect" -> Op.PadMode.REFLECT;
      case "edge" -> Op.PadMode.EDGE;
      default -> throw n.unsupported("pad mode '" + mode + "' is not supported (constant, reflect, edge)");
    };
    if (axes == null) {
      axes = new long[r];
      for (int i = 0; i < r; i++) {
        axes[i] = i;
      }
    }
    if (pads.length != 2 * axes.length) {
      ctx.fail(n, "pads " + Arrays.toString(pads) + " must have 2 x " + axes.length + " entries for "
          + ShapeRules.operand("X", x));
      return;
    }
    long[] pb = new long[r];
    long[] pe = new long[r];
    List<Dim> dims = new ArrayList<>();
    String[] origins = x.origins();
    for (int k = 0; k < axes.length; k++) {
      Integer a = H.axis(n, ctx, axes[k], r, "axis");
      if (a == null) {
        return;
      }
      pb[a] = pads[k];
      pe[a] = pads[k + axes.length];
      if (pb[a] < 0 || pe[a] < 0) {
        throw n.unsupported("negative pads " + Arrays.toString(pads) + " (cropping) are not supported");
      }
    }
    for (int i = 0; i < r; i++) {
      Dim d = x.dim(i);
      if (pb[i] == 0 && pe[i] == 0) {
        dims.add(d);
        continue;
      }
      if (d.isSymbolic()) {
        ctx.fail(n, "padding the symbolic axis " + i + " (" + d + ") of " + ShapeRules.operand("X", x)
            + " is not supported");
        return;
      }
      if (pm == Op.PadMode.REFLECT && (pb[i] >= d.size() || pe[i] >= d.size())) {
        ctx.fail(n, "rule pads < X[" + i + "] (reflect mode) is broken: pads " + pb[i] + ", " + pe[i] + "; "
            + ShapeRules.ref("X", x, i));
        return;
      }
      dims.add(Dim.of(d.size() + pb[i] + pe[i]));
      origins[i] = n.describe();
    }
    H.emit(n, ctx, new Op.Pad(pb, pe, pm, value), List.of(x), x.dtype(), new Shape(dims), origins);
  }
}
