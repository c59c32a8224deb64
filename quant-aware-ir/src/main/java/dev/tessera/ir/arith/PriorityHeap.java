package dev.tessera.ir.arith;

import java.util.Arrays;

/**
 * Binary max-heap of (priority, key) pairs of longs; ties go to the smaller key, so the order is deterministic.
 * Used lazily: stale entries stay and are skipped by the caller.
 */
final class PriorityHeap {
  private long[] prio = new long[1024];
  private long[] keys = new long[1024];
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void clear() {
    size = 0;
  }

  void push(long p, long key) {
    if (size == prio.length) {
      prio = Arrays.copyOf(prio, size * 2);
      keys = Arrays.copyOf(keys, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!before(p, key, prio[parent], keys[parent])) {
        break;
      }
      prio[i] = prio[parent];
      keys[i] = keys[parent];
      i = parent;
    }
    prio[i] = p;
    keys[i] = key;
  }

  long topPriority() {
    return prio[0];
  }

  long topKey() {
    return keys[0];
  }

  void pop() {
    size--;
    if (size == 0) {
      return;
    }
    long p = prio[size];
    long k = keys[size];
    int i = 0;
    while (true) {
      int c = 2 * i + 1;
      if (c >= size) {
        break;
      }
      if (c + 1 < size && before(prio[c + 1], keys[c + 1], prio[c], keys[c])) {
        c++;
      }
      if (!before(prio[c], keys[c], p, k)) {
        break;
      }
      prio[i] = prio[c];
      keys[i] = keys[c];
      i = c;
    }
    prio[i] = p;
    keys[i] = k;
  }

  private static boolean before(long p1, long k1, long p2, long k2) {
    return p1 > p2 || (p1 == p2 && k1 < k2);
  }
}
