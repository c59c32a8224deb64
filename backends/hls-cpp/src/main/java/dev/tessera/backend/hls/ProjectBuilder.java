package dev.tessera.backend.hls;

import dev.tessera.ir.Dim;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a quantized graph into the {@link Views.Project} the templates print: allocates every C++ name, declares a
 * typedef per tensor, and lets {@link LayerEmitter} add one config, its constants and one kernel call per node.
 * Every problem of the graph is collected and reported at once.
 */
final class ProjectBuilder {

  /** Names the generated code uses itself (test bench locals and the like). */
  private static final List<String> RESERVED = List.of("tb_in", "tb_out", "tb_in_path", "tb_out_path", "tb_line",
      "tb_tok", "tb_vectors", "tb_line_no", "tb_fields", "tb_i", "argc", "argv", "defines", "parameters", "int8_t",
      "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "ap_fixed", "ap_ufixed",
      "ap_int", "ap_uint", "ap_fixed_base");

  final Graph graph;
  final HlsOptions options;
  final NameAllocator names = new NameAllocator();
  final String top;
  private final List<Views.TypeDef> typedefs = new ArrayList<>();
  private final List<Views.Config> configs = new ArrayList<>();
  private final List<Views.Weight> weights = new ArrayList<>();
  private final List<Views.Buffer> buffers = new ArrayList<>();
  private final List<Views.Call> calls = new ArrayList<>();
  private final List<String> summary = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final Map<String, String> vars = new HashMap<>();
  private final Map<String, Node> producers = new HashMap<>();
  private final Set<String> outputs;

  ProjectBuilder(Graph graph, HlsOptions options) {
    this.graph = graph;
    this.options = options;
    this.outputs = new HashSet<>(graph.outputs());
    for (String r : RESERVED) {
      names.reserve(r);
    }
    String wanted = options.top() != null ? options.top() : graph.name();
    String legal = NameAllocator.legal(wanted == null || wanted.isBlank() ? "tessera_top" : wanted);
    if (options.top() != null && !legal.equals(options.top())) {
      warnings.add("top name '" + options.top() + "' is not a legal C++ identifier; using '" + legal + "'");
    }
    top = names.newName(legal, "top");
  }

  /** Builds the project view, or throws one {@link TesseraException} listing every problem. */
  Views.Project build() {
    checkTypes();
    failIfErrors();
    for (String in : graph.inputs()) {
      String v = names.newName(in, "tensor:" + in);
      vars.put(in, v);
      typedef(in);
    }
    for (String out : graph.outputs()) {
      if (graph.isConstant(out)) {
        errors.add("graph output '" + out + "' is a constant; there is nothing to compute");
      } else if (!vars.containsKey(out)) {
        vars.put(out, names.newName(out, "tensor:" + out));
        typedef(out);
      }
    }
    failIfErrors();
    LayerEmitter emitter = new LayerEmitter(this);
    for (Node n : graph.nodes()) {
      try {
        emitter.emit(n);
      } catch (NodeException e) {
        errors.add(e.getMessage());
      } catch (IllegalArgumentException | IllegalStateException e) {
        errors.add(n.describe() + ": " + e.getMessage());
      }
    }
    for (String out : graph.outputs()) {
      if (graph.inputs().contains(out)) {
        errors.add("graph output '" + out + "' is also a graph input; there is nothing to compute");
      }
    }
    failIfErrors();
    List<Views.Port> in = new ArrayList<>();
    long inputCount = 0;
    for (String t : graph.inputs()) {
      in.add(port(t));
      inputCount += size(t);
    }
    List<Views.Port> out = new ArrayList<>();
    for (String t : graph.outputs()) {
      out.add(port(t));
    }
    String guard = top.toUpperCase(java.util.Locale.ROOT);
    return new Views.Project(top, guard, graph.name(), options.part(), CppText.decimal(options.clockNs()), in, out,
        List.copyOf(typedefs), List.copyOf(configs), List.copyOf(weights), List.copyOf(buffers), List.copyOf(calls),
        List.copyOf(summary), HlsBackend.GENERATOR, inputCount, topPragma());
  }

  /** PIPELINE when every layer is fully unrolled, DATAFLOW when one loops over positions or reuses multipliers. */
  private String topPragma() {
    for (Node n : graph.nodes()) {
      Op op = n.op();
      boolean loops = op instanceof Op.Conv || op instanceof Op.MaxPool || op instanceof Op.AveragePool
          || op instanceof Op.GlobalMaxPool || op instanceof Op.GlobalAveragePool || op instanceof Op.MatMul
          || (op instanceof Op.Dense && options.strategyFor(n.name()) == Strategy.RESOURCE);
      if (loops) {
        return "DATAFLOW";
      }
    }
    return "PIPELINE";
  }

  private void failIfErrors() {
    if (!errors.isEmpty()) {
      throw new TesseraException("the HLS backend cannot generate model '" + graph.name() + "': " + errors.size()
          + " problem" + (errors.size() == 1 ? "" : "s") + ":\n  " + String.join("\n  ", errors));
    }
  }

  /** Every tensor the C++ touches must be fixed-point with a static per-sample shape. */
  private void checkTypes() {
    Set<String> used = new HashSet<>(graph.inputs());
    used.addAll(graph.outputs());
    for (Node n : graph.nodes()) {
      for (String t : n.inputs()) {
        if (!t.isEmpty()) {
          used.add(t);
        }
      }
      used.addAll(n.outputs());
    }
    for (String t : used) {
      TensorType tt = graph.types().get(t);
      if (tt == null) {
        errors.add("tensor '" + t + "' has no type");
        continue;
      }
      if (!(tt.elementType() instanceof FixedType)) {
        errors.add("tensor '" + t + "' has type " + tt + ", not a fixed-point type; apply a precision first");
      }
      List<Dim> dims = tt.shape().dims();
      for (int a = 0; a < dims.size(); a++) {
        if (dims.get(a).isSymbolic() && (a != 0 || graph.isConstant(t))) {
          errors.add("tensor '" + t + "' has shape " + tt.shape() + ": only axis 0 (the batch) may be symbolic");
          break;
        }
      }
    }
  }

  // ----------------------------------------------------------------------------------------- for emitters

  FixedType fixed(String tensor) {
    return graph.type(tensor).fixed();
  }

  /** The per-sample shape: a symbolic batch axis counts as 1 (the top function takes one sample). */
  long[] shape(String tensor) {
    return graph.type(tensor).shape().sizes(1);
  }

  long size(String tensor) {
    return Tensor.count(shape(tensor));
  }

  /** The typedef name of a tensor's element type. */
  String type(String tensor) {
    return names.get("type:" + tensor);
  }

  private void typedef(String tensor) {
    String name = names.newName(vars.get(tensor) + "_t", "type:" + tensor);
    typedefs.add(new Views.TypeDef(name, fixed(tensor).cppName(),
        "'" + tensor + "' " + Shape.toString(shape(tensor)) + " " + fixed(tensor)));
  }

  /** The C array holding a tensor; a constant operand is loaded into a typed local array on first use. */
  String read(String tensor) {
    String v = vars.get(tensor);
    if (v != null) {
      return v;
    }
    Tensor c = graph.constant(tensor);
    if (c == null) {
      throw new IllegalStateException("tensor '" + tensor + "' is read before it is computed");
    }
    if (!c.isFixed()) {
      throw new IllegalArgumentException("constant '" + tensor + "' is not quantized (type " + c.type() + ")");
    }
    v = names.newName(tensor, "tensor:" + tensor);
    vars.put(tensor, v);
    typedef(tensor);
    String raw = weight("const_" + v, tensor, c, "constant operand '" + tensor + "'");
    buffers.add(new Views.Buffer(type(tensor), v, c.size(), "constant '" + tensor + "'"));
    calls.add(new Views.Call("constant '" + tensor + "'", "tessera::load_const",
        List.of(type(tensor), Long.toString(c.size()), CppText.rawType((FixedType) c.type())), List.of(raw, v)));
    return v;
  }

  /** The C array a node writes a tensor into: a port for graph outputs, a new local array otherwise. */
  String write(String tensor, Node producer) {
    String v = vars.get(tensor);
    Node before = producers.putIfAbsent(tensor, producer);
    if (before != null && before != producer) {
      throw new IllegalStateException("tensor '" + tensor + "' is written by " + before.describe() + " and "
          + producer.describe());
    }
    if (v != null && (outputs.contains(tensor) || before == producer)) {
      return v;
    }
    if (v != null) {
      throw new IllegalStateException("tensor '" + tensor + "' is an input or a constant and cannot be written");
    }
    v = names.newName(tensor, "tensor:" + tensor);
    vars.put(tensor, v);
    typedef(tensor);
    buffers.add(new Views.Buffer(type(tensor), v, size(tensor), "'" + tensor + "' from " + producer.describe()));
    return v;
  }

  /** A new config name for a node. */
  String configName(Node n) {
    return names.newName("config_" + n.name(), "config:" + n.name());
  }

  void config(Views.Config c) {
    configs.add(c);
  }

  void call(Views.Call c) {
    calls.add(c);
  }

  void summary(String line) {
    summary.add(line);
  }

  /**
   * Adds a constant tensor's raw integers as a weights file and returns the array's name. The comment gives the
   * shape, type, min, max and number of zeros.
   */
  String weight(String suggestion, String tensorName, Tensor t, String role) {
    FixedType ft = (FixedType) t.type();
    long[] raw = t.raw();
    List<String> comment = new ArrayList<>();
    comment.add(role + ": tensor '" + tensorName + "'");
    comment.add("shape " + Shape.toString(t.shape()) + ", type " + ft + " (" + ft.cppName() + ")");
    comment.add("raw integers: value = raw * 2^" + (-ft.fractionBits()));
    comment.add(stats(ft, raw));
    return rawArray(suggestion, CppText.rawType(ft), raw, comment);
  }

  /** Adds a constant integer array (a table or an index map) as a weights file; returns its name. */
  String rawArray(String suggestion, String ctype, long[] raw, List<String> comment) {
    String name = names.newName(suggestion, "array:" + suggestion + ":" + weights.size());
    weights.add(new Views.Weight(name + ".h", top.toUpperCase(java.util.Locale.ROOT) + "_" + name.toUpperCase(
        java.util.Locale.ROOT) + "_H", name, ctype, raw.length, comment, CppText.lines(raw, 16)));
    return name;
  }

  private static String stats(FixedType ft, long[] raw) {
    if (raw.length == 0) {
      return "empty";
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    int zeros = 0;
    for (long r : raw) {
      min = Math.min(min, r);
      max = Math.max(max, r);
      zeros += r == 0 ? 1 : 0;
    }
    return "min " + ft.toDouble(min) + " (raw " + min + "), max " + ft.toDouble(max) + " (raw " + max + "), "
        + zeros + " zeros of " + raw.length;
  }

  private Views.Port port(String tensor) {
    FixedType t = fixed(tensor);
    return new Views.Port(vars.get(tensor), tensor, type(tensor), size(tensor), t.width(), t.signed(),
        Shape.toString(shape(tensor)), t.toString());
  }
}
