package dev.tessera.sim.rtl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.backend.verilog.RtlProject;
import dev.tessera.backend.verilog.VerilogBackend;
import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.estimate.Estimate;
import dev.tessera.passes.estimate.EstimateOptions;
import dev.tessera.passes.estimate.ResourceEstimator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shift-add estimate's latency of the I-BERT integer ops (IExp, IGelu, ISoftmax, ILayerNorm) equals the latency
 * of the layer the Verilog backend generates for them, node by node, for rows of 3, 8 and 20 values (one or two
 * rows, so one or more spatial positions), k 8 and 16 and Fo 8 and 16. Generation only: no simulator, no synthesis.
 */
class EstimatedIntegerLatencyTest {

  private static final Set<String> KINDS = Set.of("IExp", "IGelu", "ISoftmax", "ILayerNorm");
  private static final long[][] SHAPES = {{3}, {8}, {20}, {2, 3}};

  @TempDir
  Path tmp;

  private static FixedType t(String s) {
    return FixedType.parse(s);
  }

  @Test
  void integerOpLatenciesMatchTheGeneratedLayers() throws Exception {
    List<String> compared = new ArrayList<>();
    int seed = 70;
    for (long[] shape : SHAPES) {
      for (int bits : new int[] {8, 16}) {
        String tag = shape.length + "_" + shape[shape.length - 1] + "_" + bits;
        Graph e = new RtlGraphs("lat_iexp_" + tag, t("fixed<10,4>"), seed++, shape)
            .unary(new Op.IExp(bits), t("ufixed<12,1,RND,SAT>"))
            .build();
        Graph g = new RtlGraphs("lat_igelu_" + tag, t("fixed<10,3>"), seed++, shape)
            .unary(new Op.IGelu(bits), t("fixed<16,4,RND_CONV,SAT>"))
            .build();
        Graph s = new RtlGraphs("lat_isoftmax_" + tag, t("fixed<8,3>"), seed++, shape)
            .unary(new Op.ISoftmax(-1, 12, bits), t("ufixed<" + (bits + 1) + ",1>"))
            .build();
        Graph l = new RtlGraphs("lat_iln_" + tag, t("fixed<10,4>"), seed++, shape)
            .unary(new Op.ILayerNorm(-1, 1e-5, bits), t("fixed<16,5,RND,SAT>"))
            .build();
        for (Graph graph : List.of(e, g, s, l)) {
          compared.add(compare(graph));
        }
      }
    }
    assertEquals(4 * SHAPES.length * 2, compared.size());
    System.out.println("EstimatedIntegerLatencyTest: " + String.join(", ", compared));
  }

  /** Generates {@code g} and checks each integer layer's latency against its estimate row; returns a summary. */
  private String compare(Graph g) throws Exception {
    VerilogBackend.Result w = new VerilogBackend().write(g, VerilogOptions.defaults(), tmp.resolve(g.name()));
    Estimate est = ResourceEstimator.estimate(g, EstimateOptions.shiftAdd());
    int checked = 0;
    StringBuilder sb = new StringBuilder(g.name());
    for (RtlProject.Layer layer : w.project().layers()) {
      if (!KINDS.contains(layer.kind())) {
        continue;
      }
      long estimated = est.row(layer.node()).latency();
      assertEquals(layer.latency(), estimated, g.name() + " " + layer.kind() + " '" + layer.node()
          + "': estimated latency " + estimated + ", generated layer " + layer.latency());
      sb.append(' ').append(layer.latency());
      checked++;
    }
    assertEquals(1, checked, g.name() + " has one integer layer: " + w.project().layers());
    return sb.toString();
  }
}
