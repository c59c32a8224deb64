package dev.tessera.ir.arith;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * A node's value as an exact linear function of the inputs, {@code sum c_i x_i + k}, kept sparse. It gives exact
 * bounds even when two operands of an adder share an input (interval arithmetic would not).
 */
final class LinearForm {
  private final int[] inputs;
  private final long[] coefs;
  private final BigInteger offset;

  private LinearForm(int[] inputs, long[] coefs, BigInteger offset) {
    this.inputs = inputs;
    this.coefs = coefs;
    this.offset = offset;
  }

  static LinearForm input(int i) {
    return new LinearForm(new int[] {i}, new long[] {1}, BigInteger.ZERO);
  }

  static LinearForm constant(BigInteger k) {
    return new LinearForm(new int[0], new long[0], k);
  }

  /** {@code this * k}. */
  LinearForm times(long k) {
    long[] c = new long[coefs.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = mulExact(coefs[i], k);
    }
    return new LinearForm(inputs.clone(), c, offset.multiply(BigInteger.valueOf(k))).dropZeros();
  }

  /** {@code this + sign * (other << shift)}. */
  LinearForm plus(LinearForm other, int shift, int sign) {
    int[] idx = new int[inputs.length + other.inputs.length];
    long[] c = new long[idx.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < inputs.length || j < other.inputs.length) {
      if (j >= other.inputs.length || (i < inputs.length && inputs[i] < other.inputs[j])) {
        idx[n] = inputs[i];
        c[n++] = coefs[i++];
      } else {
        long o = shifted(other.coefs[j], shift, sign);
        if (i < inputs.length && inputs[i] == other.inputs[j]) {
          idx[n] = inputs[i];
          c[n++] = addExact(coefs[i++], o);
          j++;
        } else {
          idx[n] = other.inputs[j++];
          c[n++] = o;
        }
      }
    }
    BigInteger k = offset.add(other.offset.shiftLeft(shift).multiply(BigInteger.valueOf(sign)));
    return new LinearForm(Arrays.copyOf(idx, n), Arrays.copyOf(c, n), k).dropZeros();
  }

  /** Exact bounds for inputs in the given ranges. */
  Range bounds(Range[] ranges) {
    BigInteger lo = offset;
    BigInteger hi = offset;
    for (int i = 0; i < inputs.length; i++) {
      BigInteger c = BigInteger.valueOf(coefs[i]);
      BigInteger a = c.multiply(ranges[inputs[i]].min());
      BigInteger b = c.multiply(ranges[inputs[i]].max());
      lo = lo.add(a.min(b));
      hi = hi.add(a.max(b));
    }
    return new Range(lo, hi);
  }

  /** The coefficient of input {@code i}. */
  long coefficient(int i) {
    int p = Arrays.binarySearch(inputs, i);
    return p >= 0 ? coefs[p] : 0;
  }

  BigInteger offset() {
    return offset;
  }

  private LinearForm dropZeros() {
    int n = 0;
    for (long c : coefs) {
      if (c != 0) {
        n++;
      }
    }
    if (n == coefs.length) {
      return this;
    }
    int[] idx = new int[n];
    long[] c = new long[n];
    int k = 0;
    for (int i = 0; i < coefs.length; i++) {
      if (coefs[i] != 0) {
        idx[k] = inputs[i];
        c[k++] = coefs[i];
      }
    }
    return new LinearForm(idx, c, offset);
  }

  private static long shifted(long c, int shift, int sign) {
    if (shift >= 63 || (c << shift) >> shift != c) {
      throw new ArithmeticException("coefficient " + c + " << " + shift + " does not fit 64 bits");
    }
    return sign * (c << shift);
  }

  private static long addExact(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new ArithmeticException("coefficient " + a + " + " + b + " does not fit 64 bits");
    }
  }

  private static long mulExact(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new ArithmeticException("coefficient " + a + " * " + b + " does not fit 64 bits");
    }
  }
}
