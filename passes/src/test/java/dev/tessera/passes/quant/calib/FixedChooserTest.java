package dev.tessera.passes.quant.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Type choice for ranges: sign, integer bits, the saturation edge and rounding carries. */
class FixedChooserTest {

  @Test
  void signAndIntegerBitsFollowTheRange() {
    assertEquals(FixedType.parse("fixed<8,3,RND_CONV,SAT>"),
        FixedChooser.choose(new Range(-3, 3), 8, Rounding.RND_CONV, Overflow.SAT));
    assertEquals(FixedType.parse("ufixed<8,0,RND_CONV,SAT>"),
        FixedChooser.choose(new Range(0, 1), 8, Rounding.RND_CONV, Overflow.SAT));
    assertEquals(FixedType.parse("ufixed<8,1,TRN,WRAP>"),
        FixedChooser.choose(new Range(0, 1), 8, Rounding.TRN, Overflow.WRAP));
    assertEquals(FixedType.parse("fixed<16,1,TRN,WRAP>"),
        FixedChooser.choose(new Range(0, 0.75), 16, true, Rounding.TRN, Overflow.WRAP));
  }

  @Test
  void roundingThatCarriesPastTheTopTakesAnotherBitUnlessSaturating() {
    Range r = new Range(-4, 3.99); // fixed<8,3>: lsb 1/32, largest 3.96875; 3.99 rounds to 4.0 under RND
    assertEquals(3, FixedChooser.choose(r, 8, Rounding.TRN, Overflow.WRAP).integerBits());
    assertEquals(4, FixedChooser.choose(r, 8, Rounding.RND, Overflow.WRAP).integerBits());
    assertEquals(4, FixedChooser.choose(r, 8, Rounding.RND_CONV, Overflow.SAT_ZERO).integerBits());
    assertEquals(3, FixedChooser.choose(r, 8, Rounding.RND, Overflow.SAT).integerBits());
  }

  @Test
  void everyChosenTypeHoldsTheRangeEnds() {
    Random rnd = new Random(5);
    for (int t = 0; t < 5000; t++) {
      double lo = rnd.nextBoolean() ? -Math.scalb(rnd.nextDouble(), rnd.nextInt(20) - 10) : 0;
      double hi = Math.scalb(rnd.nextDouble(), rnd.nextInt(20) - 10);
      Range r = new Range(lo, hi);
      int w = 2 + rnd.nextInt(24);
      Rounding rounding = Rounding.values()[rnd.nextInt(Rounding.values().length)];
      Overflow overflow = Overflow.values()[rnd.nextInt(Overflow.values().length)];
      FixedType ty = FixedChooser.choose(r, w, rounding, overflow);
      assertEquals(w, ty.width());
      assertEquals(lo < 0, ty.signed());
      for (double v : new double[] {lo, hi}) {
        BigInteger raw = ty.fromDouble(v);
        double err = Math.abs(ty.toDouble(raw) - v);
        assertTrue(err <= ty.lsb(), ty + " holds " + v + " as " + ty.toDouble(raw));
      }
    }
  }

  @Test
  void chooseFromSamplesUsesTheMethodAndSaturates() {
    double[] v = Distributions.gaussianWithOutliers(9, 100_000, 20, 100);
    FixedType kl = FixedChooser.choose(v, 8, new KlDivergence(8));
    FixedType mm = FixedChooser.choose(v, 8, new MinMax());
    assertEquals(Overflow.SAT, kl.overflow());
    assertEquals(Rounding.RND_CONV, kl.rounding());
    assertTrue(kl.integerBits() < mm.integerBits(), kl + " vs " + mm);
    assertEquals(8, mm.integerBits()); // |x| up to 100: [-128, 128)
  }

  @Test
  void invalidWidthIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> FixedChooser.choose(new Range(0, 1), 0, Rounding.TRN, Overflow.WRAP));
  }
}
