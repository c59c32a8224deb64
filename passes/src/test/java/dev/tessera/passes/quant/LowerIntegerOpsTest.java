package dev.tessera.passes.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.DType;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphVerifier;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.config.LayerConfig;
import dev.tessera.passes.config.PrecisionConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Softmax (when asked), LayerNorm and Erf-GELU become the I-BERT ops; the float function stays. */
class LowerIntegerOpsTest {

  private static final TensorType F6 = new TensorType(DType.FLOAT, Shape.batched(6));
  private static final PrecisionConfig PLAIN = PrecisionConfig.uniform(FixedType.signed(16, 6));

  private static NdArray samples(int n, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n * 6];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian() * 2;
    }
    return new NdArray(new long[] {n, 6}, v);
  }

  private static void sameFloat(Graph a, Graph b, double tol) {
    assertTrue(GraphVerifier.violations(b).isEmpty(), () -> GraphVerifier.violations(b).toString());
    NdArray x = samples(200, 1);
    assertArrayEquals(new FloatInterpreter(a).run(Map.of("x", x)).get("y").data(),
        new FloatInterpreter(b).run(Map.of("x", x)).get("y").data(), tol);
  }

  private static List<String> kinds(Graph g) {
    return g.nodes().stream().map(n -> n.op().kind()).toList();
  }

  @Test
  void aSoftmaxBecomesIntegerOnlyWhenItsLayerAsks() {
    Graph.Builder b = Graph.builder("s");
    b.input("x", F6);
    b.node(new Node("sm", new Op.Softmax(1, SoftmaxMode.STABLE, null, null), List.of("x"), List.of("y")), F6);
    b.output("y");
    Graph in = b.build();
    assertSame(in, new LowerIntegerOps(PLAIN).run(in, PassContext.create()));
    PrecisionConfig c = PLAIN.withLayer("sm", LayerConfig.EMPTY.withSoftmaxMode(SoftmaxMode.INTEGER));
    Graph out = new LowerIntegerOps(c).run(in, PassContext.create());
    assertEquals(new Op.ISoftmax(1, 16, 16), out.node("sm").op());
    sameFloat(in, out, 1e-15);
    // quantized with the same config: the node keeps its name, no warning about an unused SoftmaxMode
    PassContext ctx = PassContext.create();
    Graph q = new ApplyPrecision(c).run(out, ctx);
    assertTrue(ctx.warnings().isEmpty(), ctx.warnings().toString());
    new FixedInterpreter(q).run(Map.of("x", samples(10, 2)));
  }

  @Test
  void aLayerNormBecomesANormalizationAScaleAndABias() {
    Random r = new Random(3);
    Graph.Builder b = Graph.builder("ln");
    b.input("x", F6);
    double[] g = new double[6];
    double[] be = new double[6];
    for (int i = 0; i < 6; i++) {
      g[i] = 1 + r.nextGaussian() * 0.2;
      be[i] = r.nextGaussian() * 0.2;
    }
    b.constant("g", Tensor.ofFloats(new long[] {6}, g));
    b.constant("b", Tensor.ofFloats(new long[] {6}, be));
    b.node(new Node("ln", new Op.LayerNorm(1, 1e-5), List.of("x", "g", "b"), List.of("y")), F6);
    b.output("y");
    Graph in = b.build();
    Graph out = new LowerIntegerOps(PLAIN).run(in, PassContext.create());
    assertEquals(List.of("ILayerNorm", "Mul", "Add"), kinds(out));
    assertEquals("ln", out.nodes().get(0).name());
    sameFloat(in, out, 1e-12);
  }

  /** The three arrangements of x * 0.5 * (1 + erf(x / sqrt 2)) that exporters write. */
  @Test
  void everyUsualGeluArrangementBecomesOneIntegerGelu() {
    for (int form = 0; form < 3; form++) {
      Graph in = gelu(form);
      Graph out = new LowerIntegerOps(PLAIN).run(in, PassContext.create());
      assertEquals(List.of("IGelu"), kinds(out), "form " + form);
      assertEquals("x", out.nodes().get(0).input(0));
      sameFloat(in, out, 1e-12);
    }
  }

  @Test
  void theIntegerOpsHaveACostModelThatSeesTheirInputWidth() {
    for (Op op : List.of(new Op.ISoftmax(1, 16, 16), new Op.IExp(16), new Op.IGelu(16),
        new Op.ILayerNorm(1, 1e-5, 16))) {
      Graph.Builder b = Graph.builder("cost");
      b.input("x", F6);
      b.node(new Node("n", op, List.of("x"), List.of("y")), F6);
      b.output("y");
      long[] lutEq = new long[2];
      String[] widths = {"fixed<8,3>", "fixed<16,6>"};
      for (int i = 0; i < 2; i++) {
        Graph q = new ApplyPrecision(PLAIN.withInput("x", FixedType.parse(widths[i]))).run(b.build(),
            PassContext.create());
        var e = dev.tessera.passes.estimate.ResourceEstimator.estimate(q,
            dev.tessera.passes.estimate.EstimateOptions.hls());
        lutEq[i] = e.total().lutEquivalents();
        assertTrue(e.total().multipliers() > 0, op.kind() + " has multipliers");
      }
      assertTrue(lutEq[0] > 0 && lutEq[1] > 0 && lutEq[0] != lutEq[1], op.kind() + ": " + lutEq[0] + ", " + lutEq[1]);
    }
  }

  @Test
  void anErfThatIsNotPartOfAGeluStays() {
    Graph.Builder b = Graph.builder("erf");
    b.input("x", F6);
    b.node(new Node("e", new Op.Erf(), List.of("x"), List.of("y")), F6);
    b.output("y");
    Graph in = b.build();
    assertSame(in, new LowerIntegerOps(PLAIN).run(in, PassContext.create()));
  }

  private static Graph gelu(int form) {
    Graph.Builder b = Graph.builder("gelu" + form);
    b.input("x", F6);
    b.constant("r2", Tensor.ofFloats(new long[0], Math.sqrt(2)));
    b.constant("one", Tensor.ofFloats(new long[0], 1.0));
    b.constant("half", Tensor.ofFloats(new long[0], 0.5));
    List<Node> n = new ArrayList<>();
    n.add(new Node("div", new Op.Binary(Op.BinaryKind.DIV), List.of("x", "r2"), List.of("u")));
    n.add(new Node("erf", new Op.Erf(), List.of("u"), List.of("e")));
    n.add(new Node("add", new Op.Binary(Op.BinaryKind.ADD), List.of("e", "one"), List.of("v")));
    if (form == 0) {
      n.add(new Node("m1", new Op.Binary(Op.BinaryKind.MUL), List.of("x", "v"), List.of("xv")));
      n.add(new Node("m2", new Op.Binary(Op.BinaryKind.MUL), List.of("xv", "half"), List.of("y")));
    } else if (form == 1) {
      n.add(new Node("h", new Op.Binary(Op.BinaryKind.MUL), List.of("x", "half"), List.of("xh")));
      n.add(new Node("m", new Op.Binary(Op.BinaryKind.MUL), List.of("xh", "v"), List.of("y")));
    } else {
      n.add(new Node("m1", new Op.Binary(Op.BinaryKind.MUL), List.of("v", "half"), List.of("vh")));
      n.add(new Node("m2", new Op.Binary(Op.BinaryKind.MUL), List.of("vh", "x"), List.of("y")));
    }
    for (Node node : n) {
      b.node(node, F6);
    }
    b.output("y");
    return b.build();
  }
}
