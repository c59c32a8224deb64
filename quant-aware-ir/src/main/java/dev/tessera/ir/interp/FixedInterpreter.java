package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bit-exact fixed-point interpreter: the reference that defines the numerics of a quantized graph
 * (docs/fixed-point.md). Every tensor of the graph must have a {@link FixedType} and every constant must hold raw
 * integers. Arithmetic is exact on raw integers, in long where the bound of an expression (decided per node at
 * construction from the types and the constant values) fits, and in BigInteger beyond; both give the same result.
 *
 * <p>An instance is immutable after construction and may be used from several threads.
 */
public final class FixedInterpreter {
  private final Graph graph;
  private final Map<String, Integer> slots = new HashMap<>();
  private final List<String> slotNames = new ArrayList<>();
  private final FixedValue[] constants;
  private final List<Compiled> steps = new ArrayList<>();

  private record Compiled(Node node, int[] inputs, int output, TensorType type, FixedStep step) {}

  /** Compiles a quantized graph; errors name the node that cannot run in fixed point. */
  public FixedInterpreter(Graph quantizedGraph) {
    this(quantizedGraph, false);
  }

  /** With {@code forceBig}, every op takes its BigInteger path (for tests that compare both paths). */
  FixedInterpreter(Graph g, boolean forceBig) {
    this.graph = g;
    List<String> errors = new ArrayList<>();
    for (var e : g.types().entrySet()) {
      if (!(e.getValue().elementType() instanceof FixedType)) {
        errors.add(e.getKey());
      }
    }
    if (!errors.isEmpty()) {
      throw new TesseraException("the fixed-point interpreter needs a fixed-point type on every tensor; "
          + errors.size() + " tensor" + (errors.size() == 1 ? " has" : "s have") + " none (first: '" + errors.get(0)
          + "' is " + g.types().get(errors.get(0)) + "); run the precision pass first");
    }
    for (String in : g.inputs()) {
      slot(in);
    }
    List<FixedValue> consts = new ArrayList<>();
    for (var e : g.constants().entrySet()) {
      Tensor t = e.getValue();
      if (!t.isFixed()) {
        throw new TesseraException("constant '" + e.getKey() + "' holds float values; quantize it first");
      }
      slot(e.getKey());
      consts.add(FixedValue.ofLongs((FixedType) t.type(), t.shape(), t.raw()));
    }
    constants = consts.toArray(new FixedValue[0]);
    for (Node n : g.nodes()) {
      if (n.outputs().size() != 1) {
        throw new UnsupportedOpException(n.name(), n.source(), "has " + n.outputs().size()
            + " outputs; the fixed-point interpreter supports single-output ops");
      }
      FixedStep step;
      try {
        step = FixedCompiler.compile(n, g, forceBig);
      } catch (IllegalArgumentException | UnsupportedOperationException | ArithmeticException ex) {
        throw new NodeException(n.name(), n.source(), ex.getMessage());
      }
      int[] ins = new int[n.inputs().size()];
      for (int i = 0; i < ins.length; i++) {
        String name = n.inputs().get(i);
        ins[i] = name.isEmpty() ? -1 : slots.getOrDefault(name, -2);
        if (ins[i] == -2) {
          throw new NodeException(n.name(), n.source(), "input '" + name + "' is not defined before the node");
        }
      }
      steps.add(new Compiled(n, ins, slot(n.output()), g.type(n.output()), step));
    }
    for (String out : g.outputs()) {
      if (!slots.containsKey(out)) {
        throw new TesseraException("graph output '" + out + "' is not produced by any node");
      }
    }
  }

  private int slot(String name) {
    return slots.computeIfAbsent(name, k -> {
      slotNames.add(k);
      return slotNames.size() - 1;
    });
  }

  /** The graph this interpreter runs. */
  public Graph graph() {
    return graph;
  }

  /** Quantizes float inputs with the types of the graph inputs ({@code Q_Tx}, exact from the doubles). */
  public Map<String, FixedArray> quantizeInputs(Map<String, NdArray> floatInputs) {
    Map<String, FixedArray> out = new LinkedHashMap<>();
    for (String in : graph.inputs()) {
      NdArray a = floatInputs.get(in);
      if (a == null) {
        throw missing(in);
      }
      out.put(in, quantize(in, graph.type(in).fixed(), a).toArray());
    }
    return out;
  }

  /** Quantizes the float inputs and runs the graph; returns the graph outputs. */
  public Map<String, FixedArray> run(Map<String, NdArray> floatInputs) {
    FixedValue[] v = newSlots();
    for (String in : graph.inputs()) {
      NdArray a = floatInputs.get(in);
      if (a == null) {
        throw missing(in);
      }
      v[slots.get(in)] = checkInput(in, quantize(in, graph.type(in).fixed(), a));
    }
    execute(v);
    return collect(v, graph.outputs());
  }

  /** Runs the graph on raw inputs, which must have exactly the types of the graph inputs; returns the outputs. */
  public Map<String, FixedArray> runRaw(Map<String, FixedArray> inputs) {
    FixedValue[] v = bind(inputs);
    execute(v);
    return collect(v, graph.outputs());
  }

  /** Like {@link #runRaw} but returns every tensor: inputs, constants and every node output, by name. */
  public Map<String, FixedArray> runAll(Map<String, FixedArray> inputs) {
    FixedValue[] v = bind(inputs);
    execute(v);
    return collect(v, slotNames);
  }

  private FixedValue[] newSlots() {
    FixedValue[] v = new FixedValue[slotNames.size()];
    int c = 0;
    for (String name : graph.constants().keySet()) {
      v[slots.get(name)] = constants[c++];
    }
    return v;
  }

  private FixedValue[] bind(Map<String, FixedArray> inputs) {
    FixedValue[] v = newSlots();
    for (String in : graph.inputs()) {
      FixedArray a = inputs.get(in);
      if (a == null) {
        throw missing(in);
      }
      FixedType want = graph.type(in).fixed();
      if (!a.type().equals(want)) {
        throw new TesseraException("input '" + in + "' has type " + a.type() + " but the graph expects " + want);
      }
      v[slots.get(in)] = checkInput(in, FixedValue.of(a));
    }
    return v;
  }

  private FixedValue checkInput(String name, FixedValue v) {
    if (!matches(graph.type(name).shape(), v.shape)) {
      throw new TesseraException("input '" + name + "' has shape " + Shape.toString(v.shape)
          + " but the graph expects " + graph.type(name).shape());
    }
    return v;
  }

  private TesseraException missing(String in) {
    return new TesseraException("missing input '" + in + "'; the graph has inputs " + graph.inputs());
  }

  private void execute(FixedValue[] v) {
    for (Compiled c : steps) {
      FixedValue[] args = new FixedValue[c.inputs.length];
      for (int i = 0; i < args.length; i++) {
        args[i] = c.inputs[i] < 0 ? null : v[c.inputs[i]];
      }
      FixedValue out;
      try {
        out = c.step.apply(args);
      } catch (IllegalArgumentException | ArithmeticException ex) {
        throw new NodeException(c.node.name(), c.node.source(), ex.getMessage());
      }
      if (!matches(c.type.shape(), out.shape)) {
        throw new NodeException(c.node.name(), c.node.source(), "computed shape " + Shape.toString(out.shape)
            + " does not match the declared " + c.type.shape());
      }
      v[c.output] = out;
    }
  }

  private static boolean matches(Shape declared, long[] actual) {
    if (declared.rank() != actual.length) {
      return false;
    }
    for (int a = 0; a < actual.length; a++) {
      if (!declared.dim(a).isSymbolic() && declared.dim(a).size() != actual[a]) {
        return false;
      }
    }
    return true;
  }

  private Map<String, FixedArray> collect(FixedValue[] v, List<String> names) {
    Map<String, FixedArray> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, v[slots.get(n)].toArray());
    }
    return out;
  }

  /** Exact {@code Q_T} of doubles into the storage of T, without a BigInteger per element when T fits a long. */
  private static FixedValue quantize(String name, FixedType t, NdArray a) {
    double[] d = a.data();
    FixedValue v = FixedValue.zeros(t, a.shape());
    for (int i = 0; i < d.length; i++) {
      double x = d[i];
      if (Double.isNaN(x) || Double.isInfinite(x)) {
        throw new TesseraException("input '" + name + "' element " + i + " is " + x + "; it cannot be quantized to "
            + t);
      }
      if (x == 0.0) {
        continue;
      }
      int e = Math.max(Math.getExponent(x), Double.MIN_EXPONENT) - 52;
      long mant = (long) Math.scalb(x, -e);
      v.put(i, mant, -e);
    }
    return v;
  }

  @Override
  public String toString() {
    return "FixedInterpreter(" + graph.name() + ", " + steps.size() + " nodes)";
  }
}
