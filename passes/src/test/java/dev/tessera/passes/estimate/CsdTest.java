package dev.tessera.passes.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CsdTest {

  @Test
  void digitsOfTheNonAdjacentForm() {
    assertEquals(0, Csd.digits(0));
    assertEquals(1, Csd.digits(1));
    assertEquals(1, Csd.digits(-64));
    assertEquals(2, Csd.digits(3)); // 4 - 1
    assertEquals(2, Csd.digits(7)); // 8 - 1
    assertEquals(2, Csd.digits(-5)); // -(4 + 1)
    assertEquals(3, Csd.digits(11)); // 16 - 4 - 1
    assertEquals(4, Csd.digits(85)); // 64 + 16 + 4 + 1
    assertEquals(2, Csd.digits(255)); // 256 - 1
    assertEquals(1, Csd.digits(Long.MIN_VALUE));
  }

  @Test
  void digitsNeverExceedBinaryOnesAndMatchBruteForce() {
    for (long c = -4096; c <= 4096; c++) {
      int d = Csd.digits(c);
      assertTrue(d <= Long.bitCount(Math.abs(c)), "csd of " + c);
      assertEquals(Csd.digits(-c), d);
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
