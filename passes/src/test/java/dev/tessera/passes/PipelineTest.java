package dev.tessera.passes;

import static dev.tessera.passes.FloatGraphs.f;
import static dev.tessera.passes.FloatGraphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.diag.GraphInvariantException;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.config.PrecisionConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineTest {

  private static Graph relu() {
    return Graph.builder("g").input("x", f(Shape.batched(2)))
        .node(node("relu", new Op.Relu(), List.of("x"), "y"), f(Shape.batched(2))).output("y").build();
  }

  /** Drops every node: the graph output is then undefined. */
  private static final class Broken implements Pass {
    @Override
    public Graph run(Graph in, PassContext ctx) {
      Graph.Builder b = in.toBuilder();
      b.nodes().clear();
      return b.build();
    }
  }

  @Test
  void runsPassesInOrderAndReportsProgress() {
    List<String> seen = new ArrayList<>();
    Pass a = new Pass() {
      @Override
      public Graph run(Graph in, PassContext ctx) {
        return in.toBuilder().name(in.name() + "-a").build();
      }

      @Override
      public String name() {
        return "A";
      }
    };
    Pass b = new Pass() {
      @Override
      public Graph run(Graph in, PassContext ctx) {
        return in.toBuilder().name(in.name() + "-b").build();
      }

      @Override
      public String name() {
        return "B";
      }
    };
    Graph out = Pipeline.of(a, b).run(relu(), PassContext.create().withProgress(seen::add));
    assertEquals("g-a-b", out.name());
    assertEquals(List.of("A", "B"), seen);
  }

  @Test
  void verificationAfterEachPassNamesTheCulprit() {
    Pipeline p = Pipeline.of(new Broken());
    assertEquals(0, p.run(relu(), PassContext.create()).nodes().size()); // unverified: passes through
    GraphInvariantException e = assertThrows(GraphInvariantException.class,
        () -> p.withVerifyEach(true).run(relu(), PassContext.create()));
    assertEquals("after pass Broken: graph output 'y' is not produced by any node", e.violations().get(0));
  }

  @Test
  void theHardwarePipelineHasTheDocumentedOrder() {
    assertEquals(List.of("RemoveIdentities", "FoldConstants", "EliminateTransposes", "FuseDenseBias",
        "FoldSignThreshold", "FoldBatchNorm", "LowerQuantizers", "LowerIntegerOps", "ApplyPrecision"),
        StandardPipelines.forHardware(PrecisionConfig.uniform(FixedType.parse("fixed<16,6>"))).names());
  }
}
