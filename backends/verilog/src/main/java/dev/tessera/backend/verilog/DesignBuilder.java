package dev.tessera.backend.verilog;

import dev.tessera.ir.arith.Range;
import dev.tessera.backend.verilog.rtl.Bits;
import dev.tessera.backend.verilog.rtl.Bus;
import dev.tessera.backend.verilog.rtl.RtlModule;
import dev.tessera.backend.verilog.rtl.Sig;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.interp.FixedConstants;
import dev.tessera.ir.interp.Tables;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.ir.op.TableSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a quantized graph into layer modules: one module per node, in graph order, each fed by the one variable
 * tensor it reads. The tables and op constants come from the IR's own helpers ({@link Tables},
 * {@link FixedConstants}), so they are the interpreter's integers.
 */
final class DesignBuilder {

  /** The layers, in pipeline order, with the graph's input and output. */
  record Design(String inputName, TensorDesc input, String outputName, TensorDesc output, List<LayerRtl> layers,
      boolean argmax) {

    /** Cycles from the core's input to its output: the input register plus every layer. */
    int coreLatency() {
      int l = 1;
      for (LayerRtl r : layers) {
        l += r.latency();
      }
      return l;
    }
  }

  private final Graph g;
  private final VerilogOptions o;
  private final Set<String> moduleNames = new HashSet<>();

  DesignBuilder(Graph g, VerilogOptions o) {
    this.g = g;
    this.o = o;
    moduleNames.add(o.top());
    moduleNames.add(o.top() + "_core");
  }

  Design build() {
    if (g.inputs().size() != 1 || g.outputs().size() != 1) {
      throw new IllegalArgumentException("the verilog backend supports graphs with one input and one output; '"
          + g.name() + "' has " + g.inputs().size() + " inputs and " + g.outputs().size() + " outputs");
    }
    String in = g.inputs().get(0);
    FixedType tin = fixed(in);
    TensorDesc input = TensorDesc.full(tin, sampleShape(in));
    Map<String, TensorDesc> tensors = new HashMap<>();
    tensors.put(in, input);
    List<LayerRtl> layers = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    String last = in;
    for (Node n : g.nodes()) {
      List<String> vars = new ArrayList<>();
      for (String s : n.inputs()) {
        if (!s.isEmpty() && !g.isConstant(s)) {
          vars.add(s);
        }
      }
      if (vars.size() != 1) {
        errors.add(n.describe() + ": reads " + vars.size() + " variable tensors; the verilog backend supports "
            + "layers with exactly one");
        continue;
      }
      if (!last.equals(vars.get(0))) {
        errors.add(n.describe() + ": reads '" + vars.get(0) + "' but the pipeline carries '" + last
            + "'; the verilog backend supports chains of layers");
        continue;
      }
      TensorDesc x = tensors.get(vars.get(0));
      try {
        LayerRtl l = layer(n, x);
        layers.add(l);
        tensors.put(n.output(), l.out());
        last = n.output();
      } catch (IllegalArgumentException | UnsupportedOperationException | ArithmeticException e) {
        errors.add(n.describe() + ": " + e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new VerilogBackendException(errors);
    }
    String outName = g.outputs().get(0);
    if (!outName.equals(last)) {
      throw new VerilogBackendException(List.of("graph output '" + outName + "' is not the end of the layer chain"));
    }
    TensorDesc out = tensors.get(outName);
    if (o.argmax()) {
      LayerRtl a = argmaxIndex(out);
      layers.add(a);
      out = a.out();
    }
    return new Design(in, input, outName, out, layers, o.argmax());
  }

  private LayerRtl layer(Node n, TensorDesc x) {
    String mod = moduleName(n.name());
    FixedType ty = fixed(n.output());
    long[] os = sampleShape(n.output());
    Op op = n.op();
    if (op instanceof Op.Dense d) {
      return LinearLayer.dense(mod, n.name(), d, constant(n, 1), optional(n, 2), x, ty, os, o);
    }
    if (op instanceof Op.Conv c) {
      return LinearLayer.conv(mod, n.name(), c, constant(n, 1), optional(n, 2), x, ty, os, o);
    }
    if (op instanceof Op.Relu) {
      return ElementLayers.relu(mod, n.name(), x, ty, os);
    }
    if (op instanceof Op.Binary b) {
      boolean first = n.input(0) != null && g.isConstant(n.input(0));
      return ConstantLayers.binary(mod, n.name(), b.fn(), first, x, constant(n, first ? 0 : 1), ty, os);
    }
    if (op instanceof Op.LeakyRelu l) {
      FixedType p = l.param() != null ? l.param() : FixedConstants.PARAM_TYPE;
      return ElementLayers.leakyRelu(mod, n.name(), x, p, FixedConstants.param(p, l.alpha()), ty, os, o);
    }
    if (op instanceof Op.Clip c) {
      return ElementLayers.clip(mod, n.name(), x, FixedConstants.clipBound(ty, c.min()),
          FixedConstants.clipBound(ty, c.max()), ty, os);
    }
    if (op instanceof Op.Sigmoid s) {
      TableSpec spec = s.table() != null ? s.table()
          : Tables.sigmoidSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE);
      return ElementLayers.table(mod, n.name(), "Sigmoid", x, spec, Tables.sigmoid(spec), ty, os);
    }
    if (op instanceof Op.Tanh t) {
      TableSpec spec = t.table() != null ? t.table()
          : Tables.sigmoidSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE);
      return ElementLayers.table(mod, n.name(), "Tanh", x, spec, Tables.tanh(spec), ty, os);
    }
    if (op instanceof Op.Exp e) {
      TableSpec spec = e.table() != null ? e.table()
          : Tables.inputRangeSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE, x.type());
      return ElementLayers.table(mod, n.name(), "Exp", x, spec, Tables.exp(spec), ty, os);
    }
    if (op instanceof Op.Softmax s) {
      int axis = s.axis() < 0 ? s.axis() + g.type(n.input(0)).shape().rank() : s.axis();
      int sampleAxis = axis - (g.type(n.input(0)).shape().rank() - x.shape().length);
      if (sampleAxis < 0) {
        throw new IllegalArgumentException("softmax over the batch axis");
      }
      SoftmaxMode mode = s.mode() != null ? s.mode() : SoftmaxMode.STABLE;
      TableSpec exp = s.expTable();
      TableSpec inv = s.invTable();
      if (mode != SoftmaxMode.ARGMAX) {
        if (exp == null) {
          exp = mode == SoftmaxMode.STABLE
              ? Tables.softmaxExpSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE, x.type())
              : Tables.inputRangeSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE, x.type());
        }
        if (inv == null) {
          inv = Tables.softmaxInvSpec(FixedConstants.TABLE_SIZE, FixedConstants.TABLE_TYPE, x.shape()[sampleAxis]);
        }
      }
      return SoftmaxLayer.build(mod, n.name(), x, sampleAxis, mode, exp, exp == null ? null : Tables.exp(exp), inv,
          inv == null ? null : Tables.reciprocal(inv), ty, o);
    }
    if (op instanceof Op.IExp e) {
      return IntegerLayers.iexp(mod, n.name(), x, e.k(), ty, os);
    }
    if (op instanceof Op.IGelu ge) {
      return IntegerLayers.igelu(mod, n.name(), x, ge.k(), ty, os);
    }
    if (op instanceof Op.ISoftmax s) {
      int rank = g.type(n.input(0)).shape().rank();
      int axis = s.axis() < 0 ? s.axis() + rank : s.axis();
      if (axis != rank - 1 || x.shape().length == 0) {
        throw new IllegalArgumentException("integer-only softmax runs along the last axis (" + (rank - 1)
            + "), not axis " + s.axis());
      }
      return IntegerLayers.isoftmax(mod, n.name(), x, s.k(), s.outFrac(), ty);
    }
    if (op instanceof Op.ILayerNorm l) {
      int rank = g.type(n.input(0)).shape().rank();
      int axis = (l.axis() < 0 ? l.axis() + rank : l.axis()) - (rank - x.shape().length);
      if (axis < 0 || axis >= Math.max(1, x.shape().length)) {
        throw new IllegalArgumentException("integer-only layer normalization over axis " + l.axis()
            + " includes the batch axis or lies outside rank " + rank);
      }
      long row = 1;
      for (int a = axis; a < x.shape().length; a++) {
        row *= x.shape()[a];
      }
      return LayerNormLayer.build(mod, n.name(), x, Math.toIntExact(row),
          new dev.tessera.ir.intops.IntLayerNorm(l.outFrac(), l.epsilon()), ty, os);
    }
    if (op instanceof Op.Reshape) {
      return ElementLayers.move(mod, n.name(), "Reshape", x, identity(x.size()), ty, os);
    }
    if (op instanceof Op.Identity) {
      return ElementLayers.move(mod, n.name(), "Identity", x, identity(x.size()), ty, os);
    }
    if (op instanceof Op.Transpose t) {
      return ElementLayers.move(mod, n.name(), "Transpose", x, transpose(t.perm(), x.shape(), os), ty, os);
    }
    throw new UnsupportedOperationException("op " + op.kind() + " has no RTL implementation yet");
  }

  /** Index of the first maximum over all output elements, as an unsigned integer (one register). */
  private LayerRtl argmaxIndex(TensorDesc out) {
    RtlModule m = new RtlModule(moduleName("argmax"));
    Sig port = m.input("in_data", out.bits(), "unused");
    Bus x = new Bus(m, port, out.type().width(), out.type().signed(), out.ranges(), "x");
    List<Sig> vals = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      vals.add(x.element(i));
    }
    int ib = Emit.indexBits(out.size());
    SoftmaxLayer.Cand best = SoftmaxLayer.maxTree(m, vals, "");
    Sig idx = best.index().isConstant()
        ? m.wire("best", ib, false, Range.of(0, 0), Bits.literal(BigInteger.ZERO, ib), null) : best.index();
    Sig r = m.reg("index", idx, null);
    Emit.pack(m, List.of(r), ib);
    m.latency(1);
    m.comment("argmax: index of the first maximum of the " + out.size() + " model outputs, " + ib + "-bit unsigned");
    FixedType t = FixedType.unsigned(ib, ib);
    return new LayerRtl("argmax", "Argmax", m, new TensorDesc(t, new long[] {1}, List.of(Range.of(0,
        out.size() - 1))), 0, 0, 0);
  }

  private String moduleName(String node) {
    String base = (o.top() + "_" + node).replaceAll("[^A-Za-z0-9_]", "_").replaceAll("__+", "_");
    String n = base;
    int i = 2;
    while (moduleNames.contains(n)) {
      n = base + "_" + i++;
    }
    moduleNames.add(n);
    return n;
  }

  private FixedType fixed(String tensor) {
    if (!(g.type(tensor).elementType() instanceof FixedType f)) {
      throw new IllegalArgumentException("tensor '" + tensor + "' has no fixed-point type; run the precision pass"
          + " first");
    }
    return f;
  }

  /** Per-sample shape: the type's shape without its batch axis. */
  private long[] sampleShape(String tensor) {
    Shape s = g.type(tensor).shape();
    if (s.rank() == 0) {
      return new long[0];
    }
    Shape rest = s.dropFirst();
    if (!rest.isStatic()) {
      throw new IllegalArgumentException("tensor '" + tensor + "' has shape " + s + "; the verilog backend needs"
          + " static sizes after the batch axis");
    }
    return rest.sizes();
  }

  private Tensor constant(Node n, int i) {
    String name = n.input(i);
    if (name == null || !g.isConstant(name)) {
      throw new IllegalArgumentException("input " + i + " must be a constant");
    }
    Tensor t = g.constant(name);
    if (!t.isFixed()) {
      throw new IllegalArgumentException("constant '" + name + "' is not quantized");
    }
    return t;
  }

  private Tensor optional(Node n, int i) {
    return n.input(i) == null ? null : constant(n, i);
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  /** For each output element of the transpose, the input element it copies; the batch axis must stay first. */
  private static int[] transpose(int[] perm, long[] in, long[] out) {
    if (perm.length != in.length + 1 || perm[0] != 0) {
      throw new IllegalArgumentException("transpose " + java.util.Arrays.toString(perm) + " moves the batch axis");
    }
    int r = in.length;
    int n = 1;
    for (long d : out) {
      n *= (int) d;
    }
    int[] src = new int[n];
    long[] idx = new long[r];
    for (int j = 0; j < n; j++) {
      long rem = j;
      for (int d = r - 1; d >= 0; d--) {
        idx[d] = rem % out[d];
        rem /= out[d];
      }
      long[] inIdx = new long[r];
      for (int d = 0; d < r; d++) {
        inIdx[perm[d + 1] - 1] = idx[d];
      }
      long flat = 0;
      for (int d = 0; d < r; d++) {
        flat = flat * in[d] + inIdx[d];
      }
      src[j] = (int) flat;
    }
    return src;
  }
}
