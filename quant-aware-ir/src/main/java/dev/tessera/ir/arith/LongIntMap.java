package dev.tessera.ir.arith;

import java.util.Arrays;

/** Open-addressing hash map from long keys to int values, absent = 0; the pair counts of {@link PairCse}. */
final class LongIntMap {
  private static final long EMPTY = Long.MIN_VALUE;
  private long[] keys;
  private int[] values;
  private int size;

  LongIntMap(int capacity) {
    int cap = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1;
    keys = new long[cap];
    values = new int[cap];
    Arrays.fill(keys, EMPTY);
  }

  int size() {
    return size;
  }

  int get(long key) {
    int i = find(key);
    return keys[i] == EMPTY ? 0 : values[i];
  }

  /** Adds {@code delta} and returns the new value; entries that reach 0 are removed. */
  int add(long key, int delta) {
    if (key == EMPTY) {
      throw new IllegalArgumentException("reserved key");
    }
    int i = find(key);
    if (keys[i] == EMPTY) {
      if (delta == 0) {
        return 0;
      }
      keys[i] = key;
      values[i] = delta;
      if (++size * 2 > keys.length) {
        grow();
      }
      return delta;
    }
    int v = values[i] + delta;
    if (v == 0) {
      remove(i);
    } else {
      values[i] = v;
    }
    return v;
  }

  /** Calls {@code visitor} for every entry. */
  void forEach(Visitor visitor) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != EMPTY) {
        visitor.visit(keys[i], values[i]);
      }
    }
  }

  /** Receives map entries. */
  interface Visitor {
    void visit(long key, int value);
  }

  private int find(long key) {
    int mask = keys.length - 1;
    int i = hash(key) & mask;
    while (keys[i] != EMPTY && keys[i] != key) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private void remove(int slot) {
    int mask = keys.length - 1;
    int hole = slot;
    int i = (slot + 1) & mask;
    while (keys[i] != EMPTY) {
      int home = hash(keys[i]) & mask;
      // move entry i into the hole when its home is not in (hole, i]
      boolean between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
      if (!between) {
        keys[hole] = keys[i];
        values[hole] = values[i];
        hole = i;
      }
      i = (i + 1) & mask;
    }
    keys[hole] = EMPTY;
    size--;
  }

  private void grow() {
    long[] ok = keys;
    int[] ov = values;
    keys = new long[ok.length * 2];
    values = new int[ok.length * 2];
    Arrays.fill(keys, EMPTY);
    size = 0;
    for (int i = 0; i < ok.length; i++) {
      if (ok[i] != EMPTY) {
        int j = find(ok[i]);
        keys[j] = ok[i];
        values[j] = ov[i];
        size++;
      }
    }
  }

  private static int hash(long key) {
    long h = key;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h;
  }
}
