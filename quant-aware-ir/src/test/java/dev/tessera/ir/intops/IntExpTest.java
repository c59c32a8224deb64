package dev.tessera.ir.intops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tessera.ir.FixedType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** i-exp: constants, bit-exactness against the documented algorithm, accuracy, monotonicity. */
class IntExpTest {

  @Test
  void ln2ConstantHasFiftyCorrectDigits() {
    BigDecimal series = Reference.ln2();
    assertTrue(series.subtract(IntConstants.LN2).abs().compareTo(new BigDecimal("1e-50")) < 0,
        "ln2 " + IntConstants.LN2 + " vs series " + series);
  }

  @Test
  void constantsMatchTheirDefinitionsForEverySupportedK() {
    for (int k = IntExp.MIN_FRACTION_BITS; k <= IntExp.MAX_FRACTION_BITS; k++) {
      IntExp e = new IntExp(k);
      assertEquals(Reference.round(Reference.ln2(), k).longValueExact(), e.ln2(), "L for k=" + k);
      assertEquals(Reference.round(new BigDecimal("0.34663"), k + 2).longValueExact(), e.a(), "A for k=" + k);
      // documented bounds: P < 2^(2k+2), A P < 1.003 2^(3k+2)
      assertTrue(e.unscaledMax() < 1L << (2 * k + 2));
      assertTrue(e.a() * e.unscaledMax() < 1.003 * (1L << (3 * k + 2)), "A P(0) for k=" + k);
    }
    IntExp s = IntExp.standard();
    assertEquals(45426, s.ln2());
    assertEquals(90867, s.a());
  }

  @Test
  void bitExactAgainstTheDocumentedAlgorithm() {
    Random rnd = new Random(3);
    for (int k : new int[] {4, 8, 12, 16, 20}) {
      IntExp e = new IntExp(k);
      for (int i = 0; i < 3000; i++) {
        long d = -(rnd.nextLong() >>> (1 + rnd.nextInt(63)));
        if (i < 200) {
          d = -i;
        }
        BigInteger want = Reference.exp(Math.max(d, -(1L << 50)), k);
        long got = e.a() * e.unscaled(Math.max(d, -(1L << 50)));
        if (want.longValueExact() != got) {
          fail("k=" + k + " d=" + d + ": " + got + " != " + want);
        }
      }
    }
  }

  @Test
  void accuracyOverTheInputRange() {
    // every non-positive value of fixed<20,6> (F = 14) and of fixed<22,6> (F = 16 = k)
    for (FixedType in : new FixedType[] {FixedType.signed(20, 6), FixedType.signed(22, 6)}) {
      IntExp e = IntExp.standard();
      FixedType out = e.outputType();
      double maxAbs = 0;
      double maxRel = 0;
      for (long q = 0; q >= in.minRaw().longValueExact(); q--) {
        double x = in.toDouble(q);
        double got = out.toDouble(e.apply(q, in));
        double want = Math.exp(x);
        maxAbs = Math.max(maxAbs, Math.abs(got - want));
        if (x >= -8) {
          maxRel = Math.max(maxRel, Math.abs(got - want) / want);
        }
      }
      System.out.printf("i-exp %s k=16: max abs error %.4g, max rel error on [-8,0] %.4g%n", in, maxAbs, maxRel);
      assertTrue(maxAbs < 2.22e-3, "max abs error " + maxAbs);
      assertTrue(maxRel < 2.75e-3, "max rel error " + maxRel);
    }
  }

  @Test
  void monotoneOverEveryRawValue() {
    for (int k : new int[] {4, 8, 16, 20}) {
      IntExp e = new IntExp(k);
      FixedType in = FixedType.signed(20, 6);
      long prev = Long.MAX_VALUE;
      for (long q = 0; q >= in.minRaw().longValueExact(); q--) {
        long y = e.apply(q, in);
        if (y > prev) {
          fail("k=" + k + ": e(" + in.toDouble(q) + ") = " + y + " > e(next) = " + prev);
        }
        prev = y;
      }
      assertEquals(0, prev, "k=" + k + ": e(-32) must underflow to 0");
    }
  }

  @Test
  void piecesJoinWithoutAStep() {
    IntExp e = IntExp.standard();
    long l = e.ln2();
    for (long z = 0; z < 20; z++) {
      long atBoundary = e.unscaled(-(z + 1) * l); // p = 0 of piece z+1
      long justAbove = e.unscaled(-(z + 1) * l + 1); // p = -L + 1 of piece z
      assertTrue(atBoundary <= justAbove, "step at z=" + z);
    }
    assertEquals(6 * l * l, e.unscaled(0));
    assertEquals(3 * l * l, e.unscaled(-l));
  }

  @Test
  void deterministicAndArrayFormAgreesWithScalarForm() {
    FixedType in = FixedType.signed(16, 6);
    long[] raw = new long[2000];
    Random rnd = new Random(5);
    for (int i = 0; i < raw.length; i++) {
      raw[i] = -rnd.nextInt(1 << 15);
    }
    IntResult a = IntExp.standard().apply(raw, in);
    IntResult b = new IntExp(16).apply(raw.clone(), in);
    assertArrayEquals(a.raw(), b.raw());
    assertEquals(IntExp.standard().outputType(), a.type());
    for (int i = 0; i < raw.length; i++) {
      assertEquals(IntExp.standard().apply(raw[i], in), a.raw()[i]);
    }
  }

  @Test
  void smallInputFractionIsAlignedExactlyAndHugeInputsUnderflow() {
    IntExp e = IntExp.standard();
    FixedType coarse = FixedType.signed(12, 14); // F = -2: raw 1 means 4
    assertEquals(e.apply(-1L << 22, FixedType.signed(40, 20)), e.apply(-1, coarse));
    assertEquals(0, e.apply(-2047, coarse));
    FixedType wide = FixedType.signed(62, 30);
    assertEquals(0, e.apply(wide.minRaw().longValueExact(), wide));
  }

  @Test
  void invalidArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new IntExp(3));
    assertThrows(IllegalArgumentException.class, () -> new IntExp(21));
    assertThrows(IllegalArgumentException.class, () -> IntExp.standard().apply(1, FixedType.signed(8, 4)));
    assertThrows(IllegalArgumentException.class, () -> IntExp.standard().unscaled(1));
  }
}
