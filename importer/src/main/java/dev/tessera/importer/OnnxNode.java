package dev.tessera.importer;

import dev.tessera.importer.proto.Onnx.NodeProto;
import dev.tessera.ir.diag.UnsupportedOpException;

/**
 * One ONNX node being converted: its unique IR name, op type, domain, the opset version of that domain, its
 * attributes and access to its input values. Every diagnostic about the node starts with {@link #describe()}.
 */
public final class OnnxNode {
  private final NodeProto proto;
  private final String name;
  private final String domain;
  private final long opset;
  private final ImportContext ctx;
  private final Attrs attrs;

  OnnxNode(NodeProto proto, String name, String domain, long opset, ImportContext ctx) {
    this.proto = proto;
    this.name = name;
    this.domain = domain;
    this.opset = opset;
    this.ctx = ctx;
    this.attrs = new Attrs(this, proto);
  }

  /** The unique IR node name (the ONNX name, or {@code <op>_<index>} when the model has none). */
  public String name() {
    return name;
  }

  public String opType() {
    return proto.getOpType();
  }

  /** The domain, "" for the default ONNX domain. */
  public String domain() {
    return domain;
  }

  /** The version of this node's domain that the model imports (0 when the model does not import it). */
  public long opset() {
    return opset;
  }

  /** {@code Gemm}, or {@code qonnx.custom_op.general:Quant} for custom domains; the IR node's source. */
  public String source() {
    return domain.isEmpty() ? opType() : domain + ":" + opType();
  }

  /** {@code node 'name' (Op)}. */
  public String describe() {
    return "node '" + name + "' (" + source() + ")";
  }

  public Attrs attrs() {
    return attrs;
  }

  /** Number of input slots, omitted optional inputs included. */
  public int inputCount() {
    return proto.getInputCount();
  }

  public boolean hasInput(int i) {
    return i < proto.getInputCount() && !proto.getInput(i).isEmpty();
  }

  /** ONNX name of input i, or null when absent. */
  public String inputName(int i) {
    return hasInput(i) ? proto.getInput(i) : null;
  }

  /** Value of a required input. */
  public Value in(int i) {
    if (!hasInput(i)) {
      throw unsupported("required input " + i + " is missing");
    }
    return ctx.value(proto.getInput(i));
  }

  /** Value of an optional input, or null. */
  public Value optIn(int i) {
    return hasInput(i) ? ctx.value(proto.getInput(i)) : null;
  }

  public int outputCount() {
    return proto.getOutputCount();
  }

  /** ONNX name of output i, or null when absent or omitted. */
  public String outputName(int i) {
    return i < proto.getOutputCount() && !proto.getOutput(i).isEmpty() ? proto.getOutput(i) : null;
  }

  /** True when output i exists and some node or the graph output list reads it. */
  public boolean outputUsed(int i) {
    String o = outputName(i);
    return o != null && ctx.isRead(o);
  }

  /** Refuses every output from {@code first} on that something reads. */
  public void refuseUsedOutputs(int first, String what) {
    for (int k = first; k < outputCount(); k++) {
      if (outputUsed(k)) {
        throw unsupported("output " + k + " ('" + outputName(k) + "', " + what + ") is used, which is not supported");
      }
    }
  }

  /** The typed error for this node: names node, op type, domain and opset. */
  public UnsupportedOpException unsupported(String detail) {
    return new UnsupportedOpException(name, source(), detail + " [op " + opType() + ", domain "
        + (domain.isEmpty() ? "ai.onnx" : domain) + ", opset " + (opset == 0 ? "not imported" : opset) + "]");
  }

  /** A name for an auxiliary IR node or tensor that one ONNX node lowers into. */
  public String aux(String suffix) {
    return name + "/" + suffix;
  }

  NodeProto proto() {
    return proto;
  }
}
