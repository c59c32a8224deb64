package dev.tessera.passes.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.DType;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.arith.Csd;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.op.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact counts on hand-made layers, monotonicity in precision and sparsity, and the bookkeeping. */
class ResourceEstimatorTest {

  private static final FixedType X8 = FixedType.signed(8, 3);
  private static final FixedType W6 = FixedType.signed(6, 2);
  private static final FixedType Y16 = FixedType.signed(16, 6);

  /** One output, weights 3, 0, 4, -5 (raw) on four 8-bit inputs, no bias. */
  private static Graph tiny(FixedType tx, FixedType tw) {
    return QuantGraphs.dense(tx, tw, Y16, 4, 1, new long[] {3, 0, 4, -5}, null);
  }

  @Test
  void hlsCountsOfATinyDenseByHand() {
    NodeEstimate r = ResourceEstimator.estimate(tiny(X8, W6), EstimateOptions.hls()).row("dense");
    // two LUT multipliers (6 < 9 bits) of ceil(0.5 * 8 * 6) = 24 LUTs; the weight 4 is a shift.
    assertEquals(2, r.multipliers());
    assertEquals(2, r.adders());
    assertEquals(2 * 24 + 15 + 16, r.lut());
    // registered products 2 x 14 bits, output register 16 bits
    assertEquals(2 * 14 + 16, r.ff());
    assertEquals(1 + 1, r.latency());
    NodeEstimate wide = ResourceEstimator.estimate(tiny(FixedType.signed(16, 6), FixedType.signed(16, 6)),
        EstimateOptions.hls()).row("dense");
    assertEquals(2, wide.dsp());
    assertEquals(2 * 55 + wide.lut(), wide.lutEquivalents());
    assertEquals(2 + 1, wide.latency(), "dsp latency 2 plus one adder stage");
  }

  @Test
  void zeroWeightsAndPowersOfTwoAreFreeInShiftAdd() {
    Graph zeros = QuantGraphs.dense(X8, W6, Y16, 4, 2, new long[8], null);
    NodeEstimate z = ResourceEstimator.estimate(zeros, EstimateOptions.shiftAdd()).row("dense");
    assertEquals(0, z.adders());
    assertEquals(2 * 16, z.lut() + z.ff() - 0, "only the output register remains");
    EstimateOptions exact = EstimateOptions.shiftAdd().withExactCmvm(true);
    Graph pow2 = QuantGraphs.dense(X8, W6, Y16, 4, 1, new long[] {1, -2, 4, -8}, null);
    NodeEstimate p = ResourceEstimator.estimate(pow2, exact).row("dense");
    assertEquals(3, p.adders(), "only the adder tree over four terms");
    assertEquals(Math.round(3 * ShiftAddCost.SHARED_ADDERS),
        ResourceEstimator.estimate(pow2, EstimateOptions.shiftAdd()).row("dense").adders(), "fast: scaled");
    Graph odd = QuantGraphs.dense(X8, W6, Y16, 4, 1, new long[] {3, -3, 5, -7}, null);
    NodeEstimate o = ResourceEstimator.estimate(odd, exact).row("dense");
    assertTrue(o.adders() > p.adders() && o.adders() <= 3 + 4, "at most one adder per two-digit weight plus the "
        + "tree: " + o.adders());
    NodeEstimate h = ResourceEstimator.estimate(pow2, EstimateOptions.hls()).row("dense");
    assertEquals(0, h.multipliers(), "hls shifts powers of two too");
  }

  @Test
  void costGrowsWithWeightAndInputWidth() {
    for (Target target : Target.values()) {
      long last = -1;
      for (int w = 4; w <= 18; w += 2) {
        FixedType t = FixedType.signed(w, 2);
        long eq = ResourceEstimator.estimate(QuantGraphs.mlp(t, 42), EstimateOptions.of(target)).total()
            .lutEquivalents();
        assertTrue(eq > last, target + ": width " + w + " costs " + eq + ", not more than " + last);
        last = eq;
      }
      long lastInput = -1;
      for (int wx = 4; wx <= 18; wx += 2) {
        Graph g = QuantGraphs.dense(FixedType.signed(wx, 3), FixedType.signed(10, 1), Y16, 16, 8,
            QuantGraphs.weights(FixedType.signed(10, 1), 128, 7), null);
        long eq = ResourceEstimator.estimate(g, EstimateOptions.of(target)).total().lutEquivalents();
        assertTrue(eq > lastInput, target + ": input width " + wx + " costs " + eq);
        lastInput = eq;
      }
    }
  }

  @Test
  void pruningWeightsOrUnitsLowersTheCost() {
    FixedType t = FixedType.signed(10, 1);
    long[] w = QuantGraphs.weights(t, 16 * 8, 3);
    long[] pruned = w.clone();
    for (int i = 0; i < pruned.length; i += 2) {
      pruned[i] = 0;
    }
    long[] fewerUnits = new long[16 * 6];
    for (int i = 0; i < 16; i++) {
      System.arraycopy(w, i * 8, fewerUnits, i * 6, 6);
    }
    for (Target target : Target.values()) {
      EstimateOptions o = EstimateOptions.of(target);
      long full = ResourceEstimator.estimate(QuantGraphs.dense(t, t, Y16, 16, 8, w, null), o).total()
          .lutEquivalents();
      long half = ResourceEstimator.estimate(QuantGraphs.dense(t, t, Y16, 16, 8, pruned, null), o).total()
          .lutEquivalents();
      long six = ResourceEstimator.estimate(QuantGraphs.dense(t, t, Y16, 16, 6, fewerUnits, null), o).total()
          .lutEquivalents();
      assertTrue(half < full * 0.6, target + ": half the weights cost " + half + " of " + full);
      assertTrue(six < full && six > half, target + ": 6 of 8 units cost " + six + " of " + full);
    }
  }

  @Test
  void totalsAreTheSumsOfTheRowsAndChainLatencyAddsUp() {
    for (Target target : Target.values()) {
      Estimate e = ResourceEstimator.estimate(QuantGraphs.mlp(FixedType.signed(12, 4), 5),
          EstimateOptions.of(target));
      assertEquals(8, e.rows().size());
      long lut = 0;
      long ff = 0;
      long dsp = 0;
      long bram = 0;
      long latency = 0;
      long eq = 0;
      for (NodeEstimate r : e.rows()) {
        lut += r.lut();
        ff += r.ff();
        dsp += r.dsp();
        bram += r.bram18();
        latency += r.latency();
        eq += r.lutEquivalents();
      }
      assertEquals(lut, e.total().lut());
      assertEquals(ff, e.total().ff());
      assertEquals(dsp, e.total().dsp());
      assertEquals(bram, e.total().bram18());
      assertEquals(eq, e.total().lutEquivalents());
      assertEquals(latency, e.total().latency(), "a chain's latency is the sum of its rows");
      assertTrue(e.table().contains("dense3"));
    }
  }

  @Test
  void parallelBranchesTakeTheLongerPath() {
    FixedType t = FixedType.signed(8, 3);
    Graph g = Graph.builder("branches").input("x", QuantGraphs.vector(t, 4))
        .constant("w", Tensor.ofRaw(t, new long[] {4, 4}, QuantGraphs.weights(t, 16, 9)))
        .node(new Node("dense", new Op.Dense(null), List.of("x", "w"), List.of("d")), QuantGraphs.vector(t, 4))
        .node(new Node("relu", new Op.Relu(), List.of("x"), List.of("r")), QuantGraphs.vector(t, 4))
        .node(new Node("add", new Op.Binary(Op.BinaryKind.ADD), List.of("d", "r"), List.of("y")),
            QuantGraphs.vector(t, 4))
        .output("y").build();
    Estimate e = ResourceEstimator.estimate(g, EstimateOptions.shiftAdd());
    assertEquals(e.row("dense").latency() + e.row("add").latency(), e.total().latency());
    assertTrue(e.row("dense").latency() > e.row("relu").latency());
  }

  @Test
  void reuseFactorDividesMultipliersAndAddsCycles() {
    Graph g = QuantGraphs.mlp(FixedType.signed(16, 6), 11);
    NodeEstimate one = ResourceEstimator.estimate(g, EstimateOptions.hls()).row("dense1");
    NodeEstimate four = ResourceEstimator.estimate(g, EstimateOptions.hls().withReuse("dense1", 4)).row("dense1");
    assertEquals((one.multipliers() + 3) / 4, four.multipliers());
    assertEquals((one.dsp() + 3) / 4, four.dsp());
    assertEquals(one.latency() + 3, four.latency());
    Estimate e = ResourceEstimator.estimate(g, EstimateOptions.hls().withReuseFactor(2));
    assertEquals(2, e.interval());
    NodeEstimate rtl = ResourceEstimator.estimate(g, EstimateOptions.shiftAdd().withReuseFactor(4)).row("dense1");
    assertEquals(ResourceEstimator.estimate(g, EstimateOptions.shiftAdd()).row("dense1"), rtl,
        "the rtl target has no reuse");
  }

  @Test
  void tablesGoToBramOnHlsAndToLutsInRtl() {
    Graph g = QuantGraphs.mlp(FixedType.signed(16, 6), 13);
    NodeEstimate hls = ResourceEstimator.estimate(g, EstimateOptions.hls()).row("softmax");
    NodeEstimate rtl = ResourceEstimator.estimate(g, EstimateOptions.shiftAdd()).row("softmax");
    // 5 exp lookups of a 1024 x 18 table: 3 two-port copies of one BRAM18; the 1/x table is a fourth copy
    assertEquals(4, hls.bram18());
    // rtl: Yosys makes the 1/x table a block ROM and keeps the exp tables in LUTs (16 per bit for 1024 entries)
    assertEquals(1, rtl.bram18());
    assertTrue(rtl.lut() >= 5 * 18 * 16, "5 LUT ROMs of 16 LUTs per bit: " + rtl.lut());
  }

  @Test
  void floatTensorsNeedAnAssumedType() {
    TensorType f = new TensorType(DType.FLOAT, Shape.batched(2));
    Graph g = Graph.builder("float").input("x", f)
        .constant("w", Tensor.ofFloats(new long[] {2, 2}, 0.5, -0.75, 0.25, 1))
        .node(new Node("d", new Op.Dense(null), List.of("x", "w"), List.of("y")), f).output("y").build();
    NodeException e = assertThrows(NodeException.class,
        () -> ResourceEstimator.estimate(g, EstimateOptions.shiftAdd()));
    assertEquals("node 'd' (Dense): tensor 'x' is float, not fixed-point; apply a precision first or set "
        + "EstimateOptions.assumeType", e.getMessage());
    NodeEstimate r = ResourceEstimator.estimate(g, EstimateOptions.shiftAdd().withAssumeType(FixedType.signed(8, 2)))
        .row("d");
    // raw weights 16, -24, 8, 32: only -24 = -(32 - 8) needs an adder; two trees of one adder each: 3 plain
    // signed-digit adders, scaled by the sharing factor
    assertEquals(Math.round(3 * ShiftAddCost.SHARED_ADDERS), r.adders());
  }

  @Test
  void opsWithoutFixedPointSemanticsAreRejected() {
    FixedType t = FixedType.signed(8, 3);
    Graph g = Graph.builder("erf").input("x", QuantGraphs.vector(t, 4))
        .node(new Node("e", new Op.Erf(), List.of("x"), List.of("y")), QuantGraphs.vector(t, 4)).output("y")
        .build();
    UnsupportedOpException e = assertThrows(UnsupportedOpException.class,
        () -> ResourceEstimator.estimate(g, EstimateOptions.hls()));
    assertEquals("node 'e' (Erf): no hardware cost model for Erf (no fixed-point semantics; a pass must lower it "
        + "first)", e.getMessage());
  }

  @Test
  void convIsOneKernelInstanceStreamedOverPositions() {
    FixedType t = FixedType.signed(12, 4);
    // x [N, 2, 6, 6] -> Conv 3 channels, 3x3, pad 1 -> [N, 3, 6, 6] -> MaxPool 2 -> [N, 3, 3, 3] -> GAP
    long[] w = QuantGraphs.weights(t, 3 * 2 * 9, 17);
    w[0] = 0;
    w[1] = 0;
    Op.Conv conv = new Op.Conv(new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1},
        new long[] {1, 1}, 1, null);
    Op.MaxPool pool = new Op.MaxPool(new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0}, new long[] {0, 0},
        null);
    Graph g = Graph.builder("cnn").input("x", new TensorType(t, Shape.batched(2, 6, 6)))
        .constant("k", Tensor.ofRaw(t, new long[] {3, 2, 3, 3}, w))
        .node(new Node("conv", conv, List.of("x", "k"), List.of("c")), new TensorType(t, Shape.batched(3, 6, 6)))
        .node(new Node("pool", pool, List.of("c"), List.of("p")), new TensorType(t, Shape.batched(3, 3, 3)))
        .node(new Node("gap", new Op.GlobalAveragePool(), List.of("p"), List.of("y")),
            new TensorType(t, Shape.batched(3, 1, 1)))
        .output("y").build();
    Estimate e = ResourceEstimator.estimate(g, EstimateOptions.hls());
    long real = 0;
    for (long v : w) {
      real += Csd.free(v) ? 0 : 1;
    }
    NodeEstimate c = e.row("conv");
    assertEquals(real, c.multipliers(), "one multiplier per nonzero kernel weight, not per output pixel");
    assertEquals(real, c.dsp());
    assertEquals(36, e.interval(), "one output pixel per cycle");
    NodeEstimate p = e.row("pool");
    assertEquals(3 * 3 * Math.round(12 + Math.ceil(12 / 2.0)), p.lut(), "three 2-input maxima per channel");
    assertEquals(1 + 9 - 1, p.latency());
    assertEquals(9 + 1, e.row("gap").latency());
    assertEquals(c.latency() + p.latency() + e.row("gap").latency(), e.total().latency());
  }
}
