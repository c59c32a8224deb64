package dev.tessera.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable dataflow graph: named tensors with static types, constants, and nodes in topological order. Passes
 * return new graphs (see {@link #toBuilder()}); {@link GraphVerifier} checks the invariants.
 *
 * @param name model name
 * @param inputs graph input tensor names (not constants)
 * @param outputs graph output tensor names
 * @param nodes nodes in topological order
 * @param constants constant tensors by name (weights, biases, folded values)
 * @param types the type of every tensor: inputs, constants, node outputs
 * @param metadata free-form facts kept for reports (producer, opset, ...)
 */
public record Graph(String name, List<String> inputs, List<String> outputs, List<Node> nodes,
    Map<String, Tensor> constants, Map<String, TensorType> types, Map<String, String> metadata) {

  public Graph {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    nodes = List.copyOf(nodes);
    constants = Collections.unmodifiableMap(new LinkedHashMap<>(constants));
    types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The type of a tensor; an error when unknown. */
  public TensorType type(String tensor) {
    TensorType t = types.get(tensor);
    if (t == null) {
      throw new IllegalArgumentException("unknown tensor '" + tensor + "'");
    }
    return t;
  }

  public boolean isConstant(String tensor) {
    return constants.containsKey(tensor);
  }

  /** The constant of that name, or null. */
  public Tensor constant(String tensor) {
    return constants.get(tensor);
  }

  /** The node that produces a tensor, or null for inputs and constants. */
  public Node producer(String tensor) {
    for (Node n : nodes) {
      if (n.outputs().contains(tensor)) {
        return n;
      }
    }
    return null;
  }

  /** The nodes that read a tensor, in order. */
  public List<Node> consumers(String tensor) {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      if (n.inputs().contains(tensor)) {
        out.add(n);
      }
    }
    return out;
  }

  /** The node of that name, or null. */
  public Node node(String nodeName) {
    for (Node n : nodes) {
      if (n.name().equals(nodeName)) {
        return n;
      }
    }
    return null;
  }

  /** Producer of each tensor, computed once (for passes that look up many). */
  public Map<String, Node> producers() {
    Map<String, Node> m = new HashMap<>();
    for (Node n : nodes) {
      for (String o : n.outputs()) {
        m.put(o, n);
      }
    }
    return m;
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Mutable builder; {@link #build()} makes the immutable graph. */
  public static final class Builder {
    private String name;
    private final List<String> inputs;
    private final List<String> outputs;
    private final List<Node> nodes;
    private final Map<String, Tensor> constants;
    private final Map<String, TensorType> types;
    private final Map<String, String> metadata;

    private Builder(String name) {
      this.name = name;
      inputs = new ArrayList<>();
      outputs = new ArrayList<>();
      nodes = new ArrayList<>();
      constants = new LinkedHashMap<>();
      types = new LinkedHashMap<>();
      metadata = new LinkedHashMap<>();
    }

    private Builder(Graph g) {
      name = g.name;
      inputs = new ArrayList<>(g.inputs);
      outputs = new ArrayList<>(g.outputs);
      nodes = new ArrayList<>(g.nodes);
      constants = new LinkedHashMap<>(g.constants);
      types = new LinkedHashMap<>(g.types);
      metadata = new LinkedHashMap<>(g.metadata);
    }

    public Builder name(String n) {
      name = n;
      return this;
    }

    /** Adds a graph input with its type. */
    public Builder input(String tensor, TensorType type) {
      inputs.add(tensor);
      types.put(tensor, type);
      return this;
    }

    public Builder output(String tensor) {
      outputs.add(tensor);
      return this;
    }

    public Builder outputs(List<String> tensors) {
      outputs.clear();
      outputs.addAll(tensors);
      return this;
    }

    public Builder inputs(List<String> tensors) {
      inputs.clear();
      inputs.addAll(tensors);
      return this;
    }

    /** Adds or replaces a constant and its type. */
    public Builder constant(String tensor, Tensor value) {
      constants.put(tensor, value);
      types.put(tensor, value.tensorType());
      return this;
    }

    public Builder removeConstant(String tensor) {
      constants.remove(tensor);
      types.remove(tensor);
      return this;
    }

    /** Appends a node; its output types must be set with {@link #type}. */
    public Builder node(Node n) {
      nodes.add(n);
      return this;
    }

    /** Appends a node and sets the type of its single output. */
    public Builder node(Node n, TensorType outputType) {
      nodes.add(n);
      types.put(n.output(), outputType);
      return this;
    }

    public Builder type(String tensor, TensorType type) {
      types.put(tensor, type);
      return this;
    }

    public Builder removeType(String tensor) {
      types.remove(tensor);
      return this;
    }

    public Builder metadata(String key, String value) {
      metadata.put(key, value);
      return this;
    }

    /** The nodes, mutable, for passes that rewrite in place before building. */
    public List<Node> nodes() {
      return nodes;
    }

    public Map<String, TensorType> types() {
      return types;
    }

    public Map<String, Tensor> constants() {
      return constants;
    }

    public List<String> inputs() {
      return inputs;
    }

    public List<String> outputs() {
      return outputs;
    }

    public Graph build() {
      return new Graph(name, inputs, outputs, nodes, constants, types, metadata);
    }
  }
}
