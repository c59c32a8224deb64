package dev.tessera.ir.intops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tessera.ir.FixedType;
import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** i-GELU: constants, bit-exactness, accuracy against GELU and against I-BERT's float formula, shape properties. */
class IntGeluTest {

  /** I-BERT's i-GELU evaluated in double (the published formula, before any integer rounding). */
  private static double floatIGelu(double x) {
    double t = x / Math.sqrt(2);
    double u = Math.min(Math.abs(t), 1.769);
    double erf = Math.signum(t) * (-0.2888 * (u - 1.769) * (u - 1.769) + 1);
    return x / 2 * (1 + erf);
  }

  @Test
  void constantsMatchTheirDefinitions() {
    for (int k = IntGelu.MIN_FRACTION_BITS; k <= IntGelu.MAX_FRACTION_BITS; k++) {
      IntGelu g = new IntGelu(k);
      double c = 1.769 * Math.sqrt(2) * Math.scalb(1.0, k);
      assertEquals(Math.round(c), g.clip(), "Bc for k=" + k);
      assertEquals(Reference.round(new BigDecimal("0.0722"), k + 2).longValueExact(), g.coefficient());
    }
    assertEquals(163954, IntGelu.standard().clip());
    assertEquals(18927, IntGelu.standard().coefficient());
  }

  @Test
  void bitExactAgainstTheDocumentedAlgorithm() {
    Random rnd = new Random(31);
    FixedType[] types = {FixedType.signed(16, 4), FixedType.signed(8, 3), FixedType.signed(40, 12),
        FixedType.signed(10, 12), FixedType.unsigned(12, 4)};
    for (int k : new int[] {4, 10, 16, 20}) {
      IntGelu g = new IntGelu(k);
      for (FixedType in : types) {
        long min = in.minRaw().longValueExact();
        long span = in.maxRaw().longValueExact() - min + 1;
        for (int i = 0; i < 2000; i++) {
          long q = min + Math.floorMod(rnd.nextLong(), span);
          long want = Reference.gelu(q, in.fractionBits(), k).longValueExact();
          long got = g.apply(q, in);
          if (want != got) {
            fail("k=" + k + " " + in + " q=" + q + ": " + got + " != " + want);
          }
        }
      }
    }
  }

  @Test
  void accuracyOverMinusFourToFour() {
    IntGelu g = IntGelu.standard();
    FixedType in = FixedType.signed(16, 3); // every raw value: [-4, 4) in steps of 2^-13
    FixedType out = g.outputType(in);
    double maxErr = 0;
    double sumSq = 0;
    double maxVsFloat = 0;
    double floatMax = 0;
    int n = 0;
    for (long q = in.minRaw().longValueExact(); q <= in.maxRaw().longValueExact(); q++) {
      double x = in.toDouble(q);
      double y = out.toDouble(g.apply(q, in));
      double err = Math.abs(y - Reference.gelu(x));
      maxErr = Math.max(maxErr, err);
      sumSq += err * err;
      maxVsFloat = Math.max(maxVsFloat, Math.abs(y - floatIGelu(x)));
      floatMax = Math.max(floatMax, Math.abs(floatIGelu(x) - Reference.gelu(x)));
      n++;
    }
    double rms = Math.sqrt(sumSq / n);
    System.out.printf("i-gelu k=16 on [-4,4): max error %.5g, rms %.5g (float formula max %.5g); "
        + "integer vs float formula max %.3g%n", maxErr, rms, floatMax, maxVsFloat);
    // I-BERT reports L2 0.0082 and L-infinity 0.018 over [-4, 4] for the formula
    assertTrue(maxErr < 0.0182, "max error " + maxErr);
    assertTrue(rms < 0.0083, "rms error " + rms);
    assertTrue(maxVsFloat < 8e-5, "integer vs float formula " + maxVsFloat);
  }

  @Test
  void saturatesOutsideTheClip() {
    IntGelu g = IntGelu.standard();
    FixedType in = FixedType.signed(16, 6);
    for (double x = 2.6; x < 31; x += 0.37) {
      long q = in.fromDouble(x).longValueExact();
      assertEquals(q << 16, g.apply(q, in), "gelu(" + x + ") must be x");
      assertEquals(0, g.apply(-q, in), "gelu(" + -x + ") must be 0");
    }
    assertEquals(0, g.apply(0, in));
  }

  @Test
  void monotoneForPositiveInputsAndExactlyOddSymmetric() {
    IntGelu g = IntGelu.standard();
    FixedType in = FixedType.signed(18, 4);
    long prev = Long.MIN_VALUE;
    for (long q = 0; q <= in.maxRaw().longValueExact(); q++) {
      long y = g.apply(q, in);
      if (y < prev) {
        fail("gelu decreases at raw " + q);
      }
      prev = y;
      // Phi(-x) = 1 - Phi(x): gelu(x) - gelu(-x) = x
      if (g.apply(q, in) - g.apply(-q, in) != q << 16) {
        fail("odd symmetry broken at raw " + q);
      }
    }
  }

  @Test
  void arrayFormTypesAndErrors() {
    IntGelu g = IntGelu.standard();
    FixedType in = FixedType.signed(16, 6);
    IntResult r = g.apply(new long[] {-32768, -1, 0, 1, 32767}, in);
    assertEquals(FixedType.signed(32, 6), r.type());
    for (long y : r.raw()) {
      assertTrue(y >= r.type().minRaw().longValueExact() && y <= r.type().maxRaw().longValueExact());
    }
    assertEquals(FixedType.unsigned(24, 2), g.outputType(FixedType.unsigned(8, 2)));
    assertThrows(IllegalArgumentException.class, () -> g.apply(new long[] {0}, FixedType.signed(50, 6)));
    assertThrows(IllegalArgumentException.class, () -> g.apply(new long[] {40000}, in));
    assertThrows(IllegalArgumentException.class, () -> new IntGelu(21));
  }
}
