package dev.tessera.importer;

import dev.tessera.ir.DType;
import dev.tessera.ir.Dim;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.ModelFormatException;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of one import: the value of every ONNX tensor seen so far, the IR graph being built, unique names,
 * the batch dimension and the collected shape errors. Handlers read inputs through {@link OnnxNode}, emit IR nodes
 * with {@link #emit} and bind ONNX outputs with {@link #define}.
 */
public final class ImportContext {
  private final ImportOptions options;
  private final Graph.Builder builder;
  private final Map<String, Value> values = new HashMap<>();
  private final Set<String> read;
  private final Set<String> tensorNames = new HashSet<>();
  private final Set<String> nodeNames = new HashSet<>();
  private final Set<String> emittedConstants = new HashSet<>();
  private final List<String> errors = new ArrayList<>();
  private final Dim batch;
  private long declaredBatch = -1;

  ImportContext(ImportOptions options, Graph.Builder builder, Set<String> read, Set<String> onnxNames) {
    this.options = options;
    this.builder = builder;
    this.read = read;
    this.tensorNames.addAll(onnxNames);
    this.batch = options.batchSize() == null ? Dim.sym(Shape.BATCH) : Dim.of(options.batchSize());
  }

  public ImportOptions options() {
    return options;
  }

  /** The batch dimension: the symbol N, or the size the options bind it to. */
  public Dim batch() {
    return batch;
  }

  /** The batch size the exporter wrote in the model (e.g. 789444 or 1), or -1 when it was symbolic. */
  public long declaredBatch() {
    return declaredBatch;
  }

  void declaredBatch(long b) {
    declaredBatch = b;
  }

  /** The value of an ONNX tensor; a ModelFormatException when nothing defines it. */
  public Value value(String onnxName) {
    Value v = values.get(onnxName);
    if (v == null) {
      throw new ModelFormatException("tensor '" + onnxName + "' is used before it is defined");
    }
    return v;
  }

  boolean isDefined(String onnxName) {
    return values.containsKey(onnxName);
  }

  /** Binds an ONNX tensor name to a value. */
  public void define(String onnxName, Value v) {
    values.put(onnxName, v);
  }

  /** True when a node or the graph's output list reads the ONNX tensor. */
  public boolean isRead(String onnxName) {
    return read.contains(onnxName);
  }

  /** A tensor name not used by the model or by earlier calls, derived from {@code base}. */
  public String fresh(String base) {
    String name = base;
    int k = 2;
    while (!tensorNames.add(name)) {
      name = base + "_" + k++;
    }
    return name;
  }

  /** A node name not used yet, derived from {@code base}. */
  public String freshNode(String base) {
    String name = base;
    int k = 2;
    while (!nodeNames.add(name)) {
      name = base + "_" + k++;
    }
    return name;
  }

  /** The IR tensor name of a value, adding it to the graph's constants the first time a constant is used. */
  public String use(Value v) {
    if (v.isConstant() && emittedConstants.add(v.tensor())) {
      builder.constant(v.tensor(), v.constant());
    }
    return v.tensor();
  }

  /**
   * Appends an IR node with one output and returns the output's value.
   *
   * @param nodeName base of the IR node name (made unique)
   * @param src the ONNX node this comes from (its source op is recorded)
   * @param outTensor the output tensor name: the ONNX output name, or one from {@link #fresh}
   */
  public Value emit(String nodeName, OnnxNode src, Op op, List<Value> inputs, String outTensor, DType dtype,
      Shape shape, String[] origins) {
    List<String> ins = new ArrayList<>();
    for (Value v : inputs) {
      if (v != null && v.hasSymbols()) {
        throw src.unsupported("input '" + v.tensor() + "' holds the run-time size of a symbolic dimension, which "
            + "cannot become a constant; bind the batch to a fixed size");
      }
      ins.add(v == null ? "" : use(v));
    }
    tensorNames.add(outTensor);
    Value out = Value.dynamic(outTensor, dtype, shape, origins);
    builder.node(new Node(freshNode(nodeName), op, ins, List.of(outTensor), src.source()), out.type());
    return out;
  }

  /** A constant value named after the ONNX output (or a fresh name when {@code onnxOutput} is null). */
  public Value constant(OnnxNode src, String onnxOutput, Tensor t, String[] symbols) {
    String name = onnxOutput != null && !emittedConstants.contains(onnxOutput) ? onnxOutput : fresh(src.aux("const"));
    tensorNames.add(name);
    return Value.constant(name, t, src.describe(), symbols);
  }

  /** A constant created by a lowering (e.g. a folded bias), with a fresh name. */
  public Value auxConstant(OnnxNode src, String suffix, Tensor t) {
    return Value.constant(fresh(src.aux(suffix)), t, src.describe(), null);
  }

  /** Records a broken shape rule of a node and marks all its outputs as poisoned. */
  public void fail(OnnxNode n, String message) {
    errors.add(n.describe() + ": " + message);
    poison(n, n.inputCount() > 0 && n.hasInput(0) && values.containsKey(n.inputName(0))
        ? values.get(n.inputName(0)).dtype() : DType.FLOAT);
  }

  /** Records an error that is not about one node (declared output types, value_info). */
  void error(String message) {
    errors.add(message);
  }

  void poison(OnnxNode n, DType dtype) {
    for (int k = 0; k < n.outputCount(); k++) {
      String o = n.outputName(k);
      if (o != null) {
        values.put(o, Value.poisoned(o, dtype));
      }
    }
  }

  List<String> errors() {
    return errors;
  }

  Graph.Builder builder() {
    return builder;
  }
}
