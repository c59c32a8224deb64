package dev.tessera.ir.arith;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Mutable construction of an {@link AdderGraph}: nodes are hash-consed (the same adder is never built twice) and
 * carry their exact linear form, from which every node's bounds and width follow.
 */
final class GraphBuilder {
  private record AddKey(int a, int b, int shift, boolean subtract) {}

  private record MulKey(int a, BigInteger k) {}

  private final Range[] inputRanges;
  private final List<AdderNode> nodes = new ArrayList<>();
  private final List<LinearForm> forms = new ArrayList<>();
  private final Map<AddKey, Integer> adds = new HashMap<>();
  private final Map<MulKey, Integer> muls = new HashMap<>();
  private final Map<BigInteger, Integer> constants = new HashMap<>();
  private final int[] inputNodes;
  private int mulLevels = 1;

  GraphBuilder(Range[] inputRanges) {
    this.inputRanges = inputRanges.clone();
    inputNodes = new int[inputRanges.length];
    for (int i = 0; i < inputRanges.length; i++) {
      inputNodes[i] = push(AdderNode.Kind.INPUT, i, BigInteger.ZERO, -1, -1, 0, false, 0, LinearForm.input(i));
    }
  }

  void multiplierLevels(int levels) {
    if (levels < 1) {
      throw new IllegalArgumentException("multiplier levels " + levels + " must be at least 1");
    }
    mulLevels = levels;
  }

  int inputCount() {
    return inputRanges.length;
  }

  int input(int i) {
    return inputNodes[i];
  }

  AdderNode node(int id) {
    return nodes.get(id);
  }

  int depth(int id) {
    return nodes.get(id).depth();
  }

  int size() {
    return nodes.size();
  }

  /** A constant node (trees use odd positive values, see {@link #constantTerm}; outputs any value). */
  int constant(BigInteger v) {
    Integer id = constants.get(v);
    if (id == null) {
      id = push(AdderNode.Kind.CONST, -1, v, -1, -1, 0, false, 0, LinearForm.constant(v));
      constants.put(v, id);
    }
    return id;
  }

  /** The constant {@code v} as a term on an odd (or zero) constant node. */
  Term constantTerm(BigInteger v) {
    if (v.signum() == 0) {
      return new Term(constant(BigInteger.ZERO), 0, 1);
    }
    int tz = v.getLowestSetBit();
    return new Term(constant(v.abs().shiftRight(tz)), tz, v.signum());
  }

  /** The node {@code a + (b << shift)} or {@code a - (b << shift)}. */
  int add(int a, int b, int shift, boolean subtract) {
    AddKey key = new AddKey(a, b, shift, subtract);
    Integer id = adds.get(key);
    if (id == null) {
      LinearForm f = forms.get(a).plus(forms.get(b), shift, subtract ? -1 : 1);
      int depth = Math.max(depth(a), depth(b)) + 1;
      id = push(AdderNode.Kind.ADD, -1, BigInteger.ZERO, a, b, shift, subtract, depth, f);
      adds.put(key, id);
    }
    return id;
  }

  /** The node {@code a * k} (generic multipliers); counts as {@link #multiplierLevels} levels. */
  int mul(int a, long k) {
    MulKey key = new MulKey(a, BigInteger.valueOf(k));
    Integer id = muls.get(key);
    if (id == null) {
      id = push(AdderNode.Kind.MUL, -1, key.k(), a, -1, 0, false, depth(a) + mulLevels, forms.get(a).times(k));
      muls.put(key, id);
    }
    return id;
  }

  /**
   * Combines two terms into one: the term with the smaller shift (then the positive one, then the older node) is
   * the unshifted operand, so the low bits of the sum are wires.
   */
  Term combine(Term x, Term y) {
    Term lo = x;
    Term hi = y;
    if (y.shift() < x.shift() || (y.shift() == x.shift() && preferFirst(y, x))) {
      lo = y;
      hi = x;
    }
    int id = add(lo.node(), hi.node(), hi.shift() - lo.shift(), lo.sign() != hi.sign());
    return new Term(id, lo.shift(), lo.sign());
  }

  private static boolean preferFirst(Term p, Term q) {
    if (p.sign() != q.sign()) {
      return p.sign() > 0;
    }
    return p.node() < q.node();
  }

  /** A term with sign +1 of the same value: negates through {@code 0 - x} when needed (one adder). */
  Term positive(Term t) {
    if (t.sign() > 0) {
      return t;
    }
    if (node(t.node()).kind() == AdderNode.Kind.CONST) {
      return new Term(constant(node(t.node()).constant().shiftLeft(t.shift()).negate()), 0, 1);
    }
    int zero = constant(BigInteger.ZERO);
    return new Term(add(zero, t.node(), 0, true), t.shift(), 1);
  }

  private int push(AdderNode.Kind kind, int input, BigInteger constant, int a, int b, int shift, boolean subtract,
      int depth, LinearForm form) {
    int id = nodes.size();
    Range r = form.bounds(inputRanges);
    nodes.add(new AdderNode(id, kind, input, constant, a, b, shift, subtract, depth, r));
    forms.add(form);
    return id;
  }

  /** The graph of the nodes reachable from {@code outputs}, renumbered densely; inputs are always kept. */
  AdderGraph build(List<Term> outputs) {
    boolean[] live = new boolean[nodes.size()];
    for (int i : inputNodes) {
      live[i] = true;
    }
    for (Term t : outputs) {
      live[t.node()] = true;
    }
    for (int id = nodes.size() - 1; id >= 0; id--) {
      if (live[id]) {
        AdderNode n = nodes.get(id);
        if (n.a() >= 0) {
          live[n.a()] = true;
        }
        if (n.b() >= 0) {
          live[n.b()] = true;
        }
      }
    }
    int[] map = new int[nodes.size()];
    List<AdderNode> kept = new ArrayList<>();
    for (int id = 0; id < nodes.size(); id++) {
      if (!live[id]) {
        map[id] = -1;
        continue;
      }
      AdderNode n = nodes.get(id);
      map[id] = kept.size();
      kept.add(new AdderNode(kept.size(), n.kind(), n.input(), n.constant(), n.a() < 0 ? -1 : map[n.a()],
          n.b() < 0 ? -1 : map[n.b()], n.shift(), n.subtract(), n.depth(), n.range()));
    }
    List<Term> outs = new ArrayList<>();
    for (Term t : outputs) {
      outs.add(new Term(map[t.node()], t.shift(), t.sign()));
    }
    return new AdderGraph(inputRanges, kept, outs);
  }
}
