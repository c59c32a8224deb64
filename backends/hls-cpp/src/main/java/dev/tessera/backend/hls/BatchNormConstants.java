package dev.tessera.backend.hls;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.op.Op;

/**
 * The per-channel scale {@code s = gamma / sqrt(var + eps)} and shift {@code t = beta - mean s} of an unfolded
 * BatchNormalization, computed in double from the (quantized) constants and quantized to the types of the scale and
 * bias inputs, exactly as the fixed-point interpreter does (docs/fixed-point.md, BatchNorm).
 */
record BatchNormConstants(FixedType scaleType, long[] scale, FixedType shiftType, long[] shift) {

  static BatchNormConstants of(Graph g, Node n, Op.BatchNorm bn) {
    Tensor gamma = LayerEmitter.constant(g, n, 1, "scale");
    Tensor beta = LayerEmitter.constant(g, n, 2, "bias");
    Tensor mean = LayerEmitter.constant(g, n, 3, "mean");
    Tensor var = LayerEmitter.constant(g, n, 4, "variance");
    int c = gamma.size();
    if (beta.size() != c || mean.size() != c || var.size() != c) {
      throw new NodeException(n.name(), n.source(), "scale, bias, mean and variance must have the same length, got "
          + c + ", " + beta.size() + ", " + mean.size() + ", " + var.size());
    }
    FixedType ts = (FixedType) gamma.type();
    FixedType tt = (FixedType) beta.type();
    long[] s = new long[c];
    long[] t = new long[c];
    for (int i = 0; i < c; i++) {
      double sd = gamma.value(i) / Math.sqrt(var.value(i) + bn.epsilon());
      double td = beta.value(i) - mean.value(i) * sd;
      s[i] = ts.fromDouble(sd).longValueExact();
      t[i] = tt.fromDouble(td).longValueExact();
    }
    return new BatchNormConstants(ts, s, tt, t);
  }
}
