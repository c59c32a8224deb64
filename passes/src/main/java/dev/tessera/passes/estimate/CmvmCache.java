package dev.tessera.passes.estimate;

import dev.tessera.ir.arith.Cmvm;
import dev.tessera.ir.arith.Range;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adder counts of constant matrix-vector products, cached per weight matrix, offsets, input range and construction,
 * so that a search that estimates the same layer many times builds its adder graph once. Least recently used entries
 * go first beyond {@link #CAPACITY}. Thread-safe.
 */
final class CmvmCache {

  /** Entries kept; an entry is a few numbers, its key the matrix (jet tagger: at most 2,048 weights). */
  static final int CAPACITY = 2048;

  private static final Map<Key, AdderCount> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, AdderCount> e) {
      return size() > CAPACITY;
    }
  };

  private CmvmCache() {}

  /**
   * The adder count of {@code W x + offsets} for inputs in {@code [lo, hi]} built with the backend's default options
   * ({@code exact}) or as plain signed digits, pipelined every {@code levelsPerStage} levels.
   */
  static AdderCount count(long[][] w, BigInteger[] offsets, long lo, long hi, boolean exact, int levelsPerStage) {
    Key k = new Key(w, offsets, lo, hi, exact, levelsPerStage);
    synchronized (CACHE) {
      AdderCount c = CACHE.get(k);
      if (c != null) {
        return c;
      }
    }
    int n = w.length == 0 ? 0 : w[0].length;
    Range[] in = new Range[n];
    Arrays.fill(in, Range.of(lo, hi));
    AdderCount c = AdderCount.of(Cmvm.shiftAdd(w, in, offsets,
        exact ? Cmvm.Options.defaults() : Cmvm.Options.noCse()), levelsPerStage);
    synchronized (CACHE) {
      CACHE.put(k, c);
    }
    return c;
  }

  /** Drops every entry (for tests that time the construction). */
  static void clear() {
    synchronized (CACHE) {
      CACHE.clear();
    }
  }

  private static final class Key {
    private final long[][] w;
    private final BigInteger[] offsets;
    private final long lo;
    private final long hi;
    private final boolean exact;
    private final int levels;
    private final int hash;

    Key(long[][] w, BigInteger[] offsets, long lo, long hi, boolean exact, int levels) {
      this.w = w;
      this.offsets = offsets;
      this.lo = lo;
      this.hi = hi;
      this.exact = exact;
      this.levels = levels;
      this.hash = Arrays.deepHashCode(w) * 31 + Arrays.hashCode(offsets) + Long.hashCode(lo * 37 + hi)
          + (exact ? 7 : 0) + levels * 101;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && hash == k.hash && lo == k.lo && hi == k.hi && exact == k.exact
          && levels == k.levels && Arrays.deepEquals(w, k.w) && Arrays.equals(offsets, k.offsets);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
