package dev.tessera.ir.op;

import dev.tessera.ir.FixedType;

/**
 * A lookup table of {@code size = 2^n} entries over {@code [lo, lo + 2^rangeLog2)} whose entries have type
 * {@code type}; docs/fixed-point.md defines the index and the entries.
 */
public record TableSpec(int size, double lo, int rangeLog2, FixedType type) {

  public TableSpec {
    if (size < 2 || Integer.bitCount(size) != 1 || size > (1 << 20)) {
      throw new IllegalArgumentException("table size " + size + " must be a power of two in [2, 1048576]");
    }
    if (type == null) {
      throw new IllegalArgumentException("table needs an entry type");
    }
  }

  /** log2 of the size. */
  public int indexBits() {
    return Integer.numberOfTrailingZeros(size);
  }

  /** The input value at the middle of entry {@code i}, where the function is evaluated. */
  public double sampleAt(int i) {
    return lo + (i + 0.5) * Math.scalb(1.0, rangeLog2 - indexBits());
  }
}
