package dev.tessera.ir.intops;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Test references: double-precision erf and GELU, and an independent BigInteger transcription of the algorithms
 * of docs/integer-ops.md (the constants are recomputed here from their definitions with 60-digit arithmetic).
 */
final class Reference {

  private static final MathContext MC = new MathContext(60);

  private Reference() {}

  /** erf to about 1e-15: Maclaurin series below 3, continued fraction of erfc above. */
  static double erf(double x) {
    double t = Math.abs(x);
    double s;
    if (t < 3) {
      double sum = 0;
      double p = t;
      double fact = 1;
      for (int n = 0; n < 120; n++) {
        sum += (n % 2 == 0 ? 1 : -1) * p / (fact * (2 * n + 1));
        p *= t * t;
        fact *= n + 1;
      }
      s = 2 / Math.sqrt(Math.PI) * sum;
    } else {
      double f = 0;
      for (int n = 80; n >= 1; n--) {
        f = n / 2.0 / (t + f);
      }
      s = 1 - Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
    }
    return x < 0 ? -s : s;
  }

  static double gelu(double x) {
    return x / 2 * (1 + erf(x / Math.sqrt(2)));
  }

  private static final BigDecimal LN2 = computeLn2();
  private static final BigDecimal SQRT2 = BigDecimal.valueOf(2).sqrt(MC);

  /** ln 2 from the series sum 1 / (j 2^j), to 60 digits. */
  static BigDecimal ln2() {
    return LN2;
  }

  private static BigDecimal computeLn2() {
    BigDecimal sum = BigDecimal.ZERO;
    for (int j = 1; j < 230; j++) {
      sum = sum.add(BigDecimal.ONE.divide(BigDecimal.valueOf(j).multiply(new BigDecimal(BigInteger.TWO.pow(j))),
          MC));
    }
    return sum;
  }

  /** round half even of v 2^bits. */
  static BigInteger round(BigDecimal v, int bits) {
    return v.multiply(new BigDecimal(BigInteger.TWO.pow(bits))).setScale(0, RoundingMode.HALF_EVEN)
        .toBigIntegerExact();
  }

  /** The documented i-exp: A E for d <= 0 at k fraction bits. */
  static BigInteger exp(long d, int k) {
    BigInteger l = round(ln2(), k);
    BigInteger a = round(new BigDecimal("0.34663"), k + 2);
    BigInteger bd = BigInteger.valueOf(d);
    BigInteger[] zr = bd.negate().divideAndRemainder(l); // -d >= 0: floor division
    BigInteger z = zr[0];
    BigInteger p = bd.add(z.multiply(l));
    BigInteger t = p.add(l.shiftLeft(1));
    BigInteger poly = t.multiply(t).add(l.multiply(l).shiftLeft(1));
    BigInteger e = z.compareTo(BigInteger.valueOf(1000)) > 0 ? BigInteger.ZERO : poly.shiftRight(z.intValueExact());
    return a.multiply(e);
  }

  /** The documented i-GELU: y for a raw q with f fraction bits. */
  static BigInteger gelu(long q, int f, int k) {
    BigDecimal c = new BigDecimal("1.769").multiply(SQRT2, MC);
    BigInteger bc = round(c, k);
    BigInteger ha = round(new BigDecimal("0.0722"), k + 2);
    BigInteger m = BigInteger.valueOf(q).abs();
    m = f >= k ? m.shiftRight(f - k) : m.shiftLeft(k - f);
    BigInteger u = m.min(bc);
    BigInteger d = bc.subtract(u);
    BigInteger h = ha.multiply(d).multiply(d).add(BigInteger.ONE.shiftLeft(2 * k + 1)).shiftRight(2 * k + 2);
    BigInteger phi = q >= 0 ? BigInteger.ONE.shiftLeft(k).subtract(h) : h;
    return BigInteger.valueOf(q).multiply(phi);
  }

  /** The documented softmax of one row of raw values with f fraction bits, k working bits, fo output bits. */
  static long[] softmax(long[] q, int f, int k, int fo) {
    long max = Long.MIN_VALUE;
    for (long v : q) {
      max = Math.max(max, v);
    }
    BigInteger l = round(ln2(), k);
    BigInteger[] e = new BigInteger[q.length];
    BigInteger sum = BigInteger.ZERO;
    for (int i = 0; i < q.length; i++) {
      BigInteger d = BigInteger.valueOf(q[i] - max);
      d = f <= k ? d.shiftLeft(k - f) : d.shiftRight(f - k);
      BigInteger z = d.negate().divide(l);
      BigInteger p = d.add(z.multiply(l));
      BigInteger t = p.add(l.shiftLeft(1));
      BigInteger poly = t.multiply(t).add(l.multiply(l).shiftLeft(1));
      e[i] = z.bitLength() > 20 ? BigInteger.ZERO : poly.shiftRight(z.intValueExact());
      sum = sum.add(e[i]);
    }
    int s = sum.bitLength();
    BigInteger r = BigInteger.ONE.shiftLeft(s + fo + 2).divide(sum);
    long[] y = new long[q.length];
    for (int i = 0; i < q.length; i++) {
      y[i] = e[i].multiply(r).add(BigInteger.ONE.shiftLeft(s + 1)).shiftRight(s + 2).longValueExact();
    }
    return y;
  }

  static double[] softmax(double[] x) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      m = Math.max(m, v);
    }
    double[] y = new double[x.length];
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.exp(x[i] - m);
      sum += y[i];
    }
    for (int i = 0; i < x.length; i++) {
      y[i] /= sum;
    }
    return y;
  }
}
