package dev.tessera.backend.hls;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.interp.FixedConstants;
import dev.tessera.ir.interp.Tables;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.ir.op.TableSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits one node of a quantized graph: its config struct, its constants and its kernel call. Compute kernels
 * (Dense, Conv, MatMul, BatchNorm, pooling) live in {@link ComputeEmitter}; this class dispatches and handles
 * activations, tables, Softmax and data movement. Every constant comes from the IR or from the interpreter's own
 * helpers ({@link FixedConstants}, {@link dev.tessera.ir.interp.Tables}), so the C++ uses the same integers.
 */
final class LayerEmitter {

  static final String SUPPORTED = "Dense, Conv (1D/2D), MatMul, BatchNorm, Relu, LeakyRelu, Clip, HardSigmoid, "
      + "Selu, Elu, Sigmoid, Tanh, Exp, Softmax, MaxPool, AveragePool, GlobalMaxPool, GlobalAveragePool, Add, "
      + "Sub, Mul, Reshape, Identity, Transpose, Concat, Slice, Pad (constant 0), Gather, IExp, ISoftmax, IGelu, "
      + "ILayerNorm";

  private final ProjectBuilder b;
  private final ComputeEmitter compute;
  private final IntOpsEmitter intOps;
  /** Tables already emitted, by spec and entries: identical tables are shared. */
  private final Map<String, String> tables = new HashMap<>();

  LayerEmitter(ProjectBuilder b) {
    this.b = b;
    this.compute = new ComputeEmitter(b, this);
    this.intOps = new IntOpsEmitter(b);
  }

  void emit(Node n) {
    if (n.outputs().size() != 1) {
      throw new UnsupportedOpException(n.name(), n.source(), "has " + n.outputs().size() + " outputs; the HLS "
          + "backend supports single-output ops");
    }
    b.write(n.output(), n);
    Op op = n.op();
    if (op instanceof Op.Dense d) {
      compute.dense(n, d);
    } else if (op instanceof Op.Conv c) {
      compute.conv(n, c);
    } else if (op instanceof Op.MatMul) {
      compute.matmul(n);
    } else if (op instanceof Op.BatchNorm bn) {
      compute.batchNorm(n, bn);
    } else if (op instanceof Op.MaxPool p) {
      compute.pool(n, true, p.kernel(), p.strides(), p.padsBegin(), p.padsEnd(), p.dilations(), false);
    } else if (op instanceof Op.AveragePool p) {
      compute.pool(n, false, p.kernel(), p.strides(), p.padsBegin(), p.padsEnd(), null, p.countIncludePad());
    } else if (op instanceof Op.GlobalMaxPool) {
      compute.globalPool(n, true);
    } else if (op instanceof Op.GlobalAveragePool) {
      compute.globalPool(n, false);
    } else if (op instanceof Op.Relu) {
      elementwise(n, "tessera::relu", new Cfg(b, n, "Relu"));
    } else if (op instanceof Op.LeakyRelu l) {
      FixedType p = paramType(l.param());
      elementwise(n, "tessera::leaky_relu", new Cfg(b, n, "LeakyRelu alpha " + l.alpha()).type("param_t", p)
          .raw("alpha_raw", FixedConstants.param(p, l.alpha()).longValueExact()));
    } else if (op instanceof Op.Clip c) {
      FixedType ty = b.fixed(n.output());
      elementwise(n, "tessera::clip", new Cfg(b, n, "Clip [" + c.min() + ", " + c.max() + "]")
          .raw("lo_raw", FixedConstants.clipBound(ty, c.min()).longValueExact())
          .raw("hi_raw", FixedConstants.clipBound(ty, c.max()).longValueExact()));
    } else if (op instanceof Op.HardSigmoid h) {
      FixedType p = paramType(h.param());
      elementwise(n, "tessera::hard_sigmoid", new Cfg(b, n, "HardSigmoid alpha " + h.alpha() + " beta " + h.beta())
          .type("param_t", p).raw("alpha_raw", FixedConstants.param(p, h.alpha()).longValueExact())
          .raw("beta_raw", FixedConstants.param(p, h.beta()).longValueExact()));
    } else if (op instanceof Op.Selu s) {
      FixedType p = paramType(s.param());
      elu(n, s.alpha(), s.gamma(), p, p.fromDouble(s.gamma()).longValueExact(), eluSpec(s.table()));
    } else if (op instanceof Op.Elu e) {
      // the interpreter multiplies by an exact 1 here, not by 1 quantized to the parameter type
      elu(n, e.alpha(), 1.0, FixedType.signed(2, 2), 1, eluSpec(e.table()));
    } else if (op instanceof Op.Sigmoid s) {
      TableSpec spec = s.table() != null ? s.table() : Tables.sigmoidSpec(FixedConstants.TABLE_SIZE,
          FixedConstants.TABLE_TYPE);
      tableFunction(n, "sigmoid", spec, Tables.sigmoid(spec));
    } else if (op instanceof Op.Tanh t) {
      TableSpec spec = t.table() != null ? t.table() : Tables.sigmoidSpec(FixedConstants.TABLE_SIZE,
          FixedConstants.TABLE_TYPE);
      tableFunction(n, "tanh", spec, Tables.tanh(spec));
    } else if (op instanceof Op.Exp e) {
      TableSpec spec = e.table() != null ? e.table() : Tables.inputRangeSpec(FixedConstants.TABLE_SIZE,
          FixedConstants.TABLE_TYPE, b.fixed(n.input(0)));
      tableFunction(n, "exp", spec, Tables.exp(spec));
    } else if (op instanceof Op.Softmax s) {
      softmax(n, s);
    } else if (op instanceof Op.IExp e) {
      intOps.exp(n, e);
    } else if (op instanceof Op.ISoftmax s) {
      intOps.softmax(n, s);
    } else if (op instanceof Op.IGelu g) {
      intOps.gelu(n, g);
    } else if (op instanceof Op.ILayerNorm l) {
      intOps.layerNorm(n, l);
    } else if (op instanceof Op.Binary bin) {
      MoveEmitter.binary(b, n, bin.fn());
    } else if (op instanceof Op.Reshape || op instanceof Op.Identity) {
      MoveEmitter.copy(b, n);
    } else if (op instanceof Op.Transpose t) {
      MoveEmitter.transpose(b, n, t.perm());
    } else if (op instanceof Op.Slice s) {
      MoveEmitter.slice(b, n, s);
    } else if (op instanceof Op.Pad p) {
      MoveEmitter.pad(b, n, p);
    } else if (op instanceof Op.Gather g) {
      MoveEmitter.gather(b, n, g);
    } else if (op instanceof Op.Concat c) {
      MoveEmitter.concat(b, n, c.axis());
    } else {
      throw new UnsupportedOpException(n.name(), n.source(), "the HLS backend has no fixed-point kernel for "
          + op.kind() + "; supported: " + SUPPORTED);
    }
  }

  /** The parameter type of an op, the documented default when the precision pass left it unset. */
  static FixedType paramType(FixedType p) {
    return p != null ? p : FixedConstants.PARAM_TYPE;
  }

  /** A one-input element-wise kernel: {@code fn<x_t, y_t, config>(x, y)}. */
  private void elementwise(Node n, String fn, Cfg cfg) {
    String x = n.input(0);
    String y = n.output();
    checkSameSize(n, x, y);
    cfg.u("n_elem", b.size(x));
    String name = cfg.add();
    b.summary(n.name() + " (" + n.source() + "): " + b.size(x) + " elements, " + b.fixed(x) + " -> " + b.fixed(y));
    b.call(new Views.Call(n.describe(), fn, List.of(b.type(x), b.type(y), name), List.of(b.read(x),
        b.write(y, n))));
  }

  private static TableSpec eluSpec(TableSpec spec) {
    return spec != null ? spec : Tables.eluSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE);
  }

  private void elu(Node n, double alpha, double lambda, FixedType p, long lambdaRaw, TableSpec spec) {
    String table = tableConfig(n, spec, Tables.eluNegative(spec, alpha, lambda), "elu");
    String x = n.input(0);
    String y = n.output();
    checkSameSize(n, x, y);
    String name = new Cfg(b, n, n.source() + " alpha " + alpha + " lambda " + lambda).type("param_t", p)
        .raw("lambda_raw", lambdaRaw).u("n_elem", b.size(x)).add();
    b.summary(n.name() + " (" + n.source() + "): " + b.size(x) + " elements, table " + spec.size() + " x "
        + spec.type());
    b.call(new Views.Call(n.describe(), "tessera::elu", List.of(b.type(x), b.type(y), name, table + "_cfg"),
        List.of(b.read(x), b.write(y, n), table)));
  }

  private void tableFunction(Node n, String what, TableSpec spec, long[] entries) {
    String table = tableConfig(n, spec, entries, what);
    String x = n.input(0);
    String y = n.output();
    checkSameSize(n, x, y);
    String name = new Cfg(b, n, n.source()).u("n_elem", b.size(x)).add();
    b.summary(n.name() + " (" + n.source() + "): " + b.size(x) + " elements, table " + spec.size() + " x "
        + spec.type() + " over [" + spec.lo() + ", " + (spec.lo() + Math.scalb(1.0, spec.rangeLog2())) + ")");
    b.call(new Views.Call(n.describe(), "tessera::table_function", List.of(b.type(x), b.type(y), name,
        table + "_cfg"), List.of(b.read(x), b.write(y, n), table)));
  }

  /**
   * Adds a lookup table (entries and its index config {@code <table>_cfg}) and returns the table array's name, or
   * the name of an identical table added before. See
   * tessera::table_index for the meaning of lo_t, scale_t and index_t.
   */
  String tableConfig(Node n, TableSpec spec, long[] entries, String what) {
    String key = spec + Arrays.toString(entries);
    String same = tables.get(key);
    if (same != null) {
      return same;
    }
    List<String> comment = new ArrayList<>();
    comment.add(what + " table of " + n.describe() + ": " + spec.size() + " entries over [" + spec.lo() + ", "
        + (spec.lo() + Math.scalb(1.0, spec.rangeLog2())) + ")");
    comment.add("entry i = Q(f(lo + (i + 1/2) * 2^" + (spec.rangeLog2() - spec.indexBits()) + ")), type "
        + spec.type() + ", raw integers (value = raw * 2^" + (-spec.type().fractionBits()) + ")");
    String table = b.rawArray(n.name() + "_" + what + "_table", CppText.rawType(spec.type()), entries, comment);
    int ib = spec.indexBits();
    int shift = ib - spec.rangeLog2();
    FixedType lo = CppText.exactType(spec.lo());
    String cfg = b.names.newName(table + "_cfg", "table-config:" + table);
    b.config(new Views.Config(cfg, "index of " + table + ": clamp(floor((x - lo) * 2^" + shift + "), 0, "
        + (spec.size() - 1) + ")", List.of(
            new Views.TypeDef("table_t", spec.type().cppName(), ""),
            new Views.TypeDef("raw_t", CppText.rawType(spec.type()), ""),
            new Views.TypeDef("lo_t", lo.cppName(), ""),
            new Views.TypeDef("scale_t", "ap_ufixed<1," + (shift + 1) + ">", ""),
            new Views.TypeDef("index_t", "ap_fixed<" + (ib + 2) + "," + (ib + 2) + ",AP_TRN,AP_SAT>", "")),
        List.of(new Views.Constant("long long", "lo_raw", CppText.literal(CppText.exactRaw(spec.lo()))),
            new Views.Constant("unsigned", "size", Integer.toString(spec.size())))));
    if (!cfg.equals(table + "_cfg")) {
      throw new IllegalStateException("table config name " + cfg + " clashes");
    }
    tables.put(key, table);
    return table;
  }

  private void softmax(Node n, Op.Softmax s) {
    String x = n.input(0);
    String y = n.output();
    checkSameSize(n, x, y);
    long[] shape = b.shape(x);
    int axis = s.axis() < 0 ? s.axis() + shape.length : s.axis();
    if (axis < 0 || axis >= shape.length) {
      throw new NodeException(n.name(), n.source(), "axis " + axis + " is outside " + Shape.toString(shape));
    }
    long outer = prod(shape, 0, axis);
    long len = shape[axis];
    long inner = prod(shape, axis + 1, shape.length);
    SoftmaxMode mode = s.mode() == null ? SoftmaxMode.STABLE : s.mode();
    Cfg cfg = new Cfg(b, n, "Softmax " + mode.name().toLowerCase(java.util.Locale.ROOT) + " over axis " + axis)
        .u("n_outer", outer).u("n_in", len).u("n_inner", inner);
    b.summary(n.name() + " (" + n.source() + "): " + mode.name().toLowerCase(java.util.Locale.ROOT) + ", " + len
        + " classes, " + b.fixed(x) + " -> " + b.fixed(y));
    if (mode == SoftmaxMode.ARGMAX) {
      String name = cfg.add();
      b.call(new Views.Call(n.describe(), "tessera::softmax_argmax", List.of(b.type(x), b.type(y), name),
          List.of(b.read(x), b.write(y, n))));
      return;
    }
    TableSpec exp = s.expTable();
    if (exp == null) {
      exp = mode == SoftmaxMode.STABLE
          ? Tables.softmaxExpSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE, b.fixed(x))
          : Tables.inputRangeSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE, b.fixed(x));
    }
    TableSpec inv = s.invTable() != null ? s.invTable()
        : Tables.softmaxInvSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE, len);
    String expTable = tableConfig(n, exp, Tables.exp(exp), "exp");
    String invTable = tableConfig(n, inv, Tables.reciprocal(inv), "inv");
    FixedType sum = CppText.widened(exp.type(), CppText.sumBits(len));
    String name = cfg.type("sum_t", sum)
        .e("tessera::softmax_mode_t", "mode", mode == SoftmaxMode.STABLE ? "tessera::softmax_mode_stable"
            : "tessera::softmax_mode_latency").add();
    b.call(new Views.Call(n.describe(), "tessera::softmax", List.of(b.type(x), b.type(y), name, expTable + "_cfg",
        invTable + "_cfg"), List.of(b.read(x), b.write(y, n), expTable, invTable)));
  }

  void checkSameSize(Node n, String x, String y) {
    if (b.size(x) != b.size(y)) {
      throw new NodeException(n.name(), n.source(), "input " + Shape.toString(b.shape(x)) + " and output "
          + Shape.toString(b.shape(y)) + " differ in size");
    }
  }

  static long prod(long[] s, int from, int to) {
    long p = 1;
    for (int i = from; i < to; i++) {
      p *= s[i];
    }
    return p;
  }

  /** Builds a config struct: typedefs and static constants. */
  static final class Cfg {
    private final ProjectBuilder b;
    private final Node node;
    private final String comment;
    private final List<Views.TypeDef> types = new ArrayList<>();
    private final List<Views.Constant> constants = new ArrayList<>();

    Cfg(ProjectBuilder b, Node node, String comment) {
      this.b = b;
      this.node = node;
      this.comment = comment;
    }

    Cfg type(String name, FixedType t) {
      types.add(new Views.TypeDef(name, t.cppName(), t.toString()));
      return this;
    }

    Cfg ctype(String name, String cpp) {
      types.add(new Views.TypeDef(name, cpp, ""));
      return this;
    }

    Cfg u(String name, long v) {
      if (v < 0 || v > 0xFFFF_FFFFL) {
        throw new NodeException(node.name(), node.source(), name + " = " + v + " is out of range for the kernels");
      }
      constants.add(new Views.Constant("unsigned", name, Long.toString(v)));
      return this;
    }

    Cfg flag(String name, boolean v) {
      constants.add(new Views.Constant("bool", name, Boolean.toString(v)));
      return this;
    }

    Cfg raw(String name, long v) {
      constants.add(new Views.Constant("long long", name, CppText.literal(v)));
      return this;
    }

    Cfg e(String ctype, String name, String value) {
      constants.add(new Views.Constant(ctype, name, value));
      return this;
    }

    /** Adds the config to the project and returns its name. */
    String add() {
      String name = b.configName(node);
      b.config(new Views.Config(name, node.describe() + ": " + comment, List.copyOf(types), List.copyOf(constants)));
      return name;
    }
  }

  static String dims(long[] s) {
    return Arrays.stream(s).mapToObj(Long::toString).reduce((a, c) -> a + "x" + c).orElse("scalar");
  }

  static Tensor constant(ProjectBuilder b, Node n, int input, String role) {
    return constant(b.graph, n, input, role);
  }

  static Tensor constant(dev.tessera.ir.Graph g, Node n, int input, String role) {
    String t = n.input(input);
    if (t == null) {
      throw new NodeException(n.name(), n.source(), "missing " + role + " (input " + input + ")");
    }
    Tensor c = g.constant(t);
    if (c == null) {
      throw new UnsupportedOpException(n.name(), n.source(), role + " '" + t + "' is not a constant; the HLS "
          + "backend needs constant weights");
    }
    if (!c.isFixed()) {
      throw new NodeException(n.name(), n.source(), role + " '" + t + "' is not quantized (type " + c.type()
          + "); apply a precision first");
    }
    return c;
  }
}
