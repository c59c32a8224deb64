package dev.tessera.passes.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.arith.Cmvm;
import dev.tessera.ir.arith.Range;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The adder counting of the shift-add target: the backend's adder graphs, their cache and the layer cost. */
class ShiftAddCostTest {

  private static final FixedType X8 = FixedType.signed(8, 3);
  private static final FixedType W6 = FixedType.signed(6, 2);
  private static final FixedType Y16 = FixedType.signed(16, 6);

  @Test
  void plainSignedDigitsOfATinyDenseByHand() {
    // 3 = 4 - 1, 0, 4, -5 = -(4 + 1): five digit terms, a balanced tree of four adders over three levels whose
    // root comes out negated, so a fifth adder (0 - t) makes the output positive
    AdderCount c = CmvmCache.count(new long[][] {{3, 0, 4, -5}}, null, -128, 127, false, 5);
    assertEquals(5, c.adders());
    assertEquals(4, c.depth());
    assertEquals(0, c.registerBits(), "four levels fit one stage of five");
    assertEquals(0, c.lastStage());
    // every adder is at least as wide as an input and wider than its shifted-in low bits
    assertTrue(c.adderBits() >= 5 * 8 && c.adderBits() <= 5 * (8 + 3 + 4), "adder bits " + c.adderBits());
    NodeEstimate r = ResourceEstimator.estimate(QuantGraphs.dense(X8, W6, Y16, 4, 1, new long[] {3, 0, 4, -5},
        null), EstimateOptions.shiftAdd()).row("dense");
    assertEquals(Math.round(5 * ShiftAddCost.SHARED_ADDERS), r.adders());
    assertEquals((long) Math.ceil(c.adderBits() * ShiftAddCost.SHARED_BITS * 0.93), r.lut(),
        "0.93 LUT per shared adder bit; a truncating, wrapping output costs no LUT");
    assertEquals(16, r.ff(), "only the output register");
    assertEquals(1, r.latency(), "one stage of adders, then the output register");
  }

  @Test
  void exactCountIsTheBackendsDefaultConstruction() {
    Random rng = new Random(5);
    long[][] w = new long[12][10];
    for (long[] row : w) {
      for (int i = 0; i < row.length; i++) {
        row[i] = Math.round(rng.nextGaussian() * 20);
      }
    }
    Range[] in = new Range[10];
    Arrays.fill(in, Range.of(0, 255));
    AdderCount exact = CmvmCache.count(w, null, 0, 255, true, 5);
    assertEquals(Cmvm.shiftAdd(w, in, null, Cmvm.Options.defaults()).adders(), exact.adders());
    AdderCount plain = CmvmCache.count(w, null, 0, 255, false, 5);
    assertEquals(Cmvm.shiftAdd(w, in, null, Cmvm.Options.noCse()).adders(), plain.adders());
    assertTrue(exact.adders() < plain.adders(), "sharing saves adders: " + exact + " vs " + plain);
    double ratio = (double) exact.adderBits() / plain.adderBits();
    assertTrue(Math.abs(ratio - ShiftAddCost.SHARED_BITS) < 0.15, "measured bit ratio " + ratio);
  }

  @Test
  void theCacheKeysOnContentNotOnArrays() {
    long[][] a = {{7, -3, 0}, {5, 9, 11}};
    long[][] b = {{7, -3, 0}, {5, 9, 11}};
    long[][] c = {{7, -3, 0}, {5, 9, 13}};
    AdderCount ca = CmvmCache.count(a, null, -8, 7, false, 5);
    assertSame(ca, CmvmCache.count(b, null, -8, 7, false, 5));
    assertNotSame(ca, CmvmCache.count(c, null, -8, 7, false, 5));
    assertNotSame(ca, CmvmCache.count(a, null, -8, 8, false, 5), "the input range is part of the key");
    assertNotSame(ca, CmvmCache.count(a, null, -8, 7, true, 5), "so is the construction");
  }

  @Test
  void removedUnitsAndZeroWeightsCostLess() {
    Graph full = QuantGraphs.mlp(FixedType.signed(8, 3), 21);
    Estimate e = ResourceEstimator.estimate(full, EstimateOptions.shiftAdd());
    long[] w = full.constant(full.node("dense1").input(1)).raw().clone();
    for (int i = 0; i < w.length; i += 3) {
      w[i] = 0;
    }
    Graph sparse = full.toBuilder().constant(full.node("dense1").input(1),
        dev.tessera.ir.Tensor.ofRaw((FixedType) full.constant(full.node("dense1").input(1)).type(),
            full.constant(full.node("dense1").input(1)).shape(), w)).build();
    Estimate s = ResourceEstimator.estimate(sparse, EstimateOptions.shiftAdd());
    assertTrue(s.row("dense1").lut() < e.row("dense1").lut(), s.row("dense1") + " vs " + e.row("dense1"));
    assertTrue(s.row("dense1").adders() < e.row("dense1").adders());
    assertEquals(e.row("dense2"), s.row("dense2"), "other layers do not change");
  }

  @Test
  void roundingConstantsAreFoldedLikeTheBackend() {
    FixedType rnd = FixedType.parse("fixed<8,3,RND,SAT>");
    // a sum with 7 fraction bits rounded to 5: half of the dropped 2^2
    assertEquals(java.math.BigInteger.valueOf(2), ShiftAddCost.foldable(7, rnd));
    assertEquals(java.math.BigInteger.ZERO, ShiftAddCost.foldable(7, FixedType.parse("fixed<8,3,TRN,SAT>")));
    assertEquals(java.math.BigInteger.ZERO, ShiftAddCost.foldable(5, rnd), "no fraction bits dropped");
  }
}
