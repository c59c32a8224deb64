package dev.tessera.ir.interp;

import dev.tessera.ir.Dim;
import dev.tessera.ir.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * The sizes bound to the symbolic dimensions (the batch {@code N} and any other symbol) during one run of the float
 * interpreter. Symbols are bound from the graph inputs first and from computed shapes as they appear.
 */
final class FloatBinding {
  private final Map<String, Long> sizes = new HashMap<>();

  /** The size bound to a symbol, or -1. */
  long get(String symbol) {
    Long v = sizes.get(symbol);
    return v == null ? -1 : v;
  }

  /**
   * Matches a concrete shape against a declared one, binding unbound symbols; returns null on success or a short
   * description of the first mismatch.
   */
  String match(long[] actual, Shape declared) {
    if (actual.length != declared.rank()) {
      return "rank " + actual.length + " instead of " + declared.rank();
    }
    for (int i = 0; i < actual.length; i++) {
      Dim d = declared.dim(i);
      if (d.isSymbolic()) {
        long bound = get(d.symbol());
        if (bound < 0) {
          sizes.put(d.symbol(), actual[i]);
        } else if (bound != actual[i]) {
          return "axis " + i + " is " + actual[i] + " but " + d.symbol() + " is bound to " + bound;
        }
      } else if (d.size() != actual[i]) {
        return "axis " + i + " is " + actual[i] + " instead of " + d.size();
      }
    }
    return null;
  }

  /**
   * The sizes of a declared shape under this binding. At most one unbound symbol is allowed; it is inferred from
   * {@code elements}, the element count the shape must hold (as a reshape's -1).
   */
  long[] resolve(Shape declared, long elements) {
    long[] s = new long[declared.rank()];
    int unknown = -1;
    long known = 1;
    for (int i = 0; i < s.length; i++) {
      Dim d = declared.dim(i);
      long v = d.isSymbolic() ? get(d.symbol()) : d.size();
      if (v < 0) {
        if (unknown >= 0) {
          throw new IllegalArgumentException("shape " + declared + " has more than one unbound symbol");
        }
        unknown = i;
      } else {
        s[i] = v;
        known *= v;
      }
    }
    if (unknown >= 0) {
      if (known == 0 || elements % known != 0) {
        throw new IllegalArgumentException("cannot infer " + declared.dim(unknown) + " of " + declared + " from "
            + elements + " elements");
      }
      s[unknown] = elements / known;
    }
    return s;
  }
}
