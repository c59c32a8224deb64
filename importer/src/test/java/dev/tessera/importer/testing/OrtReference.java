package dev.tessera.importer.testing;

import dev.tessera.importer.proto.Onnx.AttributeProto;
import dev.tessera.importer.proto.Onnx.GraphProto;
import dev.tessera.importer.proto.Onnx.ModelProto;
import dev.tessera.importer.proto.Onnx.NodeProto;
import dev.tessera.importer.proto.Onnx.OperatorSetIdProto;
import dev.tessera.importer.proto.Onnx.TensorProto;
import dev.tessera.importer.proto.Onnx.TensorShapeProto;
import dev.tessera.importer.proto.Onnx.ValueInfoProto;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a model into one ONNX Runtime can run as a reference: the batch axis of inputs and outputs becomes
 * symbolic, value_info is dropped, and the QONNX ops are replaced by their documented formulas in standard ONNX
 * (Quant with ROUND/FLOOR/CEIL = Div, Add, Clip, Round, Sub, Mul with clamping before rounding; BipolarQuant =
 * Where(x &lt; 0, -1, 1)·scale; channels-last Conv/MaxPool/BatchNormalization = Transpose, op, Transpose). Models
 * using other custom ops get null.
 */
public final class OrtReference {
  private static final Set<String> QONNX = Set.of("qonnx.custom_op.general", "finn.custom_op.general",
      "onnx.brevitas");
  private static final String CHANNELS_LAST = "qonnx.custom_op.channels_last";

  private final Map<String, TensorProto> inits = new HashMap<>();
  private final List<NodeProto> nodes = new ArrayList<>();
  private final List<TensorProto> extraInits = new ArrayList<>();
  private int counter;

  private OrtReference() {}

  /** The rewritten model bytes, or null when a custom op has no standard formula here. */
  public static byte[] rewrite(ModelProto m, boolean symbolicBatch) {
    return rewrite(m, symbolicBatch, 0);
  }

  /**
   * As {@link #rewrite(ModelProto, boolean)}, importing at least {@code minOpset} of the default domain (for models
   * whose exporter used an op form that their declared opset does not allow yet, e.g. Equal on floats at opset 10).
   * Opset-6 models are raised to 7 by dropping the legacy attributes whose meaning opset 7 keeps.
   */
  public static byte[] rewrite(ModelProto m, boolean symbolicBatch, long minOpset) {
    return new OrtReference().run(m, symbolicBatch, minOpset);
  }

  /** True when the model uses any op outside the default domain. */
  public static boolean usesCustomOps(ModelProto m) {
    return m.getGraph().getNodeList().stream().anyMatch(n -> !n.getDomain().isEmpty()
        && !n.getDomain().equals("ai.onnx"));
  }

  private byte[] run(ModelProto m, boolean symbolicBatch, long minOpset) {
    GraphProto g = m.getGraph();
    long opset = m.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty()
        || o.getDomain().equals("ai.onnx")).mapToLong(OperatorSetIdProto::getVersion).max().orElse(0);
    for (TensorProto t : g.getInitializerList()) {
      inits.put(t.getName(), t);
    }
    for (NodeProto n : g.getNodeList()) {
      String d = n.getDomain();
      if (d.isEmpty() || d.equals("ai.onnx")) {
        if (opset < 7) {
          NodeProto up = upgradeFromOpset6(n);
          if (up == null) {
            return null;
          }
          nodes.add(up);
        } else if (n.getOpType().equals("BatchNormalization") && afterTranspose2d(g, n.getInput(0))) {
          featuresFirstBatchNorm(n);
        } else {
          nodes.add(n);
        }
      } else if (QONNX.contains(d) && (n.getOpType().equals("Quant") || n.getOpType().equals("IntQuant"))) {
        if (!quant(n)) {
          return null;
        }
      } else if (QONNX.contains(d) && n.getOpType().equals("BipolarQuant")) {
        bipolar(n);
      } else if (d.equals(CHANNELS_LAST) && Set.of("Conv", "MaxPool", "BatchNormalization")
          .contains(n.getOpType())) {
        channelsLast(n, g);
      } else {
        return null;
      }
    }
    GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(nodes).clearValueInfo().addAllInitializer(
        extraInits);
    if (symbolicBatch) {
      for (int i = 0; i < gb.getInputCount(); i++) {
        if (!inits.containsKey(gb.getInput(i).getName())) {
          gb.setInput(i, batchSymbolic(gb.getInput(i)));
        }
      }
      for (int i = 0; i < gb.getOutputCount(); i++) {
        gb.setOutput(i, batchSymbolic(gb.getOutput(i)));
      }
    }
    ModelProto.Builder mb = m.toBuilder().setGraph(gb);
    long target = Math.max(opset, Math.max(minOpset, usesCustomOps(m) ? 11 : 7));
    mb.clearOpsetImport();
    for (OperatorSetIdProto o : m.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        mb.addOpsetImport(o.toBuilder().setVersion(target));
      } else if (!usesCustomOps(m)) {
        mb.addOpsetImport(o);
      }
    }
    return mb.build().toByteArray();
  }

  /** True when the tensor is written by a rank-2 Transpose (no perm, or perm [1, 0]). */
  private static boolean afterTranspose2d(GraphProto g, String tensor) {
    for (NodeProto p : g.getNodeList()) {
      if (p.getOutputList().contains(tensor) && p.getOpType().equals("Transpose")) {
        for (AttributeProto a : p.getAttributeList()) {
          if (a.getName().equals("perm")) {
            return a.getIntsList().equals(List.of(1L, 0L));
          }
        }
        return true;
      }
    }
    return false;
  }

  /**
   * The Keras 2-D BatchNormalization on a features-first {@code [C, N]} tensor, which ONNX Runtime rejects, spelled
   * as ONNX Runtime accepts it: transpose back to {@code [N, C]}, normalize, transpose to {@code [C, N]} again.
   */
  private void featuresFirstBatchNorm(NodeProto n) {
    String rows = n.getOutput(0) + "__ref_rows";
    String normed = n.getOutput(0) + "__ref_normed";
    nodes.add(NodeProto.newBuilder().setOpType("Transpose").setName(n.getName() + "__ref_t0")
        .addInput(n.getInput(0)).addOutput(rows).build());
    nodes.add(n.toBuilder().setInput(0, rows).setOutput(0, normed).build());
    nodes.add(NodeProto.newBuilder().setOpType("Transpose").setName(n.getName() + "__ref_t1")
        .addInput(normed).addOutput(n.getOutput(0)).build());
  }

  /** Opset 6 → 7: Gemm loses 'broadcast' (numpy broadcasting of C agrees), BatchNormalization and Dropout 'is_test'. */
  private static NodeProto upgradeFromOpset6(NodeProto n) {
    NodeProto.Builder b = n.toBuilder().clearAttribute();
    for (AttributeProto a : n.getAttributeList()) {
      String name = a.getName();
      if (name.equals("consumed_inputs") || (name.equals("is_test") && a.getI() == 1)
          || (name.equals("broadcast") && n.getOpType().equals("Gemm"))) {
        continue;
      }
      if (name.equals("broadcast") || name.equals("is_test")) {
        return null;
      }
      b.addAttribute(a);
    }
    return b.build();
  }

  private static ValueInfoProto batchSymbolic(ValueInfoProto v) {
    if (!v.getType().hasTensorType() || v.getType().getTensorType().getShape().getDimCount() < 2) {
      return v;
    }
    ValueInfoProto.Builder b = v.toBuilder();
    b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0,
        TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
    return b.build();
  }

  private String fresh(String base) {
    return base + "__ref" + counter++;
  }

  private String node(String op, List<String> in, List<AttributeProto> attrs) {
    String out = fresh(op);
    nodes.add(NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(in).addOutput(out)
        .addAllAttribute(attrs).build());
    return out;
  }

  private String constant(float v) {
    String name = fresh("c");
    extraInits.add(OnnxBuilder.floats(name, new long[0], v));
    return name;
  }

  private static double scalar(TensorProto t) {
    return dev.tessera.importer.TensorDecoder.decode(t, t.getName()).value(0);
  }

  private static String attrS(NodeProto n, String name, String dflt) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getS().toString(StandardCharsets.UTF_8);
      }
    }
    return dflt;
  }

  private static long attrI(NodeProto n, String name, long dflt) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getI();
      }
    }
    return dflt;
  }

  /** y = (round(clip(x / s + z, lo, hi)) - z) · s. */
  private boolean quant(NodeProto n) {
    TensorProto bw = inits.get(n.getInput(3));
    if (bw == null) {
      return false;
    }
    int bits = (int) scalar(bw);
    boolean signed = attrI(n, "signed", 1) != 0;
    boolean narrow = attrI(n, "narrow", 0) != 0;
    String mode = attrS(n, "rounding_mode", "ROUND").toUpperCase(java.util.Locale.ROOT);
    String roundOp = switch (mode) {
      case "ROUND", "HALF_EVEN" -> "Round";
      case "FLOOR" -> "Floor";
      case "CEIL" -> "Ceil";
      default -> null;
    };
    if (roundOp == null || (bits == 1 && signed)) {
      return false;
    }
    double lo = signed ? (narrow ? -Math.pow(2, bits - 1) + 1 : -Math.pow(2, bits - 1)) : 0;
    double hi = signed ? Math.pow(2, bits - 1) - 1 : (narrow ? Math.pow(2, bits) - 2 : Math.pow(2, bits) - 1);
    String x = n.getInput(0);
    String s = asFloat(n.getInput(1));
    String z = asFloat(n.getInput(2));
    String t = node("Div", List.of(x, s), List.of());
    t = node("Add", List.of(t, z), List.of());
    t = node("Clip", List.of(t, constant((float) lo), constant((float) hi)), List.of());
    t = node(roundOp, List.of(t), List.of());
    t = node("Sub", List.of(t, z), List.of());
    nodes.add(NodeProto.newBuilder().setOpType("Mul").setName(fresh("Mul")).addInput(t).addInput(s)
        .addOutput(n.getOutput(0)).build());
    return true;
  }

  /** The tensor as float: non-float initializers (double scales, int64 zero points) get a Cast. */
  private String asFloat(String name) {
    TensorProto t = inits.get(name);
    if (t == null || t.getDataType() == OnnxBuilder.FLOAT) {
      return name;
    }
    AttributeProto to = AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
        .setI(OnnxBuilder.FLOAT).build();
    return node("Cast", List.of(name), List.of(to));
  }

  private void bipolar(NodeProto n) {
    String neg = node("Less", List.of(n.getInput(0), constant(0f)), List.of());
    String sign = node("Where", List.of(neg, constant(-1f), constant(1f)), List.of());
    nodes.add(NodeProto.newBuilder().setOpType("Mul").setName(fresh("Mul")).addInput(sign)
        .addInput(asFloat(n.getInput(1))).addOutput(n.getOutput(0)).build());
  }

  private void channelsLast(NodeProto n, GraphProto g) {
    int rank = 4;
    for (ValueInfoProto v : g.getValueInfoList()) {
      if (v.getName().equals(n.getOutput(0))) {
        rank = v.getType().getTensorType().getShape().getDimCount();
      }
    }
    long[] toFirst = new long[rank];
    long[] toLast = new long[rank];
    toFirst[0] = 0;
    toFirst[1] = rank - 1;
    for (int i = 2; i < rank; i++) {
      toFirst[i] = i - 1;
    }
    toLast[0] = 0;
    for (int i = 1; i < rank - 1; i++) {
      toLast[i] = i + 1;
    }
    toLast[rank - 1] = 1;
    AttributeProto.Builder pf = AttributeProto.newBuilder().setName("perm").setType(
        AttributeProto.AttributeType.INTS);
    for (long p : toFirst) {
      pf.addInts(p);
    }
    NodeProto.Builder inner = n.toBuilder().setDomain("").clearInput().clearOutput().setName(fresh(n.getOpType()));
    for (int i = 0; i < n.getInputCount(); i++) {
      boolean transpose = i == 0 || (i == 1 && n.getOpType().equals("Conv"));
      inner.addInput(transpose ? node("Transpose", List.of(n.getInput(i)), List.of(pf.build())) : n.getInput(i));
    }
    String mid = fresh("channels_first");
    inner.addOutput(mid);
    nodes.add(inner.build());
    AttributeProto.Builder pl = AttributeProto.newBuilder().setName("perm").setType(
        AttributeProto.AttributeType.INTS);
    for (long p : toLast) {
      pl.addInts(p);
    }
    nodes.add(NodeProto.newBuilder().setOpType("Transpose").setName(fresh("Transpose")).addInput(mid)
        .addOutput(n.getOutput(0)).addAttribute(pl).build());
  }
}
