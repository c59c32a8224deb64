package dev.tessera.ir.interp;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.diag.UnsupportedOpException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a graph in double precision with ONNX semantics; the float reference for import checks, calibration and the
 * accuracy of quantized designs. Every op of {@link dev.tessera.ir.op.Op} is evaluated as its ONNX (or QONNX)
 * counterpart; fixed-point attributes are ignored (tables, accumulator types, softmax modes), so a quantized graph
 * runs here as the float model it came from. Integer results appear only where ONNX demands them (QuantizeLinear,
 * Cast to an integer type, integer division).
 *
 * <p>The constructor plans every node once: it resolves tensor names to slots, builds one kernel per node, checks
 * the attribute combinations (an impossible one is an {@link UnsupportedOpException}) and evaluates the nodes whose
 * inputs are all constant. A run binds the symbolic dimensions (the batch {@code N} on axis 0) from the given
 * inputs, evaluates the remaining nodes in order and checks each result against its declared type. Instances are
 * immutable and may be shared between threads.
 */
public final class FloatInterpreter {

  private final Graph graph;
  private final Map<String, Integer> slots = new HashMap<>();
  private final NdArray[] preset;
  private final List<Step> steps = new ArrayList<>();
  private final int[] inputSlots;
  private final int[] outputSlots;
  /** The data arrays of constants and constant-folded values, which callers must never be able to change. */
  private final Set<double[]> presetData = Collections.newSetFromMap(new IdentityHashMap<>());

  /** One node to evaluate at run time. */
  private record Step(Node node, FloatKernel kernel, int[] in, int out, TensorType type, boolean live) {}

  public FloatInterpreter(Graph g) {
    if (g == null) {
      throw new IllegalArgumentException("graph == null");
    }
    this.graph = g;
    for (String in : g.inputs()) {
      slot(in);
    }
    for (String c : g.constants().keySet()) {
      slot(c);
    }
    for (Node n : g.nodes()) {
      for (String o : n.outputs()) {
        slot(o);
      }
    }
    preset = new NdArray[slots.size()];
    boolean[] defined = new boolean[slots.size()];
    for (int i = 0; i < g.inputs().size(); i++) {
      defined[slots.get(g.inputs().get(i))] = true;
    }
    for (Map.Entry<String, Tensor> e : g.constants().entrySet()) {
      defined[slots.get(e.getKey())] = true;
      Tensor t = e.getValue();
      preset[slots.get(e.getKey())] = new NdArray(t.shape(), t.values());
    }
    inputSlots = g.inputs().stream().mapToInt(slots::get).toArray();
    outputSlots = new int[g.outputs().size()];
    for (int i = 0; i < outputSlots.length; i++) {
      Integer s = slots.get(g.outputs().get(i));
      if (s == null) {
        throw new TesseraException("graph output '" + g.outputs().get(i) + "' is not produced by any node");
      }
      outputSlots[i] = s;
    }
    Set<String> live = liveTensors(g);
    Set<String> used = usedTensors(g);
    for (Node n : g.nodes()) {
      plan(n, live, used, defined);
    }
    for (NdArray a : preset) {
      if (a != null) {
        presetData.add(a.data());
      }
    }
  }

  /** The array itself, or a copy when it shares its data with a constant (so callers may change results). */
  private NdArray detach(NdArray a) {
    return a != null && presetData.contains(a.data()) ? new NdArray(a.shape(), a.data().clone()) : a;
  }

  private int slot(String name) {
    return slots.computeIfAbsent(name, k -> slots.size());
  }

  /** Plans one node; {@code defined} marks the slots available so far (inputs, constants, earlier outputs). */
  private void plan(Node n, Set<String> live, Set<String> used, boolean[] defined) {
    if (n.outputs().isEmpty()) {
      throw new UnsupportedOpException(n.name(), n.source(), "node has no outputs");
    }
    for (int i = 1; i < n.outputs().size(); i++) {
      if (used.contains(n.outputs().get(i))) {
        throw new UnsupportedOpException(n.name(), n.source(), "output " + i + " ('" + n.outputs().get(i)
            + "') is used, but only the first output of this op is computed");
      }
    }
    int[] in = new int[n.inputs().size()];
    boolean allPreset = true;
    for (int i = 0; i < in.length; i++) {
      String name = n.input(i);
      if (name == null) {
        in[i] = -1;
        continue;
      }
      Integer s = slots.get(name);
      if (s == null || !graph.types().containsKey(name)) {
        throw new NodeException(n.name(), n.source(), "input '" + name + "' is not defined in the graph");
      }
      if (!defined[s]) {
        throw new NodeException(n.name(), n.source(), "input '" + name + "' is produced after the node (the "
            + "nodes are not in topological order)");
      }
      in[i] = s;
      allPreset &= preset[s] != null;
    }
    TensorType type = graph.types().get(n.output());
    if (type == null) {
      throw new NodeException(n.name(), n.source(), "output '" + n.output() + "' has no type");
    }
    FloatKernel k = FloatOps.create(n, graph);
    Step step = new Step(n, k, in, slots.get(n.output()), type, live.contains(n.output()));
    for (String o : n.outputs()) {
      defined[slots.get(o)] = true;
    }
    if (allPreset && type.shape().isStatic()) {
      preset[step.out] = evaluate(step, preset, new FloatBinding());
    } else {
      steps.add(step);
    }
  }

  /** Tensors that the graph outputs depend on. */
  private static Set<String> liveTensors(Graph g) {
    Set<String> live = new HashSet<>(g.outputs());
    List<Node> nodes = g.nodes();
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node n = nodes.get(i);
      if (n.outputs().stream().anyMatch(live::contains)) {
        for (String in : n.inputs()) {
          if (!in.isEmpty()) {
            live.add(in);
          }
        }
      }
    }
    return live;
  }

  private static Set<String> usedTensors(Graph g) {
    Set<String> used = new HashSet<>(g.outputs());
    for (Node n : g.nodes()) {
      used.addAll(n.inputs());
    }
    return used;
  }

  /** The graph this interpreter runs. */
  public Graph graph() {
    return graph;
  }

  /**
   * Runs the graph and returns its outputs by name, in the graph's output order. Every graph input must be given;
   * its shape must match the declared one, symbolic dimensions taking the given sizes.
   *
   * @throws TesseraException on a missing, unknown or wrongly shaped input
   * @throws NodeException when a node cannot be evaluated
   */
  public Map<String, NdArray> run(Map<String, NdArray> inputs) {
    NdArray[] values = execute(inputs, false);
    Map<String, NdArray> out = new LinkedHashMap<>();
    for (int i = 0; i < outputSlots.length; i++) {
      out.put(graph.outputs().get(i), detach(values[outputSlots[i]]));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Runs the graph and returns every tensor it computes by name: the graph inputs, then the output of every node
   * in node order (nodes with only constant inputs included; constants themselves are not listed). Results that
   * would share storage with a constant are copied, so callers may modify what they get.
   */
  public Map<String, NdArray> runAll(Map<String, NdArray> inputs) {
    NdArray[] values = execute(inputs, true);
    Map<String, NdArray> out = new LinkedHashMap<>();
    for (int i = 0; i < inputSlots.length; i++) {
      out.put(graph.inputs().get(i), values[inputSlots[i]]);
    }
    for (Node n : graph.nodes()) {
      out.put(n.output(), detach(values[slots.get(n.output())]));
    }
    return Collections.unmodifiableMap(out);
  }

  private NdArray[] execute(Map<String, NdArray> inputs, boolean all) {
    if (inputs == null) {
      throw new IllegalArgumentException("inputs == null");
    }
    FloatBinding binding = new FloatBinding();
    NdArray[] values = preset.clone();
    for (String name : inputs.keySet()) {
      if (!graph.inputs().contains(name)) {
        throw new TesseraException("unknown input '" + name + "'; the graph's inputs are " + graph.inputs());
      }
    }
    for (int i = 0; i < inputSlots.length; i++) {
      String name = graph.inputs().get(i);
      NdArray a = inputs.get(name);
      if (a == null) {
        throw new TesseraException("input '" + name + "' is missing; the graph's inputs are " + graph.inputs());
      }
      Shape declared = graph.type(name).shape();
      String err = binding.match(a.shape(), declared);
      if (err != null) {
        throw new TesseraException("input '" + name + "' expects shape " + declared + ", got "
            + Shape.toString(a.shape()) + " (" + err + ")");
      }
      values[inputSlots[i]] = a;
    }
    for (Step s : steps) {
      if (all || s.live) {
        values[s.out] = evaluate(s, values, binding);
      }
    }
    return values;
  }

  private static NdArray evaluate(Step s, NdArray[] values, FloatBinding binding) {
    NdArray[] in = new NdArray[s.in.length];
    for (int i = 0; i < in.length; i++) {
      in[i] = s.in[i] < 0 ? null : values[s.in[i]];
    }
    NdArray out;
    try {
      out = s.kernel.apply(in, binding);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new NodeException(s.node.name(), s.node.source(), e.getMessage() + " (inputs " + shapes(in) + ")");
    }
    String err = binding.match(out.shape(), s.type.shape());
    if (err != null) {
      throw new NodeException(s.node.name(), s.node.source(), "computed output '" + s.node.output()
          + "' of shape " + Shape.toString(out.shape()) + " but the graph declares " + s.type.shape() + " (" + err
          + ")");
    }
    return out;
  }

  private static String shapes(NdArray[] in) {
    List<String> l = new ArrayList<>();
    for (NdArray a : in) {
      l.add(a == null ? "-" : Shape.toString(a.shape()));
    }
    return String.join(" ", l);
  }

  @Override
  public String toString() {
    return "FloatInterpreter(" + graph.name() + ", " + steps.size() + " run-time nodes of "
        + graph.nodes().size() + ", inputs " + Arrays.toString(graph.inputs().toArray()) + ")";
  }
}
