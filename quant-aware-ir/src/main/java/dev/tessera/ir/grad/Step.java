package dev.tessera.ir.grad;

import dev.tessera.ir.Node;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.interp.NdArray;

/**
 * One node's backward step: its input values, its output value, the gradient of the loss with respect to that
 * output, and which input gradients are wanted.
 *
 * @param node the node
 * @param in input values in the node's input order (null for an omitted optional input)
 * @param out the output value
 * @param gOut dL/d(out), same shape as {@code out}
 * @param need {@code need[i]}: compute dL/d(in[i])
 */
record Step(Node node, NdArray[] in, NdArray out, NdArray gOut, boolean[] need) {

  /** True when the gradient of input {@code i} is wanted and the input is present. */
  boolean wants(int i) {
    return i < need.length && need[i] && in[i] != null;
  }

  /** An array of input gradients, all absent. */
  NdArray[] none() {
    return new NdArray[in.length];
  }

  double[] g() {
    return gOut.data();
  }

  UnsupportedOpException unsupported(String reason) {
    return new UnsupportedOpException(node.name(), node.source(), reason);
  }
}
