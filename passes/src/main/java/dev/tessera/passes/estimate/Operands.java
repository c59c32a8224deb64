package dev.tessera.passes.estimate;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.NodeException;

/** Reads the fixed-point types, raw constants and per-sample sizes of a node's tensors. */
final class Operands {

  private final Graph g;
  private final FixedType assume;

  Operands(Graph g, FixedType assume) {
    this.g = g;
    this.assume = assume;
  }

  Graph graph() {
    return g;
  }

  /** The fixed-point type of a tensor (or the assumed type of a float one). */
  FixedType type(Node n, String tensor) {
    if (g.type(tensor).elementType() instanceof FixedType f) {
      return f;
    }
    if (assume != null) {
      return assume;
    }
    throw new NodeException(n.name(), n.source(), "tensor '" + tensor + "' is " + g.type(tensor).elementType()
        + ", not fixed-point; apply a precision first or set EstimateOptions.assumeType");
  }

  int width(Node n, String tensor) {
    return type(n, tensor).width();
  }

  /** Raw integers of a constant in its own fixed-point type (or quantized to the assumed type). */
  long[] raw(Node n, String tensor) {
    Tensor t = g.constant(tensor);
    if (t == null) {
      throw new NodeException(n.name(), n.source(), "input '" + tensor + "' must be a constant");
    }
    if (t.isFixed()) {
      return t.raw();
    }
    FixedType f = type(n, tensor);
    double[] v = t.values();
    long[] raw = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      raw[i] = f.fromDouble(v[i]).longValue();
    }
    return raw;
  }

  /** Raw integer of a scalar parameter quantized to {@code type} (or the assumed type, or fixed<18,4>). */
  long param(double value, FixedType type) {
    FixedType t = type != null ? type : assume != null ? assume : FixedType.signed(18, 4);
    return t.fromDouble(value).longValue();
  }

  /** Elements per sample of a tensor (symbolic axes count as 1). */
  long elements(String tensor) {
    return g.type(tensor).shape().elementsPerSample();
  }

  /** Elements of a tensor per spatial position: the channels of an [N, C, spatial...] tensor, else all. */
  long parallel(String tensor) {
    return elements(tensor) / positions(tensor);
  }

  /** Spatial positions of an [N, C, spatial...] tensor (1 for rank 2 or less), streamed one after the other. */
  long positions(String tensor) {
    long[] s = g.type(tensor).shape().sizes(1);
    long p = 1;
    for (int a = 2; a < s.length; a++) {
      p *= s[a];
    }
    return p;
  }

  boolean isConstant(String tensor) {
    return tensor != null && g.isConstant(tensor);
  }
}
