package dev.tessera.passes.prune;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Finds the prunable units of a float graph: every Dense or Conv node whose output reaches exactly one Dense or Conv
 * node through unit-wise nodes only. A layer whose units reach a graph output (the last layer), feed several nodes or
 * pass a node that mixes units is listed as skipped with the reason. Read-only.
 */
public final class UnitAnalysis {

  /** The prunable layers in graph order, and the Dense/Conv nodes that are not prunable. */
  public record Result(List<PrunableLayer> layers, List<PrunableLayer.Skipped> skipped) {
    public Result {
      layers = List.copyOf(layers);
      skipped = List.copyOf(skipped);
    }

    /** The layer of a producer node, or null. */
    public PrunableLayer layer(String producer) {
      for (PrunableLayer l : layers) {
        if (l.producer().equals(producer)) {
          return l;
        }
      }
      return null;
    }
  }

  private UnitAnalysis() {}

  /** Analyses every Dense and Conv node of {@code g}. */
  public static Result analyze(Graph g) {
    List<PrunableLayer> layers = new ArrayList<>();
    List<PrunableLayer.Skipped> skipped = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (!(n.op() instanceof Op.Dense) && !(n.op() instanceof Op.Conv)) {
        continue;
      }
      Walk w = new Walk(g, n);
      String why = w.run();
      if (why == null) {
        layers.add(w.layer());
      } else {
        skipped.add(new PrunableLayer.Skipped(n.name(), why));
      }
    }
    return new Result(layers, skipped);
  }

  /** True for a float constant tensor. */
  static boolean floatConstant(Graph g, String t) {
    Tensor c = t == null ? null : g.constant(t);
    return c != null && c.type() instanceof DType d && d.isFloat();
  }

  /** One walk from a producer to its consumer. */
  private static final class Walk {
    private final Graph g;
    private final Node producer;
    private final List<PrunableLayer.Step> chain = new ArrayList<>();
    private int units;
    private int unitAxis;
    private String mask;
    private int maskAxis;
    private Node consumer;
    private boolean flatten;

    Walk(Graph g, Node producer) {
      this.g = g;
      this.producer = producer;
    }

    PrunableLayer layer() {
      return new PrunableLayer(producer.name(), units, unitAxis, chain, mask, maskAxis, consumer.name(), flatten);
    }

    /** Null when the producer is prunable, else the reason. */
    String run() {
      String why = checkProducer();
      if (why != null) {
        return why;
      }
      String t = producer.output();
      int axis = unitAxis;
      while (true) {
        if (g.outputs().contains(t)) {
          return "its units reach the graph output '" + t + "' (the last layer is never pruned)";
        }
        List<Node> readers = g.consumers(t);
        if (readers.size() != 1) {
          return "tensor '" + t + "' is read by " + readers.size() + " nodes; only a single path to the next layer is "
              + "pruned";
        }
        Node r = readers.get(0);
        if (Collections.frequency(r.inputs(), t) != 1) {
          return r.describe() + " reads '" + t + "' more than once";
        }
        int rank = g.type(t).shape().rank();
        if (r.op() instanceof Op.Dense && t.equals(r.input(0))) {
          if (axis != rank - 1) {
            return r.describe() + " reads the units on axis " + axis + ", not on its feature axis";
          }
          return finish(t, axis, r, false);
        }
        if (r.op() instanceof Op.Conv c && t.equals(r.input(0))) {
          if (axis != 1 || c.group() != 1) {
            return r.describe() + " reads the units on axis " + axis + (c.group() != 1 ? " with group " + c.group()
                : "") + "; only an ungrouped Conv reading channels is pruned through";
          }
          return finish(t, axis, r, false);
        }
        if (r.op() instanceof Op.Reshape) {
          return flattenTo(t, axis, r);
        }
        Integer next = unitWise(r, t, axis);
        if (next == null) {
          String out = outputWithoutLayer(t);
          if (out != null) {
            return "its units reach the graph output '" + out + "' through " + r.describe()
                + " (the last layer is never pruned)";
          }
          return r.describe() + " between '" + producer.name() + "' and the next layer mixes units";
        }
        chain.add(new PrunableLayer.Step(r.name(), next));
        t = r.output();
        axis = next;
      }
    }

    /** A graph output reachable from {@code t} without passing a Dense or Conv node, or null. */
    private String outputWithoutLayer(String t) {
      java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(t));
      java.util.Set<String> seen = new java.util.HashSet<>();
      while (!todo.isEmpty()) {
        String x = todo.pop();
        if (!seen.add(x)) {
          continue;
        }
        if (g.outputs().contains(x)) {
          return x;
        }
        for (Node n : g.consumers(x)) {
          if (!(n.op() instanceof Op.Dense) && !(n.op() instanceof Op.Conv)) {
            todo.addAll(n.outputs());
          }
        }
      }
      return null;
    }

    private String checkProducer() {
      Shape ys = g.type(producer.output()).shape();
      if (producer.op() instanceof Op.Dense) {
        if (!floatConstant(g, producer.input(1)) || g.constant(producer.input(1)).rank() != 2) {
          return "its weight is not a float constant matrix";
        }
        units = Math.toIntExact(g.constant(producer.input(1)).dim(1));
        unitAxis = ys.rank() - 1;
      } else {
        Op.Conv c = (Op.Conv) producer.op();
        if (c.group() != 1) {
          return "grouped convolution (group " + c.group() + ")";
        }
        if (!floatConstant(g, producer.input(1))) {
          return "its weight is not a float constant";
        }
        units = Math.toIntExact(g.constant(producer.input(1)).dim(0));
        unitAxis = 1;
      }
      if (producer.input(2) != null && !floatConstant(g, producer.input(2))) {
        return "its bias is not a float constant";
      }
      if (units < 2) {
        return "it has a single unit";
      }
      return null;
    }

    private String finish(String t, int axis, Node r, boolean flat) {
      if (!floatConstant(g, r.input(1))) {
        return r.describe() + " has no float constant weight";
      }
      if (r.input(2) != null && !floatConstant(g, r.input(2))) {
        return r.describe() + " has a bias that is not a float constant";
      }
      mask = t;
      maskAxis = axis;
      consumer = r;
      flatten = flat;
      return null;
    }

    /** A reshape of [N, d1, ..., dk] to [N, d1·...·dk] followed by a Dense reading it. */
    private String flattenTo(String t, int axis, Node reshape) {
      Shape in = g.type(t).shape();
      Shape out = g.type(reshape.output()).shape();
      Shape rest = in.dropFirst();
      if (axis < 1 || out.rank() != 2 || !in.dim(0).equals(out.dim(0)) || !rest.isStatic() || out.dim(1).isSymbolic()
          || out.size(1) != rest.elementsPerSample()) {
        return reshape.describe() + " reshapes " + in + " to " + out + ", not a flatten to [N, features]";
      }
      String f = reshape.output();
      if (g.outputs().contains(f)) {
        return "its units reach the graph output '" + f + "' (the last layer is never pruned)";
      }
      List<Node> readers = g.consumers(f);
      if (readers.size() != 1 || !(readers.get(0).op() instanceof Op.Dense) || !f.equals(readers.get(0).input(0))) {
        return "the flattened tensor '" + f + "' is not read by exactly one Dense";
      }
      chain.add(new PrunableLayer.Step(reshape.name(), 1));
      return finish(t, axis, readers.get(0), true);
    }

    /** The unit axis of r's output when r keeps units apart (null when it mixes them). */
    private Integer unitWise(Node r, String t, int axis) {
      Op op = r.op();
      if (!t.equals(r.input(0))) {
        return binaryConstantFirst(r, t, axis);
      }
      if (op instanceof Op.Relu || op instanceof Op.LeakyRelu || op instanceof Op.Clip || op instanceof Op.HardSigmoid
          || op instanceof Op.Selu || op instanceof Op.Elu || op instanceof Op.Sigmoid || op instanceof Op.Tanh
          || op instanceof Op.Exp || op instanceof Op.Erf || op instanceof Op.Sqrt || op instanceof Op.Identity) {
        return axis;
      }
      if (op instanceof Op.Cast c) {
        return c.to().isFloat() ? axis : null;
      }
      if (op instanceof Op.BatchNorm) {
        for (int i = 1; i <= 4; i++) {
          if (!floatConstant(g, r.input(i))) {
            return null;
          }
        }
        return axis == 1 ? axis : null;
      }
      if (op instanceof Op.MaxPool || op instanceof Op.AveragePool || op instanceof Op.GlobalAveragePool
          || op instanceof Op.GlobalMaxPool) {
        return axis == 1 ? axis : null;
      }
      if (op instanceof Op.Pad p) {
        return p.padsBegin()[axis] == 0 && p.padsEnd()[axis] == 0 ? axis : null;
      }
      if (op instanceof Op.Transpose tr) {
        for (int i = 0; i < tr.perm().length; i++) {
          if (tr.perm()[i] == axis) {
            return i;
          }
        }
        return null;
      }
      if (op instanceof Op.Binary) {
        return binaryConstant(r, r.input(1), t, axis);
      }
      return null;
    }

    private Integer binaryConstantFirst(Node r, String t, int axis) {
      if (r.op() instanceof Op.Binary b && t.equals(r.input(1))
          && (b.fn() == Op.BinaryKind.ADD || b.fn() == Op.BinaryKind.MUL || b.fn() == Op.BinaryKind.SUB)) {
        return binaryConstant(r, r.input(0), t, axis);
      }
      return null;
    }

    /** A binary op with a constant that is a scalar or varies only along the unit axis, keeping t's shape. */
    private Integer binaryConstant(Node r, String c, String t, int axis) {
      if (!floatConstant(g, c) || !g.type(r.output()).shape().equals(g.type(t).shape())) {
        return null;
      }
      return Tensors.unitAxisOf(g.constant(c), g.type(t).shape().rank(), axis, units) == Tensors.BAD ? null : axis;
    }
  }
}
