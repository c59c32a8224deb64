package dev.tessera.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Quantization against the independent {@link FixedTypeOracle}: exhaustively on small types, randomly on every
 * width up to 64 (where the long and BigInteger paths must agree) and beyond 64 bits; plus text round trips.
 */
class FixedTypePropertyTest {

  private static final int[] INTEGER_BITS = {-3, -1, 0, 1, 3, 5, 8};

  @Test
  void everySmallTypeAgreesWithTheOracleOnEveryRawAndShift() {
    int checked = 0;
    for (int w = 1; w <= 5; w++) {
      for (boolean signed : new boolean[] {true, false}) {
        for (int i : INTEGER_BITS) {
          for (Rounding r : Rounding.values()) {
            for (Overflow o : Overflow.values()) {
              FixedType t = new FixedType(signed, w, i, r, o);
              for (int frac = -2; frac <= 6; frac++) {
                for (long raw = -40; raw <= 40; raw++) {
                  String what = t + " " + raw + "@" + frac;
                  BigInteger want = FixedTypeOracle.quantize(t, BigInteger.valueOf(raw), frac);
                  assertEquals(want, t.quantize(BigInteger.valueOf(raw), frac), what);
                  assertEquals(want.longValueExact(), t.quantize(raw, frac), what);
                  checked++;
                }
              }
            }
          }
        }
      }
    }
    assertEquals(5 * 2 * INTEGER_BITS.length * 7 * 4 * 9 * 81, checked);
  }

  @Test
  void longAndBigIntegerPathsAgreeOnRandomValuesOfEveryWidthUpTo64() {
    Random rnd = new Random(20240601L);
    for (int k = 0; k < 100_000; k++) {
      boolean signed = rnd.nextBoolean();
      int w = 1 + rnd.nextInt(signed ? 64 : 63);
      int i = -20 + rnd.nextInt(w + 40);
      FixedType t = new FixedType(signed, w, i, pick(rnd, Rounding.values()), pick(rnd, Overflow.values()));
      long raw = randomLong(rnd);
      int frac = -70 + rnd.nextInt(200);
      BigInteger big = t.quantize(BigInteger.valueOf(raw), frac);
      assertEquals(big.longValueExact(), t.quantize(raw, frac), () -> t + " " + raw + "@" + frac);
      if (k % 10 == 0) {
        assertEquals(FixedTypeOracle.quantize(t, BigInteger.valueOf(raw), frac), big, () -> t + " " + raw + "@" + frac);
      }
    }
  }

  @Test
  void typesWiderThan64BitsAgreeWithTheOracle() {
    Random rnd = new Random(7L);
    for (int k = 0; k < 20_000; k++) {
      boolean signed = rnd.nextBoolean();
      int w = 65 + rnd.nextInt(200);
      int i = -40 + rnd.nextInt(w + 80);
      FixedType t = new FixedType(signed, w, i, pick(rnd, Rounding.values()), pick(rnd, Overflow.values()));
      BigInteger raw = new BigInteger(1 + rnd.nextInt(400), rnd);
      BigInteger r = rnd.nextBoolean() ? raw.negate() : raw;
      int frac = -100 + rnd.nextInt(500);
      assertEquals(FixedTypeOracle.quantize(t, r, frac), t.quantize(r, frac), () -> t + " " + r + "@" + frac);
    }
  }

  @Test
  void fromDoubleAgreesWithTheOracleOnRandomDoubles() {
    Random rnd = new Random(99L);
    for (int k = 0; k < 50_000; k++) {
      boolean signed = rnd.nextBoolean();
      int w = 1 + rnd.nextInt(100);
      FixedType t = new FixedType(signed, w, -10 + rnd.nextInt(w + 20), pick(rnd, Rounding.values()),
          pick(rnd, Overflow.values()));
      double v = Math.scalb(rnd.nextDouble() * 2 - 1, -30 + rnd.nextInt(60));
      assertEquals(FixedTypeOracle.quantize(t, new java.math.BigDecimal(v)), t.fromDouble(v), () -> t + " " + v);
    }
  }

  @Test
  void textFormsRoundTrip() {
    Random rnd = new Random(3L);
    for (int k = 0; k < 5_000; k++) {
      FixedType t = new FixedType(rnd.nextBoolean(), 1 + rnd.nextInt(300), -50 + rnd.nextInt(400),
          pick(rnd, Rounding.values()), pick(rnd, Overflow.values()));
      assertEquals(t, FixedType.parse(t.toString()), t::toString);
      assertEquals(t, FixedType.parse(t.cppName()), t::cppName);
    }
  }

  @Test
  void acceptedSpellings() {
    FixedType s = new FixedType(true, 16, 6, Rounding.RND_CONV, Overflow.SAT);
    assertEquals(s, FixedType.parse("ap_fixed<16,6,AP_RND_CONV,AP_SAT>"));
    assertEquals(s, FixedType.parse(" fixed< 16 , 6 , rnd_conv , sat > "));
    assertEquals(s, FixedType.parse("ap_fixed<16,6,AP_RND_CONV,AP_SAT,0>"));
    assertEquals(FixedType.signed(16, 6), FixedType.parse("fixed<16,6>"));
    assertEquals(new FixedType(true, 16, 6, Rounding.RND, Overflow.WRAP), FixedType.parse("fixed<16,6,RND>"));
    assertEquals(FixedType.signed(8, 8), FixedType.parse("int<8>"));
    assertEquals(FixedType.unsigned(4, 4), FixedType.parse("ap_uint<4>"));
    assertEquals(FixedType.unsigned(4, 4), FixedType.parse("uint<4>"));
    assertEquals(FixedType.unsigned(8, -2), FixedType.parse("ufixed<8,-2>"));
    assertEquals("fixed<16,6>", FixedType.signed(16, 6).toString());
    assertEquals("ufixed<8,0,RND_CONV,SAT>", FixedType.parse("ap_ufixed<8,0,AP_RND_CONV,AP_SAT>").toString());
    assertEquals("ap_fixed<16,6,AP_TRN,AP_WRAP>", FixedType.signed(16, 6).cppName());
  }

  @Test
  void malformedTextIsRejectedWithTheExpectedForm() {
    String[] bad = {"fixed<16>", "int<8,2>", "fixed<0,1>", "fixed<16,6,RND,SAT,3>", "fixed<16,6,FOO>",
        "fixed<16,6,RND,SATURATE>", "float<16,6>", "fixed16,6", "fixed<16,6,SAT>"};
    for (String b : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FixedType.parse(b), b);
      assertEquals(true, Character.isLowerCase(e.getMessage().charAt(0)), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FixedType.parse("fixed<16,6,FOO>"));
    assertEquals(true, e.getMessage().contains("RND_CONV"), e.getMessage());
  }

  private static <T> T pick(Random rnd, T[] values) {
    return values[rnd.nextInt(values.length)];
  }

  private static long randomLong(Random rnd) {
    return switch (rnd.nextInt(5)) {
      case 0 -> rnd.nextInt(2001) - 1000;
      case 1 -> rnd.nextLong();
      case 2 -> rnd.nextLong() >> rnd.nextInt(64);
      case 3 -> rnd.nextBoolean() ? Long.MIN_VALUE + rnd.nextInt(3) : Long.MAX_VALUE - rnd.nextInt(3);
      default -> (rnd.nextBoolean() ? 1L : -1L) << rnd.nextInt(63);
    };
  }
}
