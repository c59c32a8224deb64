package dev.tessera.ir.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CmvmTest {

  @Test
  void csdHasNoAdjacentDigitsAndSumsToTheValue() {
    Random r = new Random(1);
    for (int k = 0; k < 2000; k++) {
      long v = r.nextInt(1 << 20) - (1 << 19);
      long sum = 0;
      int last = -2;
      for (Csd.Digit d : Csd.digits(v)) {
        assertTrue(d.position() > last + 1, "adjacent digits in " + v);
        last = d.position();
        sum += d.sign() * (1L << d.position());
      }
      assertEquals(v, sum);
    }
    assertEquals(2, Csd.weight(7)); // 8 - 1
    assertEquals(0, Csd.weight(0));
    assertEquals(1, Csd.weight(-64));
  }

  @Test
  void shiftAddIsExactOnRandomMatrices() {
    Random r = new Random(7);
    for (int trial = 0; trial < 40; trial++) {
      int in = 1 + r.nextInt(12);
      int out = 1 + r.nextInt(10);
      int bits = 2 + r.nextInt(14);
      long[][] w = randomMatrix(r, out, in, bits);
      Range[] ranges = randomRanges(r, in);
      BigInteger[] offs = new BigInteger[out];
      for (int j = 0; j < out; j++) {
        offs[j] = r.nextInt(3) == 0 ? BigInteger.ZERO : BigInteger.valueOf(r.nextInt(1 << 12) - (1 << 11));
      }
      for (Cmvm.Options o : new Cmvm.Options[] {Cmvm.Options.noCse(), Cmvm.Options.defaults(),
          new Cmvm.Options(false, false, true, 0, 2), new Cmvm.Options(true, false, true, 4, 64),
          new Cmvm.Options(false, true, false, 0, -1), new Cmvm.Options(true, true, true, 300, 3)}) {
        AdderGraph g = Cmvm.shiftAdd(w, ranges, offs, o);
        checkExact(r, g, w, ranges, offs);
      }
      checkExact(r, Cmvm.generic(w, ranges, offs, 2), w, ranges, offs);
    }
  }

  @Test
  void zeroAndPowerOfTwoWeightsCostNoAdders() {
    long[][] w = {{0, 4, 0}, {0, 0, 0}, {-1, 0, 0}};
    Range[] ranges = {Range.of(-8, 7), Range.of(-8, 7), Range.of(0, 15)};
    AdderGraph g = Cmvm.shiftAdd(w, ranges, null, Cmvm.Options.defaults());
    // y0 = x1 << 2 is a wire, y1 = 0 a constant, y2 = -x0 needs one subtractor
    assertEquals(1, g.adders());
    assertEquals(BigInteger.valueOf(-32), g.outputRange(0).min());
    assertEquals(BigInteger.valueOf(28), g.outputRange(0).max());
    assertEquals(BigInteger.ZERO, g.outputRange(1).max());
    assertEquals(new Range(BigInteger.valueOf(-7), BigInteger.valueOf(8)), g.outputRange(2));
    checkExact(new Random(3), g, w, ranges, null);
  }

  @Test
  void sharingSavesAddersOnRepeatedPatterns() {
    // every output contains x0 + 3 x1 (x0 + x1<<2 - x1); sharing builds it once
    long[][] w = {{1, 3, 5, 0}, {1, 3, 0, 7}, {2, 6, 1, 1}, {1, 3, 9, 0}};
    Range[] ranges = {Range.of(-128, 127), Range.of(-128, 127), Range.of(-128, 127), Range.of(-128, 127)};
    AdderGraph plain = Cmvm.shiftAdd(w, ranges, null, Cmvm.Options.noCse());
    AdderGraph shared = Cmvm.shiftAdd(w, ranges, null, Cmvm.Options.defaults());
    assertTrue(shared.adders() < plain.adders(), shared.adders() + " vs " + plain.adders());
    checkExact(new Random(5), shared, w, ranges, null);
  }

  @Test
  void boundsAreExactAndWidthsMinimal() {
    Random r = new Random(11);
    long[][] w = randomMatrix(r, 6, 9, 10);
    Range[] ranges = randomRanges(r, 9);
    AdderGraph g = Cmvm.shiftAdd(w, ranges, null, Cmvm.Options.defaults());
    for (int j = 0; j < w.length; j++) {
      BigInteger[] hi = new BigInteger[9];
      BigInteger[] lo = new BigInteger[9];
      for (int i = 0; i < 9; i++) {
        hi[i] = w[j][i] >= 0 ? ranges[i].max() : ranges[i].min();
        lo[i] = w[j][i] >= 0 ? ranges[i].min() : ranges[i].max();
      }
      assertEquals(g.outputRange(j).max(), g.evaluate(hi)[j], "output " + j + " max is attained");
      assertEquals(g.outputRange(j).min(), g.evaluate(lo)[j], "output " + j + " min is attained");
    }
    assertEquals(8, Range.of(-128, 127).width());
    assertEquals(9, Range.of(0, 128).width());
    assertEquals(1, Range.of(-1, 0).width());
    assertEquals(2, Range.of(0, 1).width());
  }

  static long[][] randomMatrix(Random r, int out, int in, int bits) {
    long[][] w = new long[out][in];
    int zeroCol = r.nextInt(in);
    int pow2Col = r.nextInt(in);
    for (int j = 0; j < out; j++) {
      for (int i = 0; i < in; i++) {
        long v = r.nextInt(1 << bits) - (1L << (bits - 1));
        if (i == zeroCol || r.nextInt(6) == 0) {
          v = 0;
        } else if (i == pow2Col) {
          v = (r.nextBoolean() ? 1L : -1L) << r.nextInt(bits);
        }
        w[j][i] = v;
      }
    }
    return w;
  }

  static Range[] randomRanges(Random r, int in) {
    Range[] ranges = new Range[in];
    for (int i = 0; i < in; i++) {
      int b = 1 + r.nextInt(12);
      ranges[i] = r.nextBoolean() ? Range.of(-(1L << (b - 1)), (1L << (b - 1)) - 1) : Range.of(0, (1L << b) - 1);
    }
    return ranges;
  }

  static void checkExact(Random r, AdderGraph g, long[][] w, Range[] ranges, BigInteger[] offs) {
    int in = ranges.length;
    for (int v = 0; v < 200; v++) {
      BigInteger[] x = new BigInteger[in];
      for (int i = 0; i < in; i++) {
        long lo = ranges[i].min().longValueExact();
        long hi = ranges[i].max().longValueExact();
        long pick = v < 2 ? (v == 0 ? lo : hi) : lo + (long) (r.nextDouble() * (hi - lo + 1));
        x[i] = BigInteger.valueOf(Math.min(hi, pick));
      }
      BigInteger[] nodes = g.evaluateNodes(x);
      for (AdderNode n : g.nodes()) {
        assertTrue(n.range().contains(nodes[n.id()]), "node " + n + " value " + nodes[n.id()]);
      }
      BigInteger[] y = g.evaluate(x);
      for (int j = 0; j < w.length; j++) {
        BigInteger e = offs == null ? BigInteger.ZERO : offs[j];
        for (int i = 0; i < in; i++) {
          e = e.add(BigInteger.valueOf(w[j][i]).multiply(x[i]));
        }
        assertEquals(e, y[j], "output " + j);
        assertTrue(g.outputRange(j).contains(y[j]));
      }
    }
  }
}
