package dev.tessera.backend.verilog;

import dev.tessera.ir.arith.Range;
import dev.tessera.ir.FixedType;
import java.util.List;

/**
 * A tensor as it travels between layer modules: its type, its per-sample shape (no batch axis), and the exact bounds
 * of each element's raw value (often narrower than the type: a ReLU output is never negative).
 */
public record TensorDesc(FixedType type, long[] shape, List<Range> ranges) {

  public TensorDesc {
    shape = shape.clone();
    ranges = List.copyOf(ranges);
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    if (n != ranges.size()) {
      throw new IllegalArgumentException("shape has " + n + " elements but " + ranges.size() + " ranges are given");
    }
  }

  /** Elements per sample. */
  public int size() {
    return ranges.size();
  }

  /** Bits of the packed tensor. */
  public int bits() {
    return size() * type.width();
  }

  /** A tensor whose elements may take every value of the type. */
  public static TensorDesc full(FixedType type, long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    Range r = new Range(type.minRaw(), type.maxRaw());
    return new TensorDesc(type, shape, java.util.Collections.nCopies(Math.toIntExact(n), r));
  }
}
