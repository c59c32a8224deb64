package dev.tessera.passes.quant;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.GraphEdit;
import dev.tessera.passes.Pass;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.config.ConfigException;
import dev.tessera.passes.config.LayerConfig;
import dev.tessera.passes.config.PrecisionConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Gives every tensor of a float graph a fixed-point type from a {@link PrecisionConfig}: graph inputs, node results,
 * op attributes (accumulators, parameter types, lookup tables) and constants, which become raw integers of their
 * {@code weight}, {@code bias} or parameter type; a QONNX Quant with a power-of-two scale becomes an Identity whose
 * result has the Quant's exact type, and an unfolded BatchNormalization becomes a scale and shift. Preserves the graph
 * structure, node names and the interface; the values change only by the quantization the config asks for
 * (docs/fixed-point.md), and the default accumulators are wide enough that Dense and Conv sums never overflow.
 */
public final class ApplyPrecision implements Pass {
  private final PrecisionConfig config;

  public ApplyPrecision(PrecisionConfig config) {
    this.config = config;
  }

  @Override
  public Graph run(Graph in, PassContext ctx) {
    validate(in);
    Graph.Builder b = Graph.builder(in.name());
    in.metadata().forEach(b::metadata);
    Map<String, FixedType> types = new HashMap<>();
    for (String x : in.inputs()) {
      FixedType t = config.inputType(x);
      types.put(x, t);
      b.input(x, in.type(x).withElementType(t));
    }
    ConstantQuantizer constants = new ConstantQuantizer(in, b, ctx);
    NodeQuantizer nodes = new NodeQuantizer(in, config, constants, types, ctx);
    for (Node n : in.nodes()) {
      LayerConfig lc = config.layer(n.name());
      NodeQuantizer.Rewritten r = nodes.rewrite(n, lc);
      for (int k = 0; k < n.outputs().size(); k++) {
        String o = n.outputs().get(k);
        types.put(o, r.result());
        b.type(o, in.type(o).withElementType(r.result()));
      }
      b.node(r.node());
      if (n.op() instanceof Op.Dense || n.op() instanceof Op.Conv || n.op() instanceof Op.MatMul
          || lc.reuseFactor() != null || lc.strategy() != null) {
        b.metadata("hls.reuse_factor." + n.name(), String.valueOf(lc.reuse().orElse(1)));
        b.metadata("hls.strategy." + n.name(), lc.strategyValue().map(s -> s.display()).orElse("Latency"));
      }
      config.layerOverride(n.name()).ifPresent(own -> NodeQuantizer.warnUnused(n, own, ctx));
    }
    for (String o : in.outputs()) {
      if (in.isConstant(o)) {
        o = constants.quantize(o, config.model().resultType().orElse(config.defaultType()),
            "graph output '" + o + "'", "result");
      }
      b.output(o);
    }
    GraphEdit.prune(b);
    return b.build();
  }

  /** Every configured layer must be a node and every configured input a graph input. */
  private void validate(Graph g) {
    TreeSet<String> names = new TreeSet<>();
    for (Node n : g.nodes()) {
      names.add(n.name());
    }
    List<String> errors = new ArrayList<>();
    for (String l : config.layers().keySet()) {
      if (!names.contains(l)) {
        errors.add("LayerName: unknown layer '" + l + "'; valid layers: " + String.join(", ", names));
      }
    }
    for (String i : config.inputs().keySet()) {
      if (!g.inputs().contains(i)) {
        errors.add("InputPrecision: unknown input '" + i + "'; valid inputs: " + String.join(", ", g.inputs()));
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors.size() == 1 ? errors.get(0)
          : errors.get(0) + " (and " + (errors.size() - 1) + " more: " + String.join("; ",
              errors.subList(1, errors.size())) + ")");
    }
  }

  @Override
  public String name() {
    return "ApplyPrecision";
  }
}
