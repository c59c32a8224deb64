package dev.tessera.ir.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The counts of the canonical signed-digit form that the resource estimator reads. */
class CsdWeightTest {

  @Test
  void digitsOfTheNonAdjacentForm() {
    assertEquals(0, Csd.weight(0));
    assertEquals(1, Csd.weight(1));
    assertEquals(1, Csd.weight(-64));
    assertEquals(2, Csd.weight(3)); // 4 - 1
    assertEquals(2, Csd.weight(7)); // 8 - 1
    assertEquals(2, Csd.weight(-5)); // -(4 + 1)
    assertEquals(3, Csd.weight(11)); // 16 - 4 - 1
    assertEquals(4, Csd.weight(85)); // 64 + 16 + 4 + 1
    assertEquals(2, Csd.weight(255)); // 256 - 1
    assertEquals(1, Csd.weight(Long.MIN_VALUE));
  }

  @Test
  void digitsNeverExceedBinaryOnesAndMatchBruteForce() {
    for (long c = -4096; c <= 4096; c++) {
      int d = Csd.weight(c);
      assertTrue(d <= Long.bitCount(Math.abs(c)), "csd of " + c);
      assertEquals(Csd.weight(-c), d);
      assertEquals(Csd.digits(c).size(), d, "weight = number of digits of " + c);
      // the non-adjacent form has about a third of the bits nonzero and never two adjacent: d <= ceil(bits / 2)
      int bits = 64 - Long.numberOfLeadingZeros(Math.abs(c));
      assertTrue(d <= (bits + 2) / 2, "csd of " + c);
    }
  }

  @Test
  void spanAndFreeConstants() {
    assertEquals(0, Csd.span(8));
    assertEquals(2, Csd.span(3)); // 4 - 1
    assertEquals(4, Csd.span(-11 * 2)); // -(32 - 8 - 2): digits at 5, 3, 1
    assertTrue(Csd.free(0));
    assertTrue(Csd.free(-16));
    assertFalse(Csd.free(6));
  }
}
