package dev.tessera.importer;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tessera.importer.ops.OpHandler;
import dev.tessera.importer.ops.Registry;
import dev.tessera.importer.proto.Onnx.GraphProto;
import dev.tessera.importer.proto.Onnx.ModelProto;
import dev.tessera.importer.proto.Onnx.NodeProto;
import dev.tessera.importer.proto.Onnx.OperatorSetIdProto;
import dev.tessera.importer.proto.Onnx.SparseTensorProto;
import dev.tessera.importer.proto.Onnx.TensorProto;
import dev.tessera.importer.proto.Onnx.TensorShapeProto;
import dev.tessera.importer.proto.Onnx.TypeProto;
import dev.tessera.importer.proto.Onnx.ValueInfoProto;
import dev.tessera.ir.DType;
import dev.tessera.ir.Dim;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphVerifier;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.ModelFormatException;
import dev.tessera.ir.diag.ShapeException;
import dev.tessera.ir.op.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads an ONNX model into a float IR {@link Graph}: decodes the protobuf, binds the batch dimension, converts every
 * node with its handler (folding constant sub-graphs), infers and checks every shape, and verifies the result.
 * Nothing is skipped: an unsupported op, attribute or construct is a typed error.
 *
 * <p>Errors: {@link ModelFormatException} (unreadable or malformed files), {@link UnsupportedOpsetException},
 * {@link dev.tessera.ir.diag.UnsupportedOpException} (names node, op type, domain and opset) and
 * {@link ShapeException} (every broken shape rule of the model, collected).
 */
public final class OnnxImporter {

  /** Supported versions of the default ONNX domain. */
  public static final int MIN_OPSET = 7;
  public static final int MAX_OPSET = 23;

  /**
   * Ops accepted in opset-6 models: their opset-6 versions differ from the later ones only in attributes that the
   * handlers interpret (legacy broadcast, is_test, consumed_inputs).
   */
  public static final Set<String> OPSET6_OPS = Set.of("Gemm", "BatchNormalization", "Relu", "Sigmoid", "Tanh",
      "Softmax", "Unsqueeze", "Squeeze", "Reshape", "Flatten", "Transpose", "Concat", "Identity", "Dropout", "Add",
      "Sub", "Mul", "Div", "Conv", "MaxPool", "GlobalAveragePool", "GlobalMaxPool", "LeakyRelu", "Elu", "Selu",
      "HardSigmoid", "Constant", "Clip", "Exp", "Sqrt");

  private static final Registry REGISTRY = Registry.standard();

  private OnnxImporter() {}

  /** Imports a model file with a symbolic batch. */
  public static Graph load(Path model) {
    return load(model, ImportOptions.DEFAULT);
  }

  /** Imports a model file. */
  public static Graph load(Path model, ImportOptions options) {
    return load(readFile(model), baseName(model), options);
  }

  /** Imports serialized model bytes with a symbolic batch; {@code name} names the graph and appears in errors. */
  public static Graph load(byte[] bytes, String name) {
    return load(bytes, name, ImportOptions.DEFAULT);
  }

  /** Imports serialized model bytes. */
  public static Graph load(byte[] bytes, String name, ImportOptions options) {
    ModelProto model = parse(bytes, name);
    Run first = new Run(model, name, options);
    try {
      return first.convert();
    } catch (ShapeException e) {
      long declared = first.declaredBatch();
      if (options.batchSize() != null || declared <= 0) {
        throw e;
      }
      // Some exporters use axis 0 of the inputs as a sequence axis (e.g. PyTorch's [L, N, E] attention); such a
      // graph only types with the size the model declares, so it is imported with that size fixed.
      try {
        Graph g = new Run(model, name, new ImportOptions(declared, options.dimensions())).convert();
        return g.toBuilder().metadata("batch", declared + " (fixed: the graph uses axis 0 of its inputs as a "
            + "data axis)").build();
      } catch (ShapeException ignored) {
        throw e;
      }
    }
  }

  /** The supported ops as {@code domain:op} (the default domain is empty), for documentation and the CLI. */
  public static Set<String> supportedOps() {
    return REGISTRY.supported();
  }

  static byte[] readFile(Path model) {
    if (Files.isDirectory(model)) {
      throw new ModelFormatException("'" + model + "' is a directory, not an ONNX file");
    }
    try {
      return Files.readAllBytes(model);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException("file '" + model + "' does not exist");
    } catch (IOException e) {
      throw new ModelFormatException("cannot read '" + model + "': " + e.getMessage(), e);
    }
  }

  private static String baseName(Path p) {
    String f = p.getFileName() == null ? p.toString() : p.getFileName().toString();
    return f.endsWith(".onnx") ? f.substring(0, f.length() - 5) : f;
  }

  /** Parses the protobuf and checks the model-level structure. */
  static ModelProto parse(byte[] bytes, String name) {
    if (bytes.length == 0) {
      throw new ModelFormatException("'" + name + "' is empty (0 bytes), not an ONNX model");
    }
    ModelProto m;
    try {
      m = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      String why = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim();
      throw new ModelFormatException("'" + name + "' is not a valid ONNX model: the protobuf data is truncated or "
          + "corrupt (" + lowerFirst(why) + ")", e);
    }
    if (!m.hasGraph()) {
      throw new ModelFormatException("'" + name + "' has no graph: not an ONNX model, or an empty one");
    }
    if (m.getIrVersion() <= 0) {
      throw new ModelFormatException("'" + name + "' declares no IR version: not an ONNX model");
    }
    if (m.getGraph().getOutputCount() == 0) {
      throw new ModelFormatException("the graph of '" + name + "' has no outputs");
    }
    return m;
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  /** One conversion. */
  private static final class Run {
    private final ModelProto model;
    private final GraphProto g;
    private final String name;
    private final ImportOptions options;
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private final long defaultOpset;
    private final Graph.Builder builder;
    private ImportContext ctx;

    Run(ModelProto model, String name, ImportOptions options) {
      this.model = model;
      this.g = model.getGraph();
      this.name = name;
      this.options = options;
      for (OperatorSetIdProto o : model.getOpsetImportList()) {
        String d = normalizeDomain(o.getDomain());
        opsets.merge(d, o.getVersion(), Math::max);
      }
      Long v = opsets.get("");
      if (v == null) {
        if (model.getOpsetImportCount() == 0 && model.getIrVersion() < 3) {
          throw new UnsupportedOpsetException("'" + name + "' has IR version " + model.getIrVersion()
              + " without operator-set imports; Tessera supports opsets " + MIN_OPSET + " to " + MAX_OPSET);
        }
        v = (long) MAX_OPSET;
      }
      if (v < 6 || v > MAX_OPSET) {
        throw new UnsupportedOpsetException("'" + name + "' uses opset " + v + " of the default ONNX domain; "
            + "Tessera supports opsets " + MIN_OPSET + " to " + MAX_OPSET);
      }
      defaultOpset = v;
      builder = Graph.builder(name);
    }

    long declaredBatch() {
      return ctx == null ? -1 : ctx.declaredBatch();
    }

    Graph convert() {
      List<NodeProto> order = topologicalOrder();
      Set<String> read = new HashSet<>();
      Set<String> onnxNames = new HashSet<>();
      for (NodeProto n : g.getNodeList()) {
        read.addAll(n.getInputList());
        onnxNames.addAll(n.getOutputList());
      }
      for (ValueInfoProto o : g.getOutputList()) {
        read.add(o.getName());
      }
      for (TensorProto t : g.getInitializerList()) {
        onnxNames.add(t.getName());
      }
      for (ValueInfoProto i : g.getInputList()) {
        onnxNames.add(i.getName());
      }
      ctx = new ImportContext(options, builder, read, onnxNames);
      defineInitializers();
      defineInputs();
      Map<NodeProto, String> names = nodeNames();
      for (NodeProto p : order) {
        convertNode(p, names.get(p));
      }
      defineOutputs();
      checkValueInfo();
      if (!ctx.errors().isEmpty()) {
        throw new ShapeException(ctx.errors());
      }
      builder.metadata("onnx.producer", (model.getProducerName() + " " + model.getProducerVersion()).trim());
      builder.metadata("onnx.irVersion", Long.toString(model.getIrVersion()));
      builder.metadata("onnx.opsets", opsets.entrySet().stream()
          .map(e -> (e.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + ":" + e.getValue())
          .collect(Collectors.joining(",")));
      builder.metadata("onnx.declaredBatch", ctx.declaredBatch() > 0 ? Long.toString(ctx.declaredBatch())
          : "symbolic");
      builder.metadata("batch", ctx.batch().toString());
      return GraphVerifier.verify(builder.build());
    }

    private static String normalizeDomain(String d) {
      return d.equals("ai.onnx") ? "" : d;
    }

    private Map<NodeProto, String> nodeNames() {
      Map<NodeProto, String> names = new HashMap<>();
      List<NodeProto> nodes = g.getNodeList();
      for (int i = 0; i < nodes.size(); i++) {
        NodeProto p = nodes.get(i);
        // the IR node keeps the ONNX name (users write it in configs); ctx.emit makes it unique on first use
        names.put(p, p.getName().isEmpty() ? p.getOpType() + "_" + i : p.getName());
      }
      return names;
    }

    /** Nodes in dependency order (the original order where it is valid); errors for cycles and dangling inputs. */
    private List<NodeProto> topologicalOrder() {
      List<NodeProto> nodes = g.getNodeList();
      Set<String> available = new HashSet<>();
      for (TensorProto t : g.getInitializerList()) {
        available.add(t.getName());
      }
      for (SparseTensorProto s : g.getSparseInitializerList()) {
        available.add(s.getValues().getName());
      }
      for (ValueInfoProto i : g.getInputList()) {
        available.add(i.getName());
      }
      Map<String, Integer> producer = new HashMap<>();
      for (int i = 0; i < nodes.size(); i++) {
        for (String o : nodes.get(i).getOutputList()) {
          if (o.isEmpty()) {
            continue;
          }
          if (producer.put(o, i) != null || available.contains(o)) {
            throw new ModelFormatException("tensor '" + o + "' is produced more than once (by "
                + describe(nodes.get(i), i) + " and another node, initializer or graph input)");
          }
        }
      }
      int[] indegree = new int[nodes.size()];
      List<List<Integer>> users = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        users.add(new ArrayList<>());
      }
      for (int i = 0; i < nodes.size(); i++) {
        Set<Integer> deps = new HashSet<>();
        for (String in : nodes.get(i).getInputList()) {
          if (in.isEmpty() || available.contains(in) && !producer.containsKey(in)) {
            continue;
          }
          Integer p = producer.get(in);
          if (p == null) {
            throw new ModelFormatException(describe(nodes.get(i), i) + ": input '" + in
                + "' is not produced by any node and is not a graph input or initializer");
          }
          if (deps.add(p)) {
            indegree[i]++;
            users.get(p).add(i);
          }
        }
      }
      PriorityQueue<Integer> ready = new PriorityQueue<>();
      for (int i = 0; i < nodes.size(); i++) {
        if (indegree[i] == 0) {
          ready.add(i);
        }
      }
      List<NodeProto> order = new ArrayList<>();
      boolean[] done = new boolean[nodes.size()];
      while (!ready.isEmpty()) {
        int i = ready.poll();
        order.add(nodes.get(i));
        done[i] = true;
        for (int u : users.get(i)) {
          if (--indegree[u] == 0) {
            ready.add(u);
          }
        }
      }
      if (order.size() < nodes.size()) {
        throw new ModelFormatException("the graph has a cycle: " + cycle(nodes, producer, done));
      }
      for (ValueInfoProto o : g.getOutputList()) {
        if (!producer.containsKey(o.getName()) && !available.contains(o.getName())) {
          throw new ModelFormatException("graph output '" + o.getName() + "' is not produced by any node");
        }
      }
      return order;
    }

    private static String describe(NodeProto p, int index) {
      return "node '" + (p.getName().isEmpty() ? p.getOpType() + "_" + index : p.getName()) + "' ("
          + p.getOpType() + ")";
    }

    /** A cycle among the nodes left over by the topological sort, as {@code 'a' -> 'b' -> 'a'}. */
    private static String cycle(List<NodeProto> nodes, Map<String, Integer> producer, boolean[] done) {
      int start = 0;
      while (done[start]) {
        start++;
      }
      List<Integer> path = new ArrayList<>();
      Map<Integer, Integer> seen = new HashMap<>();
      int cur = start;
      while (!seen.containsKey(cur)) {
        seen.put(cur, path.size());
        path.add(cur);
        int next = -1;
        for (String in : nodes.get(cur).getInputList()) {
          Integer p = producer.get(in);
          if (p != null && !done[p]) {
            next = p;
            break;
          }
        }
        cur = next;
      }
      List<Integer> loop = new ArrayList<>(path.subList(seen.get(cur), path.size()));
      java.util.Collections.reverse(loop);
      loop.add(loop.get(0));
      return loop.stream().map(i -> describe(nodes.get(i), i)).collect(Collectors.joining(" -> "));
    }

    private void defineInitializers() {
      for (TensorProto t : g.getInitializerList()) {
        Tensor v = TensorDecoder.decode(t, "initializer '" + t.getName() + "'");
        ctx.define(t.getName(), Value.constant(t.getName(), v, "initializer '" + t.getName() + "'", null));
      }
      for (SparseTensorProto s : g.getSparseInitializerList()) {
        String n = s.getValues().getName();
        Tensor v = TensorDecoder.decodeSparse(s, "sparse initializer '" + n + "'");
        ctx.define(n, Value.constant(n, v, "initializer '" + n + "'", null));
      }
    }

    /** Graph inputs: axis 0 of the data inputs becomes the batch dimension. */
    private void defineInputs() {
      List<ValueInfoProto> inputs = new ArrayList<>();
      for (ValueInfoProto i : g.getInputList()) {
        if (!ctx.isDefined(i.getName())) {
          inputs.add(i);
        }
      }
      for (ValueInfoProto i : inputs) {
        if (!i.getType().hasTensorType()) {
          throw new ModelFormatException("graph input '" + i.getName() + "' is not a tensor (sequences, maps and "
              + "optional values are not supported)");
        }
      }
      if (!inputs.isEmpty()) {
        TypeProto.Tensor tt = inputs.get(0).getType().getTensorType();
        if (tt.getShape().getDimCount() > 0) {
          TensorShapeProto.Dimension d0 = tt.getShape().getDim(0);
          ctx.declaredBatch(d0.hasDimValue() && d0.getDimValue() > 0 ? d0.getDimValue() : -1);
        }
      }
      for (ValueInfoProto i : inputs) {
        TypeProto.Tensor tt = i.getType().getTensorType();
        String what = "graph input '" + i.getName() + "'";
        DType dt = TensorDecoder.dtype(tt.getElemType(), what);
        if (!tt.hasShape()) {
          throw new ModelFormatException(what + " has no shape; Tessera needs the rank and sizes of every input");
        }
        List<TensorShapeProto.Dimension> dims = tt.getShape().getDimList();
        List<Dim> out = new ArrayList<>();
        for (int a = 0; a < dims.size(); a++) {
          TensorShapeProto.Dimension d = dims.get(a);
          boolean unknown = !d.hasDimValue() || d.getDimValue() < 0;
          if (a == 0 && isBatchAxis(d, dims.size())) {
            out.add(ctx.batch());
            continue;
          }
          if (d.hasDimValue() && d.getDimValue() < 0) {
            throw new ModelFormatException(what + " has a negative dimension " + d.getDimValue() + " at axis " + a);
          }
          if (!unknown) {
            out.add(Dim.of(d.getDimValue()));
          } else {
            String sym = d.hasDimParam() && !d.getDimParam().isEmpty() ? d.getDimParam()
                : i.getName() + "_dim" + a;
            Long bound = options.dimensions().get(sym);
            out.add(bound != null ? Dim.of(bound) : Dim.sym(sym));
          }
        }
        Shape s = new Shape(out);
        builder.input(i.getName(), new dev.tessera.ir.TensorType(dt, s));
        ctx.define(i.getName(), Value.dynamic(i.getName(), dt, s, what));
      }
    }

    /** Axis 0 of an input is the batch when it is symbolic/unknown or equals the first input's declared size. */
    private boolean isBatchAxis(TensorShapeProto.Dimension d, int rank) {
      boolean unknown = !d.hasDimValue() || d.getDimValue() < 0;
      if (unknown) {
        return true;
      }
      return rank >= 2 && ctx.declaredBatch() > 0 && d.getDimValue() == ctx.declaredBatch();
    }

    private void convertNode(NodeProto p, String nodeName) {
      String domain = normalizeDomain(p.getDomain());
      long opset = domain.isEmpty() ? defaultOpset : opsets.getOrDefault(domain, 0L);
      OnnxNode n = new OnnxNode(p, nodeName, domain, opset, ctx);
      OpHandler h = REGISTRY.get(domain, p.getOpType());
      if (h == null) {
        throw n.unsupported("op '" + p.getOpType() + "' is not supported");
      }
      if (domain.isEmpty() && opset < MIN_OPSET && !OPSET6_OPS.contains(p.getOpType())) {
        throw n.unsupported("op '" + p.getOpType() + "' of opset " + opset + " is not supported (opsets "
            + MIN_OPSET + " to " + MAX_OPSET + "; opset 6 only for " + String.join(", ",
            new java.util.TreeSet<>(OPSET6_OPS)) + ")");
      }
      for (String in : p.getInputList()) {
        if (!in.isEmpty() && ctx.value(in).poisoned()) {
          ctx.poison(n, ctx.value(in).dtype());
          return;
        }
      }
      h.convert(n, ctx);
      for (String o : p.getOutputList()) {
        if (!o.isEmpty() && !ctx.isDefined(o) && ctx.isRead(o)) {
          throw new IllegalStateException(n.describe() + ": handler did not define output '" + o + "'");
        }
      }
    }

    private void defineOutputs() {
      for (ValueInfoProto o : g.getOutputList()) {
        Value v = ctx.value(o.getName());
        if (v.poisoned()) {
          builder.output(o.getName());
          continue;
        }
        if (v.isConstant() && v.tensor().equals(o.getName())) {
          ctx.use(v);
        } else if (!v.tensor().equals(o.getName()) || v.isConstant()) {
          String nodeName = ctx.freshNode("output/" + o.getName());
          String src = v.isConstant() ? "Constant" : "Identity";
          builder.node(new Node(nodeName, new Op.Identity(), List.of(ctx.use(v)), List.of(o.getName()), src),
              v.type());
          ctx.define(o.getName(), Value.dynamic(o.getName(), v.dtype(), v.shape(), v.origins()));
        }
        builder.output(o.getName());
        checkDeclared("graph output '" + o.getName() + "'", o, v);
      }
    }

    private void checkValueInfo() {
      for (ValueInfoProto vi : g.getValueInfoList()) {
        if (ctx.isDefined(vi.getName())) {
          Value v = ctx.value(vi.getName());
          if (!v.poisoned()) {
            checkDeclared("value_info '" + vi.getName() + "'", vi, v);
          }
        }
      }
    }

    /** Compares a declared type with the inferred value; records an error on a contradiction. */
    private void checkDeclared(String what, ValueInfoProto vi, Value v) {
      if (!vi.hasType() || !vi.getType().hasTensorType()) {
        return;
      }
      TypeProto.Tensor tt = vi.getType().getTensorType();
      if (tt.getElemType() != 0 && tt.getElemType() != v.dtype().onnxCode()) {
        ctx.error(what + " is declared as " + TensorDecoder.typeName(tt.getElemType()) + " but inference gives "
            + v.dtype() + v.shape());
        return;
      }
      if (!tt.hasShape()) {
        return;
      }
      List<TensorShapeProto.Dimension> dims = tt.getShape().getDimList();
      String declared = dims.stream().map(d -> d.hasDimValue() ? Long.toString(d.getDimValue())
          : d.hasDimParam() ? d.getDimParam() : "?").collect(Collectors.joining(",", "[", "]"));
      if (dims.size() != v.rank()) {
        ctx.error(what + " is declared with shape " + declared + " (rank " + dims.size() + ") but inference gives "
            + v.dtype() + v.shape() + " (rank " + v.rank() + ")");
        return;
      }
      for (int a = 0; a < dims.size(); a++) {
        TensorShapeProto.Dimension d = dims.get(a);
        if (!d.hasDimValue() || d.getDimValue() < 0) {
          continue;
        }
        Dim inf = v.dim(a);
        long dv = d.getDimValue();
        boolean batchLike = dv == ctx.declaredBatch() && (inf.equals(ctx.batch()));
        if (batchLike || (!inf.isSymbolic() && inf.size() == dv)) {
          continue;
        }
        ctx.error(what + " is declared with shape " + declared + " but inference gives " + v.dtype() + v.shape()
            + ": axis " + a + " is " + inf + " (from " + v.origin(a) + "), declared " + dv);
        return;
      }
    }
  }
}
