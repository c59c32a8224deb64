package dev.tessera.ir.interp;

import dev.tessera.ir.FixedType;
import java.math.BigInteger;

/**
 * A run-time fixed-point tensor inside {@link FixedInterpreter}: raw integers of one type, held in a {@code long[]}
 * when every raw value of the type fits a long and in a {@code BigInteger[]} otherwise. Writes go through
 * {@code put}, which applies {@code Q_T} of docs/fixed-point.md to a raw value with a given number of fraction bits.
 */
final class FixedValue {
  final FixedType type;
  final long[] shape;
  final long[] l;
  final BigInteger[] b;

  private FixedValue(FixedType type, long[] shape, long[] l, BigInteger[] b) {
    this.type = type;
    this.shape = shape;
    this.l = l;
    this.b = b;
  }

  /** A zero-filled tensor. */
  static FixedValue zeros(FixedType type, long[] shape) {
    int n = Kernels.count(shape);
    if (type.fitsLong()) {
      return new FixedValue(type, shape, new long[n], null);
    }
    BigInteger[] b = new BigInteger[n];
    java.util.Arrays.fill(b, BigInteger.ZERO);
    return new FixedValue(type, shape, null, b);
  }

  static FixedValue ofLongs(FixedType type, long[] shape, long[] raw) {
    if (!type.fitsLong()) {
      BigInteger[] b = new BigInteger[raw.length];
      for (int i = 0; i < raw.length; i++) {
        b[i] = BigInteger.valueOf(raw[i]);
      }
      return new FixedValue(type, shape, null, b);
    }
    return new FixedValue(type, shape, raw, null);
  }

  static FixedValue of(FixedArray a) {
    if (a.type().fitsLong()) {
      long[] l = new long[a.size()];
      for (int i = 0; i < l.length; i++) {
        l[i] = a.raw()[i].longValueExact();
      }
      return new FixedValue(a.type(), a.shape(), l, null);
    }
    return new FixedValue(a.type(), a.shape(), null, a.raw().clone());
  }

  int size() {
    return l != null ? l.length : b.length;
  }

  BigInteger big(int i) {
    return l != null ? BigInteger.valueOf(l[i]) : b[i];
  }

  /** Stores {@code Q_T(raw * 2^-frac)} at index i. */
  void put(int i, long raw, int frac) {
    if (l != null) {
      l[i] = type.quantize(raw, frac);
    } else {
      b[i] = type.quantize(BigInteger.valueOf(raw), frac);
    }
  }

  /** Stores {@code Q_T(raw * 2^-frac)} at index i. */
  void put(int i, BigInteger raw, int frac) {
    if (l != null) {
      l[i] = type.quantize(raw, frac).longValueExact();
    } else {
      b[i] = type.quantize(raw, frac);
    }
  }

  /** Copies element {@code j} of {@code src} (of any type) to index i, through {@code Q_T}. */
  void putFrom(int i, FixedValue src, int j) {
    if (src.l != null) {
      put(i, src.l[j], src.type.fractionBits());
    } else {
      put(i, src.b[j], src.type.fractionBits());
    }
  }

  FixedArray toArray() {
    BigInteger[] r = new BigInteger[size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = big(i);
    }
    return new FixedArray(type, shape, r);
  }

  /** The largest magnitude of a raw value of {@code t}. */
  static BigInteger maxAbs(FixedType t) {
    return t.minRaw().abs().max(t.maxRaw());
  }

  /** True when a magnitude bound leaves a long enough headroom (62 bits) for the arithmetic around it. */
  static boolean fitsLong(BigInteger bound) {
    return bound.bitLength() <= 62;
  }
}
