package dev.tessera.importer;

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
import dev.tessera.ir.DType;
import dev.tessera.ir.Dim;
import dev.tessera.ir.ElementType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.op.Op;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a float IR {@link Graph} as an ONNX model (opset 13, or 17 when it holds a LayerNorm; IR version 7 or 8) that
 * any ONNX tool reads and that {@link OnnxImporter} imports back to a graph computing the same values: Dense becomes
 * Gemm (MatMul and Add above rank 2), a flatten-shaped Reshape becomes Flatten, QONNX quantizers go to the
 * {@code qonnx.custom_op.general} domain, and every constant becomes an initializer in its own element type. Node and
 * tensor names are kept; auxiliary constants (Clip bounds, Reshape shapes, Slice and Pad parameters) get fresh names.
 * A fixed-point graph is refused: export the float graph it came from.
 */
public final class OnnxExporter {

  /** The default-domain opset written. */
  public static final int OPSET = 13;
  /** The opset written when the graph needs LayerNormalization. */
  public static final int OPSET_LAYER_NORM = 17;
  /** The domain of the QONNX quantizers. */
  public static final String QONNX_DOMAIN = "qonnx.custom_op.general";

  private OnnxExporter() {}

  /** Serialized ONNX model bytes. */
  public static byte[] toBytes(Graph g) {
    return toModel(g).toByteArray();
  }

  /** Writes the model to {@code file} (through a temporary file in the same folder, moved into place). */
  public static void write(Graph g, Path file) throws IOException {
    byte[] bytes = toBytes(g);
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".tessera-", ".onnx.tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The ONNX model of a float graph. */
  public static ModelProto toModel(Graph g) {
    return new Writer(g).model();
  }

  /** One export. */
  private static final class Writer {
    private final Graph g;
    private final GraphProto.Builder gp = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private final Set<String> domains = new LinkedHashSet<>();
    private int opset = OPSET;

    Writer(Graph g) {
      this.g = g;
      names.addAll(g.types().keySet());
      names.addAll(g.constants().keySet());
      for (Node n : g.nodes()) {
        names.add(n.name());
        names.addAll(n.outputs());
      }
    }

    ModelProto model() {
      gp.setName(g.name());
      for (String in : g.inputs()) {
        gp.addInput(valueInfo(in));
      }
      Set<String> used = new HashSet<>(g.outputs());
      for (Node n : g.nodes()) {
        used.addAll(n.inputs());
      }
      for (String c : g.constants().keySet()) {
        if (used.contains(c)) {
          gp.addInitializer(tensor(c, g.constant(c)));
        }
      }
      for (Node n : g.nodes()) {
        node(n);
      }
      for (String out : g.outputs()) {
        gp.addOutput(valueInfo(out));
      }
      Set<String> outs = new HashSet<>(g.outputs());
      for (Node n : g.nodes()) {
        for (String o : n.outputs()) {
          if (!outs.contains(o) && g.types().containsKey(o)) {
            gp.addValueInfo(valueInfo(o));
          }
        }
      }
      ModelProto.Builder m = ModelProto.newBuilder()
          .setIrVersion(opset >= OPSET_LAYER_NORM ? 8 : 7)
          .setProducerName("tessera")
          .setProducerVersion(version())
          .setGraph(gp);
      m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
      for (String d : domains) {
        m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(d).setVersion(1));
      }
      return m.build();
    }

    private static String version() {
      String v = OnnxExporter.class.getPackage().getImplementationVersion();
      return v == null ? "development" : v;
    }

    // ---------------------------------------------------------------------------------------------- types

    private ValueInfoProto valueInfo(String tensor) {
      TensorType t = g.type(tensor);
      TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
      for (Dim d : t.shape().dims()) {
        s.addDim(d.isSymbolic() ? TensorShapeProto.Dimension.newBuilder().setDimParam(d.symbol())
            : TensorShapeProto.Dimension.newBuilder().setDimValue(d.size()));
      }
      TypeProto.Tensor tt = TypeProto.Tensor.newBuilder().setElemType(dtype(t.elementType(), tensor).onnxCode())
          .setShape(s).build();
      return ValueInfoProto.newBuilder().setName(tensor).setType(TypeProto.newBuilder().setTensorType(tt)).build();
    }

    private DType dtype(ElementType e, String tensor) {
      if (e instanceof DType d) {
        return d;
      }
      throw new IllegalArgumentException("tensor '" + tensor + "' of graph '" + g.name() + "' has the fixed-point "
          + "type " + e + "; only float graphs can be exported to ONNX (export the graph before ApplyPrecision)");
    }

    // ---------------------------------------------------------------------------------------------- tensors

    private TensorProto tensor(String name, Tensor t) {
      DType d = dtype(t.type(), name);
      TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(d.onnxCode());
      for (long s : t.shape()) {
        b.addDims(s);
      }
      double[] v = t.values();
      ByteBuffer buf = ByteBuffer.allocate(v.length * bytes(d)).order(ByteOrder.LITTLE_ENDIAN);
      for (double x : v) {
        put(buf, d, x, name);
      }
      return b.setRawData(ByteString.copyFrom(buf.array())).build();
    }

    private static int bytes(DType d) {
      return switch (d) {
        case UINT8, INT8, BOOL -> 1;
        case UINT16, INT16, FLOAT16, BFLOAT16 -> 2;
        case FLOAT, INT32, UINT32 -> 4;
        case DOUBLE, INT64, UINT64 -> 8;
      };
    }

    private static void put(ByteBuffer b, DType d, double x, String name) {
      switch (d) {
        case FLOAT -> b.putFloat((float) x);
        case DOUBLE -> b.putDouble(x);
        case FLOAT16 -> b.putShort((short) floatToHalf((float) x));
        case BFLOAT16 -> b.putShort((short) bfloat16((float) x));
        case BOOL, UINT8, INT8 -> b.put((byte) (long) x);
        case UINT16, INT16 -> b.putShort((short) (long) x);
        case INT32, UINT32 -> b.putInt((int) (long) x);
        case INT64 -> b.putLong((long) x);
        case UINT64 -> b.putLong(x >= 0x1p63 ? (long) (x - 0x1p63) ^ Long.MIN_VALUE : (long) x);
        default -> throw new IllegalArgumentException("constant '" + name + "' has unsupported type " + d);
      }
    }

    /** IEEE half precision, rounded to nearest even. */
    static int floatToHalf(float f) {
      int bits = Float.floatToRawIntBits(f);
      int sign = (bits >>> 16) & 0x8000;
      int exp = (bits >>> 23) & 0xff;
      int mant = bits & 0x7fffff;
      if (exp == 0xff) {
        return sign | 0x7c00 | (mant != 0 ? 0x200 : 0);
      }
      int e = exp - 127 + 15;
      if (e >= 0x1f) {
        return sign | 0x7c00;
      }
      if (e <= 0) {
        if (e < -10) {
          return sign;
        }
        int m = mant | 0x800000;
        int shift = 14 - e;
        int half = m >> shift;
        int rem = m & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rem > halfway || (rem == halfway && (half & 1) == 1)) {
          half++;
        }
        return sign | half;
      }
      int half = (e << 10) | (mant >> 13);
      int rem = mant & 0x1fff;
      if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
        half++;
      }
      return sign | half;
    }

    /** bfloat16, rounded to nearest even. */
    static int bfloat16(float f) {
      int bits = Float.floatToRawIntBits(f);
      if (Float.isNaN(f)) {
        return (bits >>> 16) | 0x40;
      }
      int rem = bits & 0xffff;
      int top = bits >>> 16;
      if (rem > 0x8000 || (rem == 0x8000 && (top & 1) == 1)) {
        top++;
      }
      return top & 0xffff;
    }

    /** A new initializer with a fresh name derived from {@code base}. */
    private String aux(String base, DType d, long[] shape, double... values) {
      String name = base;
      for (int i = 1; !names.add(name); i++) {
        name = base + "_" + i;
      }
      gp.addInitializer(tensor(name, Tensor.ofValues(d, shape, values)));
      return name;
    }

    private String ints(Node n, String what, long[] v) {
      double[] d = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        d[i] = v[i];
      }
      return aux(n.name() + "/" + what, DType.INT64, new long[] {v.length}, d);
    }

    private DType elem(String tensor) {
      return dtype(g.type(tensor).elementType(), tensor);
    }

    // ---------------------------------------------------------------------------------------------- nodes

    private NodeProto.Builder onnx(Node n, String opType, List<String> inputs) {
      NodeProto.Builder b = NodeProto.newBuilder().setName(n.name()).setOpType(opType);
      b.addAllInput(inputs);
      b.addAllOutput(n.outputs());
      return b;
    }

    private void add(NodeProto.Builder b) {
      gp.addNode(b);
    }

    private void node(Node n) {
      Op op = n.op();
      List<String> in = n.inputs();
      if (op instanceof Op.Dense) {
        dense(n);
      } else if (op instanceof Op.MatMul) {
        add(onnx(n, "MatMul", in));
      } else if (op instanceof Op.Conv c) {
        add(onnx(n, "Conv", in).addAttribute(ints("kernel_shape", c.kernel())).addAttribute(ints("strides",
            c.strides())).addAttribute(ints("pads", concat(c.padsBegin(), c.padsEnd())))
            .addAttribute(ints("dilations", c.dilations())).addAttribute(integer("group", c.group())));
      } else if (op instanceof Op.Binary b) {
        add(onnx(n, b.fn().opName(), in));
      } else if (op instanceof Op.Relu) {
        add(onnx(n, "Relu", in));
      } else if (op instanceof Op.LeakyRelu l) {
        add(onnx(n, "LeakyRelu", in).addAttribute(real("alpha", l.alpha())));
      } else if (op instanceof Op.Clip c) {
        DType d = elem(n.input(0));
        String lo = aux(n.name() + "/min", d, new long[0], c.min());
        String hi = aux(n.name() + "/max", d, new long[0], c.max());
        add(onnx(n, "Clip", List.of(n.input(0), lo, hi)));
      } else if (op instanceof Op.HardSigmoid h) {
        add(onnx(n, "HardSigmoid", in).addAttribute(real("alpha", h.alpha())).addAttribute(real("beta", h.beta())));
      } else if (op instanceof Op.Selu s) {
        add(onnx(n, "Selu", in).addAttribute(real("alpha", s.alpha())).addAttribute(real("gamma", s.gamma())));
      } else if (op instanceof Op.Elu e) {
        add(onnx(n, "Elu", in).addAttribute(real("alpha", e.alpha())));
      } else if (op instanceof Op.Sigmoid) {
        add(onnx(n, "Sigmoid", in));
      } else if (op instanceof Op.Tanh) {
        add(onnx(n, "Tanh", in));
      } else if (op instanceof Op.Exp) {
        add(onnx(n, "Exp", in));
      } else if (op instanceof Op.Erf) {
        add(onnx(n, "Erf", in));
      } else if (op instanceof Op.Sqrt) {
        add(onnx(n, "Sqrt", in));
      } else if (op instanceof Op.Softmax s) {
        add(onnx(n, "Softmax", in).addAttribute(integer("axis", s.axis())));
      } else if (op instanceof Op.BatchNorm bn) {
        add(onnx(n, "BatchNormalization", in).addAttribute(real("epsilon", bn.epsilon())));
      } else if (op instanceof Op.LayerNorm ln) {
        opset = Math.max(opset, OPSET_LAYER_NORM);
        add(onnx(n, "LayerNormalization", in).addAttribute(integer("axis", ln.axis()))
            .addAttribute(real("epsilon", ln.epsilon())));
      } else if (op instanceof Op.MaxPool p) {
        add(onnx(n, "MaxPool", in).addAttribute(ints("kernel_shape", p.kernel())).addAttribute(ints("strides",
            p.strides())).addAttribute(ints("pads", concat(p.padsBegin(), p.padsEnd())))
            .addAttribute(ints("dilations", p.dilations())));
      } else if (op instanceof Op.AveragePool p) {
        add(onnx(n, "AveragePool", in).addAttribute(ints("kernel_shape", p.kernel())).addAttribute(ints("strides",
            p.strides())).addAttribute(ints("pads", concat(p.padsBegin(), p.padsEnd())))
            .addAttribute(integer("count_include_pad", p.countIncludePad() ? 1 : 0)));
      } else if (op instanceof Op.GlobalAveragePool) {
        add(onnx(n, "GlobalAveragePool", in));
      } else if (op instanceof Op.GlobalMaxPool) {
        add(onnx(n, "GlobalMaxPool", in));
      } else if (op instanceof Op.ReduceMean r) {
        add(onnx(n, "ReduceMean", in).addAttribute(ints("axes", Arrays.stream(r.axes()).asLongStream().toArray()))
            .addAttribute(integer("keepdims", r.keepDims() ? 1 : 0)));
      } else if (op instanceof Op.Reshape) {
        reshape(n);
      } else if (op instanceof Op.Transpose t) {
        add(onnx(n, "Transpose", in).addAttribute(ints("perm", Arrays.stream(t.perm()).asLongStream().toArray())));
      } else if (op instanceof Op.Concat c) {
        add(onnx(n, "Concat", in).addAttribute(integer("axis", c.axis())));
      } else if (op instanceof Op.Slice s) {
        slice(n, s);
      } else if (op instanceof Op.Pad p) {
        pad(n, p);
      } else if (op instanceof Op.Gather ga) {
        double[] idx = Arrays.stream(ga.indices()).asDoubleStream().toArray();
        String ind = aux(n.name() + "/indices", DType.INT64, ga.indicesShape(), idx);
        add(onnx(n, "Gather", List.of(n.input(0), ind)).addAttribute(integer("axis", ga.axis())));
      } else if (op instanceof Op.Identity) {
        add(onnx(n, "Identity", in));
      } else if (op instanceof Op.Cast c) {
        add(onnx(n, "Cast", in).addAttribute(integer("to", c.to().onnxCode())));
      } else if (op instanceof Op.Quant q) {
        domains.add(QONNX_DOMAIN);
        add(onnx(n, "Quant", in).setDomain(QONNX_DOMAIN).addAttribute(integer("signed", q.signed() ? 1 : 0))
            .addAttribute(integer("narrow", q.narrow() ? 1 : 0)).addAttribute(text("rounding_mode", q.rounding())));
      } else if (op instanceof Op.BipolarQuant) {
        domains.add(QONNX_DOMAIN);
        add(onnx(n, "BipolarQuant", in).setDomain(QONNX_DOMAIN));
      } else if (op instanceof Op.Trunc t) {
        domains.add(QONNX_DOMAIN);
        add(onnx(n, "Trunc", in).setDomain(QONNX_DOMAIN).addAttribute(text("rounding_mode", t.rounding()))
            .addAttribute(integer("signed", t.signed() ? 1 : 0)).addAttribute(integer("narrow", t.narrow() ? 1 : 0)));
      } else if (op instanceof Op.QuantizeLinear q) {
        quantizeLinear(n, q);
      } else if (op instanceof Op.DequantizeLinear d) {
        add(onnx(n, "DequantizeLinear", in).addAttribute(integer("axis", d.axis())));
      } else {
        throw new UnsupportedOpException(n.name(), n.source(), "op " + op.kind() + " cannot be exported to ONNX");
      }
    }

    /** Gemm for a 2-D input (B = W, C = bias), else MatMul and Add. */
    private void dense(Node n) {
      if (g.type(n.input(0)).shape().rank() == 2) {
        add(onnx(n, "Gemm", n.inputs()));
        return;
      }
      if (n.input(2) == null) {
        add(onnx(n, "MatMul", n.inputs().subList(0, 2)));
        return;
      }
      String mid = n.output() + "/matmul";
      for (int i = 1; !names.add(mid); i++) {
        mid = n.output() + "/matmul_" + i;
      }
      gp.addNode(NodeProto.newBuilder().setName(n.name() + "/matmul").setOpType("MatMul").addInput(n.input(0))
          .addInput(n.input(1)).addOutput(mid));
      gp.addNode(NodeProto.newBuilder().setName(n.name()).setOpType("Add").addInput(mid).addInput(n.input(2))
          .addAllOutput(n.outputs()));
    }

    /** Flatten when the reshape is [N, a, b, ...] → [N, a·b·...], else Reshape with a shape constant. */
    private void reshape(Node n) {
      Shape in = g.type(n.input(0)).shape();
      Shape out = g.type(n.output()).shape();
      if (in.rank() >= 2 && out.rank() == 2 && in.dim(0).equals(out.dim(0)) && in.dropFirst().isStatic()
          && !out.dim(1).isSymbolic() && out.size(1) == in.dropFirst().elementsPerSample()) {
        add(onnx(n, "Flatten", n.inputs()).addAttribute(integer("axis", 1)));
        return;
      }
      double[] shape = new double[out.rank()];
      int wildcards = 0;
      for (int a = 0; a < out.rank(); a++) {
        Dim d = out.dim(a);
        if (!d.isSymbolic()) {
          if (d.size() == 0) {
            throw new UnsupportedOpException(n.name(), n.source(), "a reshape to a shape with a 0 dimension "
                + out + " cannot be exported");
          }
          shape[a] = d.size();
        } else if (a < in.rank() && in.dim(a).equals(d)) {
          shape[a] = 0;
        } else {
          shape[a] = -1;
          wildcards++;
        }
      }
      if (wildcards > 1) {
        throw new UnsupportedOpException(n.name(), n.source(), "a reshape from " + in + " to " + out
            + " has more than one symbolic dimension that ONNX cannot infer");
      }
      String s = aux(n.name() + "/shape", DType.INT64, new long[] {shape.length}, shape);
      add(onnx(n, "Reshape", List.of(n.input(0), s)));
    }

    private void slice(Node n, Op.Slice s) {
      long[] axes = Arrays.stream(s.axes()).asLongStream().toArray();
      List<String> ins = List.of(n.input(0), ints(n, "starts", s.starts()), ints(n, "ends", s.ends()),
          ints(n, "axes", axes), ints(n, "steps", s.steps()));
      add(onnx(n, "Slice", ins));
    }

    private void pad(Node n, Op.Pad p) {
      List<String> ins = new ArrayList<>(List.of(n.input(0), ints(n, "pads", concat(p.padsBegin(), p.padsEnd()))));
      if (p.mode() == Op.PadMode.CONSTANT) {
        ins.add(aux(n.name() + "/value", elem(n.input(0)), new long[0], p.value()));
      }
      add(onnx(n, "Pad", ins).addAttribute(text("mode", p.mode().name().toLowerCase(Locale.ROOT))));
    }

    /** QuantizeLinear: the output type is the zero point's; one of type {@code to} is added when absent. */
    private void quantizeLinear(Node n, Op.QuantizeLinear q) {
      if (q.to() != DType.UINT8 && q.to() != DType.INT8) {
        throw new UnsupportedOpException(n.name(), n.source(), "QuantizeLinear to " + q.to() + " needs an opset "
            + "above " + OPSET + "; only int8 and uint8 are exported");
      }
      List<String> ins = new ArrayList<>(n.inputs());
      if (n.input(2) == null) {
        while (ins.size() > 2) {
          ins.remove(ins.size() - 1);
        }
        ins.add(aux(n.name() + "/zero_point", q.to(), new long[0], 0));
      }
      add(onnx(n, "QuantizeLinear", ins).addAttribute(integer("axis", q.axis())));
    }

    // ---------------------------------------------------------------------------------------------- attributes

    private static AttributeProto ints(String name, long[] v) {
      AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
      for (long x : v) {
        b.addInts(x);
      }
      return b.build();
    }

    private static AttributeProto integer(String name, long v) {
      return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto real(String name, double v) {
      return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF((float) v)
          .build();
    }

    private static AttributeProto text(String name, String v) {
      return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
          .setS(ByteString.copyFromUtf8(v)).build();
    }

    private static long[] concat(long[] a, long[] b) {
      long[] c = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, c, a.length, b.length);
      return c;
    }
  }
}
