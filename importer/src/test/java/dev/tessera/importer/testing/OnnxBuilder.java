package dev.tessera.importer.testing;

import com.google.protobuf.ByteString;
import dev.tessera.importer.proto.Onnx.AttributeProto;
import dev.tessera.importer.proto.Onnx.GraphProto;
import dev.tessera.importer.proto.Onnx.ModelProto;
import dev.tessera.importer.proto.Onnx.NodeProto;
import dev.tessera.importer.proto.Onnx.OperatorSetIdProto;
import dev.tessera.importer.proto.Onnx.TensorProto;
import dev.tessera.importer.proto.Onnx.TensorShapeProto;
import dev.tessera.importer.proto.Onnx.TypeProto;
import dev.tessera.importer.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small fluent builder of ONNX models for tests. Example:
 *
 * <pre>{@code
 * byte[] model = OnnxBuilder.model(13)
 *     .input("x", OnnxBuilder.FLOAT, 1, 4)
 *     .initializer(OnnxBuilder.floats("W", new long[] {4, 2}, 1, 2, 3, 4, 5, 6, 7, 8))
 *     .node("MatMul").in("x", "W").out("y").model()
 *     .output("y", OnnxBuilder.FLOAT, 1, 2)
 *     .build();
 * }</pre>
 *
 * Dimensions are given as numbers (fixed) or strings (symbolic {@code dim_param}). Nodes without a name get
 * {@code <op_type>_<index>}. The builder keeps the protobuf builders, so a test can reach them through
 * {@link #graph()} to produce malformed models on purpose.
 */
public final class OnnxBuilder {

  /** TensorProto.DataType numbers. */
  public static final int FLOAT = 1;
  public static final int UINT8 = 2;
  public static final int INT8 = 3;
  public static final int UINT16 = 4;
  public static final int INT16 = 5;
  public static final int INT32 = 6;
  public static final int INT64 = 7;
  public static final int STRING = 8;
  public static final int BOOL = 9;
  public static final int FLOAT16 = 10;
  public static final int DOUBLE = 11;
  public static final int UINT32 = 12;
  public static final int UINT64 = 13;
  public static final int INT4 = 22;

  private final ModelProto.Builder model = ModelProto.newBuilder();
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final List<NodeBuilder> nodes = new ArrayList<>();

  private OnnxBuilder(long opset) {
    model.setIrVersion(opset >= 21 ? 10 : opset >= 15 ? 8 : 7).setProducerName("tessera-test");
    model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
    graph.setName("test");
  }

  /** A model importing the default ONNX domain at {@code opset}. */
  public static OnnxBuilder model(long opset) {
    return new OnnxBuilder(opset);
  }

  /** Adds an operator-set import for a custom domain, e.g. {@code qonnx.custom_op.general}. */
  public OnnxBuilder opset(String domain, long version) {
    model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version));
    return this;
  }

  public OnnxBuilder irVersion(long v) {
    model.setIrVersion(v);
    return this;
  }

  public OnnxBuilder graphName(String name) {
    graph.setName(name);
    return this;
  }

  /** A graph input; each dim is a Number (fixed size) or a String (symbolic). */
  public OnnxBuilder input(String name, int elemType, Object... dims) {
    graph.addInput(valueInfo(name, elemType, dims));
    return this;
  }

  /** A graph output with a declared type. */
  public OnnxBuilder output(String name, int elemType, Object... dims) {
    graph.addOutput(valueInfo(name, elemType, dims));
    return this;
  }

  /** A graph output without a declared type (the importer infers it). */
  public OnnxBuilder output(String name) {
    graph.addOutput(ValueInfoProto.newBuilder().setName(name));
    return this;
  }

  /** A value_info entry declaring the type of an intermediate tensor. */
  public OnnxBuilder declare(String name, int elemType, Object... dims) {
    graph.addValueInfo(valueInfo(name, elemType, dims));
    return this;
  }

  public OnnxBuilder initializer(TensorProto t) {
    graph.addInitializer(t);
    return this;
  }

  /** A float initializer. */
  public OnnxBuilder initializer(String name, long[] dims, float... values) {
    return initializer(floats(name, dims, values));
  }

  /** Starts a node in the default domain; finish with {@link NodeBuilder#model()} or start the next node. */
  public NodeBuilder node(String opType) {
    NodeBuilder n = new NodeBuilder(this, opType);
    nodes.add(n);
    return n;
  }

  /** Shorthand: a node with inputs and a single output. */
  public OnnxBuilder node(String opType, String[] inputs, String output) {
    node(opType).in(inputs).out(output);
    return this;
  }

  /** A Constant node producing {@code t} under {@code output}. */
  public OnnxBuilder constant(String output, TensorProto t) {
    node("Constant").out(output).attr("value", t);
    return this;
  }

  /** The graph builder (nodes are added at {@link #build()}). */
  public GraphProto.Builder graph() {
    return graph;
  }

  /** The model builder (the graph is set at {@link #build()}). */
  public ModelProto.Builder modelProto() {
    return model;
  }

  /** The finished model message. */
  public ModelProto proto() {
    GraphProto.Builder g = graph.clone();
    int index = 0;
    for (NodeBuilder n : nodes) {
      NodeProto.Builder p = n.proto.clone();
      if (!p.hasName()) {
        p.setName(p.getOpType() + "_" + index);
      }
      g.addNode(p);
      index++;
    }
    return model.clone().setGraph(g).build();
  }

  /** The serialized model. */
  public byte[] build() {
    return proto().toByteArray();
  }

  /** Writes the serialized model and returns the path. */
  public Path write(Path file) {
    try {
      Files.write(file, build());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A ValueInfoProto of a tensor type; dims are Numbers or Strings. */
  public static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof Number num) {
        dim.setDimValue(num.longValue());
      } else if (d instanceof String s) {
        dim.setDimParam(s);
      } else {
        throw new IllegalArgumentException("dimension must be a number or a string, got " + d);
      }
      shape.addDim(dim);
    }
    TypeProto.Tensor.Builder tt = TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape);
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tt)).build();
  }

  /** A float tensor in {@code float_data}. */
  public static TensorProto floats(String name, long[] dims, float... values) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
    return t.build();
  }

  /** A float tensor in {@code raw_data} (little-endian), as most exporters write it. */
  public static TensorProto rawFloats(String name, long[] dims, float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
    for (long d : dims) {
      t.addDims(d);
    }
    return t.setRawData(ByteString.copyFrom(b.array())).build();
  }

  /** An int64 tensor in {@code int64_data}. */
  public static TensorProto int64s(String name, long[] dims, long... values) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(INT64);
    for (long d : dims) {
      t.addDims(d);
    }
    for (long v : values) {
      t.addInt64Data(v);
    }
    return t.build();
  }

  /** A 1-D int64 tensor, the usual form of shapes, axes and pads. */
  public static TensorProto int64s(String name, long... values) {
    return int64s(name, new long[] {values.length}, values);
  }

  /** A scalar float tensor (rank 0). */
  public static TensorProto scalar(String name, float value) {
    return floats(name, new long[0], value);
  }

  /**
   * A tensor of any integer type ({@link #INT8}, {@link #UINT8}, {@link #INT32}, {@link #BOOL}, ...) in its typed
   * field: int32_data for types of at most 32 bits, int64_data for INT64, uint64_data for UINT32/UINT64.
   */
  public static TensorProto ints(String name, int dataType, long[] dims, long... values) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType);
    for (long d : dims) {
      t.addDims(d);
    }
    for (long v : values) {
      if (dataType == INT64) {
        t.addInt64Data(v);
      } else if (dataType == UINT32 || dataType == UINT64) {
        t.addUint64Data(v);
      } else {
        t.addInt32Data((int) v);
      }
    }
    return t.build();
  }

  /** A double tensor in {@code double_data}. */
  public static TensorProto doubles(String name, long[] dims, double... values) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DOUBLE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (double v : values) {
      t.addDoubleData(v);
    }
    return t.build();
  }

  /** Builds one node; every method returns this builder, {@link #model()} returns to the model. */
  public static final class NodeBuilder {
    private final OnnxBuilder owner;
    private final NodeProto.Builder proto = NodeProto.newBuilder();

    private NodeBuilder(OnnxBuilder owner, String opType) {
      this.owner = owner;
      proto.setOpType(opType);
    }

    public NodeBuilder name(String name) {
      proto.setName(name);
      return this;
    }

    public NodeBuilder domain(String domain) {
      proto.setDomain(domain);
      return this;
    }

    /** Inputs; an empty string is an omitted optional input. */
    public NodeBuilder in(String... inputs) {
      for (String s : inputs) {
        proto.addInput(s);
      }
      return this;
    }

    public NodeBuilder out(String... outputs) {
      for (String s : outputs) {
        proto.addOutput(s);
      }
      return this;
    }

    public NodeBuilder attr(String name, long value) {
      proto.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
          .setI(value));
      return this;
    }

    public NodeBuilder attr(String name, float value) {
      proto.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
          .setF(value));
      return this;
    }

    public NodeBuilder attr(String name, String value) {
      proto.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
          .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)));
      return this;
    }

    public NodeBuilder attr(String name, TensorProto value) {
      proto.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR)
          .setT(value));
      return this;
    }

    /** An INTS attribute (perm, pads, strides, axes, ...). */
    public NodeBuilder ints(String name, long... values) {
      AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
          .setType(AttributeProto.AttributeType.INTS);
      for (long v : values) {
        a.addInts(v);
      }
      proto.addAttribute(a);
      return this;
    }

    /** A FLOATS attribute. */
    public NodeBuilder floats(String name, float... values) {
      AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
          .setType(AttributeProto.AttributeType.FLOATS);
      for (float v : values) {
        a.addFloats(v);
      }
      proto.addAttribute(a);
      return this;
    }

    /** Any attribute message, for unusual forms. */
    public NodeBuilder attr(AttributeProto a) {
      proto.addAttribute(a);
      return this;
    }

    /** Starts the next node. */
    public NodeBuilder node(String opType) {
      return owner.node(opType);
    }

    /** Back to the model builder. */
    public OnnxBuilder model() {
      return owner;
    }
  }
}
