package dev.tessera.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Quantization of single values at the edges of every rounding and overflow mode, with hand-computed raws. */
class FixedTypeTest {

  private static FixedType t(String text) {
    return FixedType.parse(text);
  }

  private static long q(FixedType type, double v) {
    return type.fromDouble(v).longValueExact();
  }

  /** The worked examples of docs/fixed-point.md section 2, row by row. */
  @ParameterizedTest(name = "{0} as {1} -> raw {2}")
  @CsvSource(delimiter = ';', value = {
      "0.3; fixed<8,3>; 9; 0.28125",
      "-0.3; fixed<8,3>; -10; -0.3125",
      "-0.3; fixed<8,3,TRN_ZERO,WRAP>; -9; -0.28125",
      "2.5; fixed<4,4,RND_CONV,WRAP>; 2; 2",
      "3.5; fixed<4,4,RND_CONV,WRAP>; 4; 4",
      "-2.5; fixed<4,4,RND,WRAP>; -2; -2",
      "-2.5; fixed<4,4,RND_INF,WRAP>; -3; -3",
      "9; fixed<4,4>; -7; -7",
      "9; fixed<4,4,TRN,SAT>; 7; 7",
      "-9; fixed<4,4,TRN,SAT_SYM>; -7; -7",
      "-8; fixed<4,4,TRN,SAT_SYM>; -8; -8",
      "9; fixed<4,4,TRN,SAT_ZERO>; 0; 0",
      "100; fixed<4,6>; -7; -28",
      "0.1; ufixed<4,-2,RND,WRAP>; 6; 0.09375"})
  void workedExamplesOfTheDoc(double value, String type, long raw, double back) {
    FixedType ft = t(type);
    assertEquals(raw, q(ft, value));
    assertEquals(back, ft.toDouble(raw));
    assertEquals(BigInteger.valueOf(raw), FixedTypeOracle.quantize(ft, new BigDecimal(value)));
  }

  /**
   * Every rounding mode on the values 2.25, 2.5, 2.75, 3.5 and their negatives, dropping two fraction bits
   * (fixed<8,8> from raw with f = 2); exact values pass unchanged.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      // mode;       2.25, 2.5, 2.75, 3.5, -2.25, -2.5, -2.75, -3.5, 3.0, -3.0
      "TRN;          2, 2, 2, 3, -3, -3, -3, -4, 3, -3",
      "TRN_ZERO;     2, 2, 2, 3, -2, -2, -2, -3, 3, -3",
      "RND;          2, 3, 3, 4, -2, -2, -3, -3, 3, -3",
      "RND_ZERO;     2, 2, 3, 3, -2, -2, -3, -3, 3, -3",
      "RND_MIN_INF;  2, 2, 3, 3, -2, -3, -3, -4, 3, -3",
      "RND_INF;      2, 3, 3, 4, -2, -3, -3, -4, 3, -3",
      "RND_CONV;     2, 2, 3, 4, -2, -2, -3, -4, 3, -3"})
  void roundingModesOnTiesAndNegatives(String mode, String expected) {
    FixedType ft = new FixedType(true, 8, 8, Rounding.parse(mode), Overflow.WRAP);
    long[] quarters = {9, 10, 11, 14, -9, -10, -11, -14, 12, -12};
    String[] want = expected.split(",");
    for (int i = 0; i < quarters.length; i++) {
      long expect = Long.parseLong(want[i].trim());
      assertEquals(expect, ft.quantize(quarters[i], 2), mode + " of " + quarters[i] / 4.0 + " (long path)");
      assertEquals(BigInteger.valueOf(expect), ft.quantize(BigInteger.valueOf(quarters[i]), 2),
          mode + " of " + quarters[i] / 4.0 + " (BigInteger path)");
    }
  }

  @Test
  void tiesAreDetectedOnlyWhenTheWholeDroppedPartIsExactlyOneHalf() {
    FixedType conv = new FixedType(true, 16, 16, Rounding.RND_CONV, Overflow.WRAP);
    // 0b10.1000_0001 (just above a tie) rounds up even for RND_CONV whose lower neighbour is even
    assertEquals(3, conv.quantize(0b1010000001L, 8));
    assertEquals(2, conv.quantize(0b1010000000L, 8));
    assertEquals(2, conv.quantize(0b1001111111L, 8));
    FixedType zero = new FixedType(true, 16, 16, Rounding.RND_ZERO, Overflow.WRAP);
    assertEquals(-3, zero.quantize(-0b1010000001L, 8));
    assertEquals(-2, zero.quantize(-0b1010000000L, 8));
  }

  @Test
  void overflowModesAtBothEndsOfASignedType() {
    FixedType wrap = t("fixed<8,8>");
    FixedType sat = t("fixed<8,8,TRN,SAT>");
    FixedType zero = t("fixed<8,8,TRN,SAT_ZERO>");
    FixedType sym = t("fixed<8,8,TRN,SAT_SYM>");
    long[] in = {127, 128, 255, 256, 300, -128, -129, -256, -257, -1000};
    long[] wrapWant = {127, -128, -1, 0, 44, -128, 127, 0, -1, 24};
    long[] satWant = {127, 127, 127, 127, 127, -128, -128, -128, -128, -128};
    long[] zeroWant = {127, 0, 0, 0, 0, -128, 0, 0, 0, 0};
    long[] symWant = {127, 127, 127, 127, 127, -128, -127, -127, -127, -127};
    for (int i = 0; i < in.length; i++) {
      assertEquals(wrapWant[i], wrap.quantize(in[i], 0), "WRAP " + in[i]);
      assertEquals(satWant[i], sat.quantize(in[i], 0), "SAT " + in[i]);
      assertEquals(zeroWant[i], zero.quantize(in[i], 0), "SAT_ZERO " + in[i]);
      assertEquals(symWant[i], sym.quantize(in[i], 0), "SAT_SYM " + in[i]);
    }
  }

  @Test
  void overflowModesOfAnUnsignedType() {
    long[] in = {-1, 0, 15, 16, 17, -16, 33};
    long[] wrapWant = {15, 0, 15, 0, 1, 0, 1};
    long[] satWant = {0, 0, 15, 15, 15, 0, 15};
    long[] zeroWant = {0, 0, 15, 0, 0, 0, 0};
    for (int i = 0; i < in.length; i++) {
      assertEquals(wrapWant[i], t("ufixed<4,4>").quantize(in[i], 0), "WRAP " + in[i]);
      assertEquals(satWant[i], t("ufixed<4,4,TRN,SAT>").quantize(in[i], 0), "SAT " + in[i]);
      assertEquals(satWant[i], t("ufixed<4,4,TRN,SAT_SYM>").quantize(in[i], 0), "SAT_SYM " + in[i]);
      assertEquals(zeroWant[i], t("ufixed<4,4,TRN,SAT_ZERO>").quantize(in[i], 0), "SAT_ZERO " + in[i]);
    }
  }

  @Test
  void roundingThatCarriesIntoOverflowIsSaturatedOrWrapped() {
    // 7.5 rounds to 8, one above fixed<4,4>'s maximum of 7
    assertEquals(7, q(t("fixed<4,4,RND,SAT>"), 7.5));
    assertEquals(-8, q(t("fixed<4,4,RND,WRAP>"), 7.5));
    assertEquals(7, q(t("fixed<4,4,TRN,SAT>"), 7.5));
    // -8.5 rounds (RND_INF) to -9: below the minimum; SAT_SYM gives -7, SAT gives -8
    assertEquals(-7, q(t("fixed<4,4,RND_INF,SAT_SYM>"), -8.5));
    assertEquals(-8, q(t("fixed<4,4,RND_INF,SAT>"), -8.5));
    // -8.5 rounds (RND) to -8: the most negative value, in range, kept by SAT_SYM
    assertEquals(-8, q(t("fixed<4,4,RND,SAT_SYM>"), -8.5));
  }

  @Test
  void mostNegativeValueOfEveryWidthUpTo64() {
    for (int w = 1; w <= 64; w++) {
      FixedType sym = new FixedType(true, w, w, Rounding.TRN, Overflow.SAT_SYM);
      FixedType wrap = new FixedType(true, w, w, Rounding.TRN, Overflow.WRAP);
      BigInteger min = BigInteger.ONE.shiftLeft(w - 1).negate();
      assertEquals(min, sym.minRaw());
      assertEquals(min, sym.quantize(min, 0), "SAT_SYM keeps the in-range minimum at width " + w);
      assertEquals(min.negate().subtract(BigInteger.ONE).negate(), sym.quantize(min.subtract(BigInteger.ONE), 0),
          "SAT_SYM below the minimum at width " + w);
      assertEquals(sym.maxRaw(), wrap.quantize(min.subtract(BigInteger.ONE), 0), "WRAP below the minimum at width " + w);
      assertEquals(min, wrap.quantize(sym.maxRaw().add(BigInteger.ONE), 0), "WRAP above the maximum at width " + w);
      assertEquals(min.longValueExact(), wrap.quantize(min.longValueExact(), 0));
    }
  }

  @Test
  void widthOneSignedHoldsMinusOneAndZero() {
    FixedType wrap = t("fixed<1,1>");
    assertEquals(BigInteger.valueOf(-1), wrap.minRaw());
    assertEquals(BigInteger.ZERO, wrap.maxRaw());
    assertEquals(-1, q(wrap, -1.0));
    assertEquals(-1, q(wrap, 1.0)); // 0b1 is the sign bit
    assertEquals(0, q(wrap, 2.0));
    assertEquals(-1, q(wrap, -0.5)); // TRN floors
    assertEquals(0, q(t("fixed<1,1,RND,WRAP>"), -0.5)); // tie toward plus infinity
    assertEquals(0, q(t("fixed<1,1,TRN,SAT>"), 5.0));
    assertEquals(-1, q(t("fixed<1,1,TRN,SAT>"), -5.0));
    assertEquals(-1, q(t("fixed<1,1,TRN,SAT_SYM>"), -1.0)); // in range
    assertEquals(0, q(t("fixed<1,1,TRN,SAT_SYM>"), -2.0)); // -(2^0 - 1)
    assertEquals(0, q(t("fixed<1,1,TRN,SAT_ZERO>"), 1.0));
    assertEquals(-0.5, t("fixed<1,0>").toDouble(-1L));
  }

  @Test
  void widthOneUnsignedHoldsZeroAndOne() {
    FixedType wrap = t("ufixed<1,1>");
    assertEquals(BigInteger.ZERO, wrap.minRaw());
    assertEquals(BigInteger.ONE, wrap.maxRaw());
    assertEquals(1, q(wrap, 1.0));
    assertEquals(0, q(wrap, 2.0));
    assertEquals(1, q(wrap, -1.0)); // low bit of ...1111
    assertEquals(1, q(t("ufixed<1,1,TRN,SAT>"), 9.0));
    assertEquals(0, q(t("ufixed<1,1,TRN,SAT>"), -9.0));
    assertEquals(0, q(t("ufixed<1,1,TRN,SAT_SYM>"), -9.0));
    assertEquals(0, q(t("ufixed<1,1,TRN,SAT_ZERO>"), 2.0));
    assertEquals(1, q(t("ufixed<1,1,RND_CONV,SAT>"), 0.75));
    assertEquals(0, q(t("ufixed<1,1,RND_CONV,SAT>"), 0.5));
    assertEquals(1, q(t("ufixed<1,1,RND_CONV,SAT>"), 1.5)); // tie to even 2, saturated to 1
  }

  @Test
  void negativeIntegerBitsPutEveryBitBelowTheBinaryPoint() {
    FixedType u = t("ufixed<4,-2>"); // F = 6, values [0, 15/64]
    assertEquals(6, u.fractionBits());
    assertEquals(15.0 / 64, u.maxValue());
    assertEquals(6, q(u, 0.1)); // TRN: 6.4 -> 6
    assertEquals(15, q(t("ufixed<4,-2,TRN,SAT>"), 0.3));
    assertEquals(3, q(u, 0.3)); // 19.2 -> 19 -> low 4 bits = 3
    FixedType s = t("fixed<3,-1,RND_CONV,SAT>"); // F = 4, raw [-4, 3], values [-0.25, 0.1875]
    assertEquals(-4, q(s, -0.25));
    assertEquals(-4, q(s, -1.0));
    assertEquals(2, q(s, 0.15625)); // 2.5 ties to even
    assertEquals(3, q(s, 0.5));
  }

  @Test
  void integerBitsAboveTheWidthMakeTheLsbLargerThanOne() {
    FixedType big = t("fixed<4,6,RND_CONV,SAT>"); // F = -2: LSB 4, values [-32, 28]
    assertEquals(-2, big.fractionBits());
    assertEquals(4.0, big.lsb());
    assertEquals(28.0, big.maxValue());
    assertEquals(-32.0, big.minValue());
    assertEquals(2, q(big, 10.0)); // 2.5 ties to even 2
    assertEquals(4, q(big, 14.0)); // 3.5 ties to even 4
    assertEquals(7, q(big, 1000.0));
    assertEquals(-8, q(big, -1000.0));
    assertEquals(BigInteger.valueOf(3), big.quantize(BigInteger.valueOf(3), -2)); // already aligned
    assertEquals(-7, t("fixed<4,6>").quantize(25L, -2));
    assertEquals(-7, t("fixed<4,6>").quantize(100L, 0)); // 100/4 = 25 wraps to -7
  }

  @Test
  void wideTypesUseTheBigIntegerPath() {
    FixedType w = t("fixed<100,40,RND_CONV,SAT>");
    assertFalse(w.fitsLong());
    BigInteger max = BigInteger.ONE.shiftLeft(99).subtract(BigInteger.ONE);
    assertEquals(max, w.maxRaw());
    assertEquals(max, w.quantize(BigInteger.ONE.shiftLeft(200), 0));
    assertEquals(max.negate().subtract(BigInteger.ONE), w.quantize(BigInteger.ONE.shiftLeft(200).negate(), 0));
    // 2^70 + 0.5 LSB, tie to even: 2^70 is even
    BigInteger x = BigInteger.ONE.shiftLeft(71).add(BigInteger.ONE);
    assertEquals(BigInteger.ONE.shiftLeft(70), w.quantize(x, 61)); // F = 60, shift 1
    assertEquals(BigInteger.ONE.shiftLeft(70).add(BigInteger.TWO),
        w.quantize(BigInteger.ONE.shiftLeft(71).add(BigInteger.valueOf(3)), 61));
    FixedType wrap = t("ufixed<65,65>");
    assertEquals(BigInteger.ONE, wrap.quantize(BigInteger.ONE.shiftLeft(65).add(BigInteger.ONE), 0));
    assertEquals(BigInteger.ONE.shiftLeft(65).subtract(BigInteger.ONE), wrap.quantize(BigInteger.ONE.negate(), 0));
    assertEquals(0, new BigDecimal("0.1000000000000000055511151231257827021181583404541015625")
        .compareTo(t("fixed<128,4>").toDecimal(t("fixed<128,4>").fromDouble(0.1))));
  }

  @Test
  void theLongPathFallsBackWhenTheAlignmentShiftDoesNotFit() {
    FixedType t = t("fixed<64,0,TRN,SAT>");
    assertEquals(Long.MAX_VALUE, t.quantize(1L, -70)); // 2^70 saturates
    assertEquals(0, t("fixed<8,8,RND,SAT>").quantize(Long.MIN_VALUE + 1, 200)); // tiny negative rounds to 0
    assertEquals(-1, t("fixed<8,8>").quantize(-1L, 100)); // floor of a tiny negative
    assertEquals(Long.MIN_VALUE, t("fixed<64,64>").quantize(Long.MIN_VALUE, 0));
    assertEquals(-2L, t("fixed<64,64>").quantize(Long.MAX_VALUE, -1)); // (2^63 - 1) * 2 = 2^64 - 2 wraps to -2
  }

  @Test
  void fromDoubleIsExact() {
    FixedType wide = t("fixed<200,100>");
    double[] values = {0.1, -0.1, 1e-30, -1e-30, 1e29, Math.PI, Double.MIN_VALUE, -Double.MIN_NORMAL};
    for (double v : values) {
      assertEquals(FixedTypeOracle.quantize(wide, new BigDecimal(v)), wide.fromDouble(v), "value " + v);
    }
    assertEquals(BigInteger.ZERO, t("fixed<8,4>").fromDouble(-0.0));
    assertEquals(-1, q(t("fixed<8,4>"), -Double.MIN_VALUE)); // floor of a tiny negative is one LSB below zero
    assertEquals(0, q(t("fixed<8,4,TRN_ZERO,WRAP>"), -Double.MIN_VALUE));
    assertEquals(127, q(t("fixed<8,4,TRN,SAT>"), 1e300));
    assertThrows(ArithmeticException.class, () -> t("fixed<8,4>").fromDouble(Double.NaN));
    assertThrows(ArithmeticException.class, () -> t("fixed<8,4>").fromDouble(Double.POSITIVE_INFINITY));
  }

  @Test
  void rangeAndLsbQueries() {
    FixedType s = t("fixed<16,6>");
    assertEquals(10, s.fractionBits());
    assertEquals(Math.scalb(1.0, -10), s.lsb());
    assertEquals(-32.0, s.minValue());
    assertEquals(32.0 - Math.scalb(1.0, -10), s.maxValue());
    assertTrue(t("fixed<64,1>").fitsLong());
    assertFalse(t("ufixed<64,1>").fitsLong());
    assertTrue(t("ufixed<63,1>").fitsLong());
    assertEquals(new BigDecimal("-1.5"), s.toDecimal(BigInteger.valueOf(-1536)));
    assertEquals(new BigDecimal("-28"), t("fixed<4,6>").toDecimal(BigInteger.valueOf(-7)));
    assertEquals(t("fixed<16,6,RND,SAT>"), s.withModes(Rounding.RND, Overflow.SAT));
  }

  @Test
  void invalidTypesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> FixedType.signed(0, 0));
    assertThrows(IllegalArgumentException.class, () -> FixedType.signed(FixedType.MAX_WIDTH + 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new FixedType(true, 8, 8, null, Overflow.SAT));
    assertThrows(IllegalArgumentException.class, () -> new FixedType(true, 8, 100_000, Rounding.TRN, Overflow.SAT));
  }
}
