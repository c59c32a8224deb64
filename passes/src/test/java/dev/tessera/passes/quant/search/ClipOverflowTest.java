package dev.tessera.passes.quant.search;

import static dev.tessera.passes.FloatGraphs.f;
import static dev.tessera.passes.FloatGraphs.floats;
import static dev.tessera.passes.FloatGraphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Shape;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A Clip quantizes its input to its own type before it clamps (docs/fixed-point.md), so a wrapping type sized for
 * the clamped range can wrap a large input to the wrong end: the overflow proof must see that, and the search must
 * give a Clip a type that clamps exactly.
 */
class ClipOverflowTest {

  private static Graph clipOf(String inType, String outType) {
    return Graph.builder("clip").input("x", new TensorType(FixedType.parse(inType), Shape.batched(1)))
        .node(new Node("c", new Op.Clip(-1, 1), List.of("x"), List.of("y")),
            new TensorType(FixedType.parse(outType), Shape.batched(1)))
        .output("y").build();
  }

  @Test
  void aWrappingClipNarrowerThanItsInputIsNotProvenAndReallyWraps() {
    Graph g = clipOf("fixed<8,4>", "fixed<4,2>");
    IntervalAnalysis.TensorBounds b = IntervalAnalysis.analyze(g).get("c");
    assertFalse(b.fits(), "input up to 7.9 wraps in fixed<4,2> before the clamp; bounds " + b.minValue() + ".."
        + b.maxValue());
    assertEquals(-8.0, b.minValue());
    // the hazard the proof reports: 2.0 wraps to -2.0 in fixed<4,2>, then clamps to -1
    NdArray y = new FixedInterpreter(g).run(Map.of("x", new NdArray(new long[] {1, 1}, new double[] {2.0})))
        .get("y").toNdArray();
    assertEquals(-1.0, y.data()[0]);
    assertTrue(IntervalAnalysis.analyze(clipOf("fixed<8,4>", "fixed<8,4>")).get("c").fits());
  }

  /** x (2) -> Dense (large weights) -> Clip(-1, 1) -> Dense (3 classes). */
  private static Graph model() {
    return Graph.builder("mlp").input("x", f(Shape.batched(2)))
        .constant("w1", floats(new long[] {2, 4}, 3, -2.5, 1.5, 4, -3.5, 2, 3, -1))
        .constant("b1", floats(new long[] {4}, 0.25, -0.5, 0, 0.125))
        .node(node("d1", new Op.Dense(null), List.of("x", "w1", "b1"), "y1"), f(Shape.batched(4)))
        .node(node("clip", new Op.Clip(-1, 1), List.of("y1"), "h"), f(Shape.batched(4)))
        .constant("w2", floats(new long[] {4, 3}, 1, -1, 0.5, -0.5, 1, 1, 0.75, 0.25, -1, -1, 0.5, 1))
        .constant("b2", floats(new long[] {3}, 0, 0.1, -0.1))
        .node(node("d2", new Op.Dense(null), List.of("h", "w2", "b2"), "out"), f(Shape.batched(3)))
        .output("out").build();
  }

  @Test
  void theSearchGivesAClipASaturatingTypeThatClampsExactly() {
    Graph prepared = StandardPipelines.prepare(PrecisionConfig.uniform(FixedType.signed(16, 6)))
        .run(model(), PassContext.create());
    Random rnd = new Random(3);
    double[] x = new double[2 * 400];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian();
    }
    NdArray in = new NdArray(new long[] {400, 2}, x);
    CalibrationSet calib = CalibrationSet.of(Map.of("x", in));
    SearchResult r = PrecisionSearch.run(prepared, calib, SearchOptions.defaults()
        .withBudget(new Budget.Agreement(0.99, 1.645)).withProbes(200), s -> { });
    FixedType clipType = r.quantized().type("h").fixed();
    assertEquals(Overflow.SAT, clipType.overflow(), "clip type " + clipType);
    // most pre-clip values lie outside [-1, 1]: the quantized clip must still give the float clip within rounding
    double[] want = new FloatInterpreter(prepared).runAll(Map.of("x", in)).get("h").data();
    FixedInterpreter fx = new FixedInterpreter(r.quantized());
    double[] got = fx.runAll(fx.quantizeInputs(Map.of("x", in))).get("h").toNdArray().data();
    double step = Math.scalb(1.0, -clipType.fractionBits());
    int outside = 0;
    for (int i = 0; i < want.length; i++) {
      boolean clamped = Math.abs(want[i]) == 1;
      outside += clamped ? 1 : 0;
      // clamped values are exact up to the bound's rounding; the others carry the upstream quantization error
      assertEquals(want[i], got[i], clamped ? step : 0.05, "clip value " + i);
    }
    assertTrue(outside > want.length / 4, outside + " of " + want.length + " values clamp");
  }
}
