package dev.tessera.passes.quant.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Integer bits for a range: worked cases, the power-of-two edge, and a brute-force property check. */
class IntegerBitsTest {

  @Test
  void workedCases() {
    assertEquals(1, IntegerBits.forRange(new Range(-1, 0.5), true));
    assertEquals(3, IntegerBits.forRange(new Range(-4, 3.99), true));
    assertEquals(4, IntegerBits.forRange(new Range(-4.0001, 0), true));
    assertEquals(6, IntegerBits.forRange(new Range(-20, 17), true));
    assertEquals(8, IntegerBits.forRange(new Range(0, 255), false));
    assertEquals(-1, IntegerBits.forRange(new Range(0, 0.3), false)); // ufixed<W,-1> holds [0, 0.5)
    assertEquals(-1, IntegerBits.forRange(new Range(-0.25, 0.1), true)); // fixed<W,-1> holds [-0.25, 0.25)
    assertEquals(-996, IntegerBits.forRange(new Range(0, 1e-300), false)); // 2^-997 <= 1e-300 < 2^-996
    assertEquals(-1073, IntegerBits.forRange(new Range(0, Double.MIN_VALUE), false)); // 2^-1074 < 2^-1073
  }

  @Test
  void powerOfTwoUpperBoundNeedsOneMoreBitUnlessSaturating() {
    // hi = 1 = 2^0: [-1, 1) does not contain 1, so the strict answer is 2; with SAT it is 1 (1 saturates to 1 - lsb)
    assertEquals(2, IntegerBits.forRange(new Range(0, 1), true));
    assertEquals(1, IntegerBits.forRange(new Range(0, 1), true, true));
    assertEquals(1, IntegerBits.forRange(new Range(0, Math.nextDown(1.0)), true));
    assertEquals(5, IntegerBits.forRange(new Range(-3, 8), true));
    assertEquals(4, IntegerBits.forRange(new Range(-3, 8), true, true));
    assertEquals(3, IntegerBits.forRange(new Range(0, 8), false, true));
    assertEquals(4, IntegerBits.forRange(new Range(0, 8), false));
    // the lower bound -2^(I-1) is representable: no extra bit either way
    assertEquals(3, IntegerBits.forRange(new Range(-4, 0), true));
    assertEquals(3, IntegerBits.forRange(new Range(-4, 0), true, true));
  }

  @Test
  void zeroRangesAndErrors() {
    assertEquals(1, IntegerBits.forRange(new Range(0, 0), true));
    assertEquals(0, IntegerBits.forRange(new Range(0, 0), false));
    assertEquals(2, IntegerBits.forRange(new Range(-2, -1), true));
    assertThrows(IllegalArgumentException.class, () -> IntegerBits.forRange(new Range(-1, 2), false));
    assertThrows(IllegalArgumentException.class, () -> IntegerBits.floorLog2(0));
    assertThrows(IllegalArgumentException.class, () -> IntegerBits.floorLog2(Double.POSITIVE_INFINITY));
  }

  @Test
  void resultIsTheSmallestThatFitsOnRandomRanges() {
    Random rnd = new Random(3);
    for (int t = 0; t < 20000; t++) {
      double a = Math.scalb(rnd.nextDouble(), rnd.nextInt(40) - 20);
      double b = rnd.nextInt(4) == 0 ? Math.scalb(1.0, rnd.nextInt(40) - 20) : Math.scalb(rnd.nextDouble(), rnd
          .nextInt(40) - 20);
      boolean signed = rnd.nextBoolean();
      boolean sat = rnd.nextBoolean();
      Range r = signed ? new Range(-a, b) : new Range(0, b);
      if (r.maxAbs() == 0) {
        continue;
      }
      int i = IntegerBits.forRange(r, signed, sat);
      if (!fits(r, signed, sat, i) || fits(r, signed, sat, i - 1)) {
        fail(r + " signed=" + signed + " sat=" + sat + ": " + i + " is not the smallest fitting count");
      }
    }
  }

  private static boolean fits(Range r, boolean signed, boolean sat, int i) {
    double top = Math.scalb(1.0, signed ? i - 1 : i);
    boolean upper = sat ? r.hi() <= top : r.hi() < top;
    return upper && (!signed || r.lo() >= -top);
  }

  @Test
  void log2IsExact() {
    for (int e = -1074; e <= 1023; e++) {
      double p = Math.scalb(1.0, e);
      assertEquals(e, IntegerBits.floorLog2(p));
      assertEquals(e, IntegerBits.ceilLog2(p));
      if (e > -1074 && e < 1023) {
        assertEquals(e, IntegerBits.floorLog2(Math.nextUp(p)));
        assertEquals(e + 1, IntegerBits.ceilLog2(Math.nextUp(p)));
        assertEquals(e - 1, IntegerBits.floorLog2(Math.nextDown(p)));
      }
    }
    assertTrue(IntegerBits.ceilLog2(3) == 2 && IntegerBits.floorLog2(3) == 1);
  }
}
