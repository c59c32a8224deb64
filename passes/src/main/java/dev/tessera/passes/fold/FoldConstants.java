package dev.tessera.passes.fold;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.GraphEdit;
import dev.tessera.passes.Pass;
import dev.tessera.passes.PassContext;
import java.util.Map;

/**
 * Replaces every node whose inputs are all constants by the constant it computes, evaluated with the
 * {@link FloatInterpreter} (so a QONNX Quant of a weight becomes the quantized weight). Preserves every value of the
 * float graph and the graph's interface; nodes that produce a graph output and nodes on fixed-point constants are
 * left in place.
 */
public final class FoldConstants implements Pass {

  @Override
  public Graph run(Graph in, PassContext ctx) {
    Graph.Builder b = in.toBuilder();
    boolean changed = false;
    for (Node n : in.nodes()) {
      if (!foldable(n, b, in)) {
        continue;
      }
      Graph.Builder mini = Graph.builder(n.name());
      for (String x : n.inputs()) {
        if (!x.isEmpty()) {
          mini.constant(x, b.constants().get(x));
        }
      }
      mini.node(n, in.type(n.output())).output(n.output());
      NdArray v;
      try {
        v = new FloatInterpreter(mini.build()).run(Map.of()).get(n.output());
      } catch (TesseraException | IllegalArgumentException e) {
        ctx.warn(n.describe() + ": constant inputs, but it cannot be evaluated ahead of time (" + e.getMessage()
            + "); it stays");
        continue;
      }
      b.nodes().remove(n);
      b.constant(n.output(), Tensor.ofValues((DType) in.type(n.output()).elementType(), v.shape(), v.data()));
      changed = true;
    }
    if (!changed) {
      return in;
    }
    GraphEdit.prune(b);
    return b.build();
  }

  private static boolean foldable(Node n, Graph.Builder b, Graph in) {
    if (n.outputs().size() != 1 || in.outputs().contains(n.output())
        || !(in.type(n.output()).elementType() instanceof DType)) {
      return false;
    }
    boolean any = false;
    for (String x : n.inputs()) {
      if (x.isEmpty()) {
        continue;
      }
      Tensor c = b.constants().get(x);
      if (c == null || c.isFixed()) {
        return false;
      }
      any = true;
    }
    return any;
  }
}
