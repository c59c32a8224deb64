package dev.tessera.ir.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.DType;
import dev.tessera.ir.interp.FloatMath.RoundMode;
import org.junit.jupiter.api.Test;

class FloatMathTest {

  /** x, erf(x) from CPython's math.erf (correctly rounded to about 1 ulp). */
  private static final double[][] ERF = {
      {0, 0.0}, {1e-10, 1.1283791670955126e-10}, {0.01, 0.011283415555849616}, {0.1, 0.1124629160182849},
      {0.25, 0.2763263901682369}, {0.3, 0.3286267594591274}, {0.5, 0.5204998778130465},
      {0.75, 0.7111556336535151}, {0.9, 0.7969082124228322}, {1, 0.8427007929497149},
      {1.25, 0.9229001282564582}, {1.5, 0.9661051464753108}, {1.7, 0.9837904585907745},
      {2, 0.9953222650189527}, {2.2, 0.9981371537020182}, {2.4999, 0.9995928300996666},
      {2.5, 0.999593047982555}, {2.6, 0.9997639655834707}, {2.75, 0.9998993780778803},
      {3, 0.9999779095030014}, {3.3, 0.9999969422902035}, {3.5, 0.9999992569016276},
      {4, 0.9999999845827421}, {4.5, 0.9999999998033839}, {5, 0.9999999999984626},
      {5.9, 0.9999999999999999}, {6.5, 1.0}, {-0.3, -0.3286267594591274}, {-1.7, -0.9837904585907745},
      {-2.6, -0.9997639655834707}, {-4.2, -0.9999999971445058}};

  @Test
  void erfMatchesReferenceValuesWithinTwoUlps() {
    for (double[] p : ERF) {
      double got = FloatMath.erf(p[0]);
      assertEquals(p[1], got, 5e-16 * Math.abs(p[1]), "erf(" + p[0] + ")");
    }
  }

  @Test
  void erfcTailIsAccurateRelativeToItsOwnSize() {
    // erfc(3) = 2.2090496998585438e-05, erfc(5) = 1.5374597944280351e-12 (CPython)
    assertEquals(2.2090496998585438e-05, FloatMath.erfcLarge(3), 1e-13 * 2.2090496998585438e-05);
    assertEquals(1.5374597944280351e-12, FloatMath.erfcLarge(5), 1e-13 * 1.5374597944280351e-12);
  }

  @Test
  void erfAgreesWithIntegratedGaussianOnAFineGrid() {
    // composite Simpson rule of 2/sqrt(pi) e^-t^2 with 2000 intervals per unit: error < 1e-14
    double h = 1.0 / 2000;
    double integral = 0;
    double maxErr = 0;
    for (int i = 0; i < 8000; i += 2) {
      double a = i * h;
      integral += h / 3 * (g(a) + 4 * g(a + h) + g(a + 2 * h));
      double x = (i + 2) * h;
      maxErr = Math.max(maxErr, Math.abs(integral - FloatMath.erf(x)));
    }
    assertTrue(maxErr < 1e-13, "max |erf - integral| = " + maxErr);
  }

  private static double g(double t) {
    return 2 / Math.sqrt(Math.PI) * Math.exp(-t * t);
  }

  @Test
  void erfIsOddAndHandlesSpecialValues() {
    assertTrue(Double.isNaN(FloatMath.erf(Double.NaN)));
    assertEquals(1.0, FloatMath.erf(Double.POSITIVE_INFINITY));
    assertEquals(-1.0, FloatMath.erf(Double.NEGATIVE_INFINITY));
    for (double x = 0.05; x < 7; x += 0.37) {
      assertEquals(-FloatMath.erf(x), FloatMath.erf(-x));
    }
  }

  /** The rounding table of the QONNX Quant documentation (plus ROUND_TO_ZERO = toward zero). */
  @Test
  void qonnxRoundingTable() {
    double[] x = {5.5, 2.5, 1.6, 1.1, 1.0, -1.0, -1.1, -1.6, -2.5, -5.5};
    check(RoundMode.ROUND, x, 6, 2, 2, 1, 1, -1, -1, -2, -2, -6);
    check(RoundMode.CEIL, x, 6, 3, 2, 2, 1, -1, -1, -1, -2, -5);
    check(RoundMode.FLOOR, x, 5, 2, 1, 1, 1, -1, -2, -2, -3, -6);
    check(RoundMode.UP, x, 6, 3, 2, 2, 1, -1, -2, -2, -3, -6);
    check(RoundMode.DOWN, x, 5, 2, 1, 1, 1, -1, -1, -1, -2, -5);
    check(RoundMode.HALF_UP, x, 6, 3, 2, 1, 1, -1, -1, -2, -3, -6);
    check(RoundMode.HALF_DOWN, x, 5, 2, 2, 1, 1, -1, -1, -2, -2, -5);
    check(RoundMode.ROUND_TO_ZERO, x, 5, 2, 1, 1, 1, -1, -1, -1, -2, -5);
  }

  private static void check(RoundMode m, double[] x, double... expected) {
    for (int i = 0; i < x.length; i++) {
      assertEquals(expected[i], FloatMath.round(x[i], m), m + " of " + x[i]);
    }
  }

  @Test
  void halfModesAreExactJustBelowAHalf() {
    double below = Math.nextDown(0.5);
    assertEquals(0.0, FloatMath.round(below, RoundMode.HALF_UP));
    assertEquals(0.0, FloatMath.round(-below, RoundMode.HALF_UP), 0.0);
    assertEquals(1.0, FloatMath.round(Math.nextUp(0.5), RoundMode.HALF_DOWN));
  }

  @Test
  void roundModeNamesAreCaseInsensitive() {
    assertEquals(RoundMode.HALF_UP, RoundMode.parse("half_up"));
    assertEquals(RoundMode.ROUND, RoundMode.parse(" Round "));
    assertNull(RoundMode.parse("BANKERS"));
  }

  @Test
  void qonnxIntegerRanges() {
    assertEquals(-128, FloatMath.minInt(true, false, 8));
    assertEquals(-127, FloatMath.minInt(true, true, 8));
    assertEquals(0, FloatMath.minInt(false, true, 8));
    assertEquals(127, FloatMath.maxInt(true, true, 8));
    assertEquals(255, FloatMath.maxInt(false, false, 8));
    assertEquals(254, FloatMath.maxInt(false, true, 8));
  }

  @Test
  void castToIntegerTypesTruncatesAndWraps() {
    assertEquals(3, FloatMath.cast(3.7, DType.INT8));
    assertEquals(-3, FloatMath.cast(-3.7, DType.INT8));
    assertEquals(-56, FloatMath.cast(200, DType.INT8));
    assertEquals(255, FloatMath.cast(-1, DType.UINT8));
    assertEquals(65535, FloatMath.cast(-1, DType.UINT16));
    assertEquals(4294967295.0, FloatMath.cast(-1, DType.UINT32));
    assertEquals(-2147483648.0, FloatMath.cast(2147483648.0, DType.INT32));
    assertEquals(123456789012.0, FloatMath.cast(123456789012.9, DType.INT64));
    assertEquals(0, FloatMath.cast(Double.NaN, DType.INT32));
    assertEquals(1, FloatMath.cast(-2, DType.BOOL));
    assertEquals(0, FloatMath.cast(0.0, DType.BOOL));
  }

  @Test
  void castToFloatTypesRoundsToTheirPrecision() {
    assertEquals(0.10000000149011612, FloatMath.cast(0.1, DType.FLOAT));
    assertEquals(0.1, FloatMath.cast(0.1, DType.DOUBLE));
    assertEquals(0.333251953125, FloatMath.cast(1.0 / 3, DType.FLOAT16));
    assertEquals(65504.0, FloatMath.cast(65519, DType.FLOAT16));
    assertEquals(Double.POSITIVE_INFINITY, FloatMath.cast(65520, DType.FLOAT16));
    assertEquals(1.0132789611816406e-06, FloatMath.cast(1e-6, DType.FLOAT16));
    assertEquals(0.333984375, FloatMath.cast(1.0 / 3, DType.BFLOAT16));
    assertEquals(-2.5, FloatMath.cast(-2.5, DType.FLOAT16));
  }

  @Test
  void sigmoidIsStableAtTheExtremes() {
    assertEquals(0.5, FloatMath.sigmoid(0));
    assertEquals(1.0, FloatMath.sigmoid(800));
    assertEquals(Math.exp(-800), FloatMath.sigmoid(-800), 1e-300);
    assertEquals(1 / (1 + Math.exp(-1.5)), FloatMath.sigmoid(1.5), 1e-16);
  }
}
