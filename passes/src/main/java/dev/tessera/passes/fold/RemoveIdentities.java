package dev.tessera.passes.fold;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.GraphEdit;
import dev.tessera.passes.Pass;
import dev.tessera.passes.PassContext;

/**
 * Removes nodes that pass their input through unchanged: Identity (and the Dropout the importer maps to it), a Cast
 * to the element type the input already has (an identity in ONNX, whose float tensors already hold float32 values),
 * a Reshape to the input's own shape and a Transpose by the identity permutation. Preserves every value and the names of the graph's inputs and outputs; a node that copies a graph
 * input straight to a graph output stays, since removing it would merge two interface names.
 */
public final class RemoveIdentities implements Pass {

  @Override
  public Graph run(Graph in, PassContext ctx) {
    Graph.Builder b = in.toBuilder();
    boolean changed = false;
    for (int i = 0; i < b.nodes().size();) {
      Node n = b.nodes().get(i);
      String x = n.input(0);
      if (x != null && isIdentity(n, b.types().get(x), b.types().get(n.output())) && GraphEdit.bypass(b, n, x)) {
        changed = true;
      } else {
        i++;
      }
    }
    if (!changed) {
      return in;
    }
    GraphEdit.prune(b);
    return b.build();
  }

  /** Whether the node's output equals its input element for element, with the same type. */
  static boolean isIdentity(Node n, TensorType x, TensorType y) {
    if (!x.equals(y) || n.outputs().size() != 1) {
      return false;
    }
    Op op = n.op();
    if (op instanceof Op.Identity || op instanceof Op.Reshape) {
      return true;
    }
    if (op instanceof Op.Cast c) {
      return c.to().equals(x.elementType());
    }
    if (op instanceof Op.Transpose t) {
      for (int i = 0; i < t.perm().length; i++) {
        if (t.perm()[i] != i) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
