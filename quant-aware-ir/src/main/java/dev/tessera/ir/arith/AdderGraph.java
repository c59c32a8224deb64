package dev.tessera.ir.arith;

import java.math.BigInteger;
import java.util.List;

/**
 * An immutable shift-add (or multiply-add) graph computing a constant matrix-vector product plus constants. Nodes
 * are in topological order, the first {@link #inputCount()} are the inputs in order. Output {@code j} is
 * {@code outputs().get(j)}, a term of sign +1.
 */
public record AdderGraph(Range[] inputRanges, List<AdderNode> nodes, List<Term> outputs) {

  public AdderGraph {
    inputRanges = inputRanges.clone();
    nodes = List.copyOf(nodes);
    outputs = List.copyOf(outputs);
    for (Term t : outputs) {
      if (t.sign() != 1) {
        throw new IllegalArgumentException("graph outputs must have sign +1");
      }
    }
  }

  public int inputCount() {
    return inputRanges.length;
  }

  public AdderNode node(int id) {
    return nodes.get(id);
  }

  /** Number of two-operand adders and subtractors. */
  public int adders() {
    int n = 0;
    for (AdderNode node : nodes) {
      if (node.kind() == AdderNode.Kind.ADD) {
        n++;
      }
    }
    return n;
  }

  /** Number of generic multipliers. */
  public int multipliers() {
    int n = 0;
    for (AdderNode node : nodes) {
      if (node.kind() == AdderNode.Kind.MUL) {
        n++;
      }
    }
    return n;
  }

  /** Sum over adders of the bits that need a full adder (the bits above the wired low bits). */
  public long adderBits() {
    long bits = 0;
    for (AdderNode node : nodes) {
      if (node.kind() == AdderNode.Kind.ADD) {
        bits += Math.max(0, node.width() - node.shift());
      }
    }
    return bits;
  }

  /** Largest number of adder levels from an input to an output. */
  public int depth() {
    int d = 0;
    for (Term t : outputs) {
      d = Math.max(d, nodes.get(t.node()).depth());
    }
    return d;
  }

  /** Exact bounds of output {@code j}. */
  public Range outputRange(int j) {
    Term t = outputs.get(j);
    Range r = nodes.get(t.node()).range();
    return new Range(r.min().shiftLeft(t.shift()), r.max().shiftLeft(t.shift()));
  }

  /** Evaluates every node for one input vector; inputs must lie in their ranges. */
  public BigInteger[] evaluateNodes(BigInteger[] x) {
    if (x.length != inputRanges.length) {
      throw new IllegalArgumentException("expected " + inputRanges.length + " inputs, got " + x.length);
    }
    BigInteger[] v = new BigInteger[nodes.size()];
    for (AdderNode n : nodes) {
      v[n.id()] = switch (n.kind()) {
        case INPUT -> {
          if (!inputRanges[n.input()].contains(x[n.input()])) {
            throw new IllegalArgumentException("input " + n.input() + " = " + x[n.input()] + " is outside "
                + inputRanges[n.input()]);
          }
          yield x[n.input()];
        }
        case CONST -> n.constant();
        case MUL -> v[n.a()].multiply(n.constant());
        case ADD -> {
          BigInteger b = v[n.b()].shiftLeft(n.shift());
          yield n.subtract() ? v[n.a()].subtract(b) : v[n.a()].add(b);
        }
      };
    }
    return v;
  }

  /** Evaluates the outputs for one input vector. */
  public BigInteger[] evaluate(BigInteger[] x) {
    BigInteger[] v = evaluateNodes(x);
    BigInteger[] y = new BigInteger[outputs.size()];
    for (int j = 0; j < y.length; j++) {
      Term t = outputs.get(j);
      y[j] = v[t.node()].shiftLeft(t.shift());
    }
    return y;
  }

  public BigInteger[] evaluate(long[] x) {
    BigInteger[] b = new BigInteger[x.length];
    for (int i = 0; i < x.length; i++) {
      b[i] = BigInteger.valueOf(x[i]);
    }
    return evaluate(b);
  }
}
