package dev.tessera.ir.arith;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Greedy common-subexpression elimination over the signed-digit terms of all outputs of one constant matrix-vector
 * product (docs/shift-add.md). A pattern is a pair of terms {@code (n1 << s1), (n2 << s2)} up to a common shift and
 * sign; the pattern that occurs in the most places becomes a new adder node and every occurrence is replaced by one
 * term on it. Pair counts are kept up to date incrementally, so each substitution costs time linear in the number of
 * terms of its output.
 */
final class PairCse {
  private static final int SHIFT_BITS = 12;
  private static final int NODE_BITS = 24;

  /** The terms of one output, by key {@code node << 12 | shift}, with their signs. */
  private static final class Output {
    final LinkedHashMap<Long, Integer> terms = new LinkedHashMap<>();
    final Map<Integer, TreeSet<Integer>> shifts = new HashMap<>();

    void put(int node, int shift, int sign) {
      terms.put(termKey(node, shift), sign);
      shifts.computeIfAbsent(node, k -> new TreeSet<>()).add(shift);
    }

    void remove(int node, int shift) {
      terms.remove(termKey(node, shift));
      TreeSet<Integer> s = shifts.get(node);
      s.remove(shift);
      if (s.isEmpty()) {
        shifts.remove(node);
      }
    }

    Integer sign(int node, int shift) {
      return terms.get(termKey(node, shift));
    }
  }

  private record Occurrence(Output out, int shiftLo, int signLo) {}

  private final GraphBuilder gb;
  private final int maxDepth;
  private final List<Output> outputs = new ArrayList<>();
  private final LongIntMap counts;
  private final LongIntMap dead = new LongIntMap(64);
  private final PriorityHeap heap = new PriorityHeap();
  private final int lookahead;
  private int extracted;

  private PairCse(GraphBuilder gb, int maxDepth, int lookahead, int expectedPairs) {
    this.gb = gb;
    this.maxDepth = maxDepth;
    this.lookahead = lookahead;
    counts = new LongIntMap(expectedPairs);
  }

  /**
   * Rewrites the term lists in place of {@code terms} by extracting shared pairs, as long as a pair occurs at least
   * twice and its adder would be at most {@code maxDepth} levels deep. Among up to {@code lookahead} patterns of the
   * highest count, the one that destroys the fewest other shareable pairs wins. Returns the number of extracted
   * adders.
   */
  static int run(GraphBuilder gb, List<List<Term>> terms, int maxDepth, int lookahead) {
    long pairs = 0;
    for (List<Term> t : terms) {
      pairs += (long) t.size() * (t.size() - 1) / 2;
    }
    PairCse cse = new PairCse(gb, maxDepth, lookahead, (int) Math.min(pairs, 1 << 26));
    cse.load(terms);
    cse.loop();
    for (int j = 0; j < terms.size(); j++) {
      List<Term> list = terms.get(j);
      list.clear();
      for (Map.Entry<Long, Integer> e : cse.outputs.get(j).terms.entrySet()) {
        list.add(new Term(termNode(e.getKey()), termShift(e.getKey()), e.getValue()));
      }
    }
    return cse.extracted;
  }

  private void load(List<List<Term>> terms) {
    for (List<Term> list : terms) {
      Output o = new Output();
      for (Term t : list) {
        if (t.shift() >= (1 << SHIFT_BITS) || t.node() >= (1 << NODE_BITS)) {
          throw new IllegalArgumentException("term " + t + " is too large for the pair search");
        }
        if (o.sign(t.node(), t.shift()) != null) {
          throw new IllegalArgumentException("duplicate term " + t);
        }
        o.put(t.node(), t.shift(), t.sign());
      }
      outputs.add(o);
    }
    for (Output o : outputs) {
      List<Map.Entry<Long, Integer>> es = new ArrayList<>(o.terms.entrySet());
      for (int i = 0; i < es.size(); i++) {
        for (int k = i + 1; k < es.size(); k++) {
          long p = pattern(es.get(i).getKey(), es.get(i).getValue(), es.get(k).getKey(), es.get(k).getValue());
          if (allowed(p)) {
            counts.add(p, 1);
          }
        }
      }
    }
    counts.forEach((key, value) -> {
      if (value >= 2) {
        heap.push(priority(key, value), key);
      }
    });
  }

  private void loop() {
    while (!heap.isEmpty()) {
      long prio = heap.topPriority();
      long key = heap.topKey();
      heap.pop();
      int c = (int) (prio >>> 16);
      if (counts.get(key) != c) {
        continue;
      }
      if (c < 2) {
        break;
      }
      if (dead.get(key) == c) {
        continue;
      }
      List<Occurrence> occ = occurrences(key);
      if (occ.size() < 2) {
        dead.add(key, c - dead.get(key));
        continue;
      }
      if (lookahead > 0) {
        long bestKey = key;
        List<Occurrence> bestOcc = occ;
        long bestDamage = damage(key, occ);
        List<long[]> back = new ArrayList<>();
        while (back.size() < lookahead && !heap.isEmpty()) {
          long p2 = heap.topPriority();
          long k2 = heap.topKey();
          heap.pop();
          if (counts.get(k2) != (int) (p2 >>> 16) || dead.get(k2) == (int) (p2 >>> 16)) {
            continue;
          }
          back.add(new long[] {p2, k2});
          if ((int) (p2 >>> 16) != c) {
            break;
          }
          List<Occurrence> o2 = occurrences(k2);
          if (o2.size() < occ.size()) {
            continue;
          }
          long d2 = damage(k2, o2);
          if (d2 < bestDamage) {
            bestDamage = d2;
            bestKey = k2;
            bestOcc = o2;
          }
        }
        for (long[] b : back) {
          heap.push(b[0], b[1]);
        }
        if (bestKey != key) {
          heap.push(prio, key);
        }
        key = bestKey;
        occ = bestOcc;
      }
      apply(key, occ);
      if (heap.size() > 8 * counts.size() + (1 << 20)) {
        heap.clear();
        counts.forEach((k, v) -> {
          if (v >= 2) {
            heap.push(priority(k, v), k);
          }
        });
      }
    }
  }

  /** Non-overlapping occurrences of a pattern, scanning every output in order. */
  private List<Occurrence> occurrences(long p) {
    int lo = patLo(p);
    int hi = patHi(p);
    int d = patShift(p);
    int rel = patRel(p);
    List<Occurrence> occ = new ArrayList<>();
    for (Output o : outputs) {
      TreeSet<Integer> shifts = o.shifts.get(lo);
      if (shifts == null) {
        continue;
      }
      TreeSet<Integer> used = new TreeSet<>();
      for (int s : shifts) {
        if (used.contains(s)) {
          continue;
        }
        Integer gLo = o.sign(lo, s);
        Integer gHi = o.sign(hi, s + d);
        if (gHi == null || gLo * gHi != rel || (lo == hi && used.contains(s + d))) {
          continue;
        }
        if (lo == hi) {
          used.add(s);
          used.add(s + d);
        }
        occ.add(new Occurrence(o, s, gLo));
      }
    }
    return occ;
  }

  /** Pair occurrences of other shareable patterns that the substitution would destroy. */
  private long damage(long p, List<Occurrence> occ) {
    long d = 0;
    int lo = patLo(p);
    int hi = patHi(p);
    int sh = patShift(p);
    for (Occurrence oc : occ) {
      Output o = oc.out();
      long tl = termKey(lo, oc.shiftLo());
      long th = termKey(hi, oc.shiftLo() + sh);
      int gl = o.terms.get(tl);
      int gh = o.terms.get(th);
      for (Map.Entry<Long, Integer> e : o.terms.entrySet()) {
        long t = e.getKey();
        if (t == tl || t == th) {
          continue;
        }
        if (counts.get(pattern(tl, gl, t, e.getValue())) >= 2) {
          d++;
        }
        if (counts.get(pattern(th, gh, t, e.getValue())) >= 2) {
          d++;
        }
      }
    }
    return d;
  }

  private void apply(long p, List<Occurrence> occ) {
    int lo = patLo(p);
    int hi = patHi(p);
    int d = patShift(p);
    int node = gb.add(lo, hi, d, patRel(p) < 0);
    extracted++;
    for (Occurrence oc : occ) {
      Output o = oc.out();
      removeTerm(o, lo, oc.shiftLo());
      removeTerm(o, hi, oc.shiftLo() + d);
      addTerm(o, node, oc.shiftLo(), oc.signLo());
    }
  }

  private void removeTerm(Output o, int node, int shift) {
    long key = termKey(node, shift);
    int sign = o.terms.get(key);
    o.remove(node, shift);
    for (Map.Entry<Long, Integer> e : o.terms.entrySet()) {
      bump(pattern(key, sign, e.getKey(), e.getValue()), -1);
    }
  }

  private void addTerm(Output o, int node, int shift, int sign) {
    // a new node is fresh, and the occurrences in one output have distinct low shifts, so no term collides
    long key = termKey(node, shift);
    for (Iterator<Map.Entry<Long, Integer>> it = o.terms.entrySet().iterator(); it.hasNext();) {
      Map.Entry<Long, Integer> e = it.next();
      bump(pattern(key, sign, e.getKey(), e.getValue()), 1);
    }
    o.put(node, shift, sign);
  }

  private void bump(long p, int delta) {
    if (!allowed(p)) {
      return;
    }
    int c = counts.add(p, delta);
    if (c >= 2) {
      heap.push(priority(p, c), p);
    }
  }

  private boolean allowed(long p) {
    return Math.max(gb.depth(patLo(p)), gb.depth(patHi(p))) + 1 <= maxDepth;
  }

  /**
   * Higher count first, then the deeper adder: building on subexpressions already shared tends to share more (the
   * depth bound keeps this in check).
   */
  private long priority(long p, int count) {
    int depth = Math.max(gb.depth(patLo(p)), gb.depth(patHi(p))) + 1;
    return ((long) count << 16) | Math.min(depth, 0xFFFF);
  }

  static long termKey(int node, int shift) {
    return ((long) node << SHIFT_BITS) | shift;
  }

  static int termNode(long key) {
    return (int) (key >>> SHIFT_BITS);
  }

  static int termShift(long key) {
    return (int) (key & ((1 << SHIFT_BITS) - 1));
  }

  /** Canonical pattern of two terms: the lower shift (then the smaller node) first; sign of the product of signs. */
  static long pattern(long t1, int g1, long t2, int g2) {
    int n1 = termNode(t1);
    int s1 = termShift(t1);
    int n2 = termNode(t2);
    int s2 = termShift(t2);
    if (s1 > s2 || (s1 == s2 && n1 > n2)) {
      int t = n1;
      n1 = n2;
      n2 = t;
      t = s1;
      s1 = s2;
      s2 = t;
    }
    int rel = g1 * g2;
    return ((long) n1 << (NODE_BITS + SHIFT_BITS + 1)) | ((long) n2 << (SHIFT_BITS + 1))
        | ((long) (s2 - s1) << 1) | (rel < 0 ? 1 : 0);
  }

  static int patLo(long p) {
    return (int) (p >>> (NODE_BITS + SHIFT_BITS + 1));
  }

  static int patHi(long p) {
    return (int) ((p >>> (SHIFT_BITS + 1)) & ((1 << NODE_BITS) - 1));
  }

  static int patShift(long p) {
    return (int) ((p >>> 1) & ((1 << SHIFT_BITS) - 1));
  }

  static int patRel(long p) {
    return (p & 1) != 0 ? -1 : 1;
  }
}
