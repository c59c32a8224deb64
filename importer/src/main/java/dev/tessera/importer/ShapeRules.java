package dev.tessera.importer;

import dev.tessera.ir.Dim;
import dev.tessera.ir.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shape arithmetic with symbolic dimensions and provenance: broadcasting, products, reshape inference. A rule that
 * does not hold returns a {@link Broken} describing it, which the caller turns into one compiler-style error.
 */
public final class ShapeRules {

  private ShapeRules() {}

  /** A shape together with the producer of each dimension. */
  public record Dims(Shape shape, String[] origins) {
    public int rank() {
      return shape.rank();
    }
  }

  /** A broken rule: the rule text (e.g. {@code A[-1] == B[-2]}) and the facts that break it. */
  public static final class Broken extends Exception {
    private static final long serialVersionUID = 1L;

    public Broken(String message) {
      super(message, null, false, false);
    }
  }

  /** {@code A[i]=16 (from node 'fc1' (Gemm))}. */
  public static String ref(String label, Value v, int axis) {
    int a = axis < 0 ? axis + v.rank() : axis;
    String idx = axis < 0 ? Integer.toString(axis) : Integer.toString(a);
    return label + "[" + idx + "]=" + v.dim(a) + " (from " + v.origin(a) + ")";
  }

  /** {@code A 'x' float[N,16]}. */
  public static String operand(String label, Value v) {
    return label + " '" + v.tensor() + "' " + v.dtype() + v.shape();
  }

  /** Normalizes a possibly negative axis for a tensor of rank {@code rank}; null when out of range. */
  public static Integer axis(long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    return a < 0 || a >= rank ? null : (int) a;
  }

  /** Numpy (multidirectional) broadcasting of any number of values. */
  public static Dims broadcast(List<Value> values, List<String> labels) throws Broken {
    int rank = 0;
    for (Value v : values) {
      rank = Math.max(rank, v.rank());
    }
    List<Dim> dims = new ArrayList<>();
    String[] origins = new String[rank];
    for (int i = 0; i < rank; i++) {
      Dim cur = null;
      String origin = null;
      int curIndex = -1;
      for (int k = 0; k < values.size(); k++) {
        Value v = values.get(k);
        int a = i - (rank - v.rank());
        if (a < 0) {
          continue;
        }
        Dim d = v.dim(a);
        if (cur == null || (isOne(cur) && !isOne(d))) {
          cur = d;
          origin = v.origin(a);
          curIndex = k;
          continue;
        }
        if (isOne(d) || d.equals(cur)) {
          continue;
        }
        int fromEnd = i - rank;
        Value first = values.get(curIndex);
        throw new Broken("broadcast rule " + labels.get(curIndex) + "[" + fromEnd + "] == " + labels.get(k) + "["
            + fromEnd + "] (or one of them is 1) is broken: " + operand(labels.get(curIndex), first) + ", "
            + operand(labels.get(k), v) + "; " + ref(labels.get(curIndex), first, fromEnd) + ", "
            + ref(labels.get(k), v, fromEnd));
      }
      dims.add(cur);
      origins[i] = origin;
    }
    return new Dims(new Shape(dims), origins);
  }

  private static boolean isOne(Dim d) {
    return !d.isSymbolic() && d.size() == 1;
  }

  /**
   * The product of dimensions as one dimension: a number, or a single symbol when every other factor is 1. Null
   * when the product mixes a symbol with other factors (the IR cannot express {@code N*16}).
   */
  public static Dim product(List<Dim> dims) {
    long n = 1;
    String sym = null;
    for (Dim d : dims) {
      if (d.isSymbolic()) {
        if (sym != null) {
          return null;
        }
        sym = d.symbol();
      } else {
        n = Math.multiplyExact(n, d.size());
      }
    }
    if (sym == null) {
      return Dim.of(n);
    }
    return n == 1 ? Dim.sym(sym) : null;
  }

  /** Static element count of the non-symbolic dimensions and the multiset of symbols. */
  private static long staticPart(List<Dim> dims, Map<String, Integer> symbols) {
    long n = 1;
    for (Dim d : dims) {
      if (d == null) {
        continue;
      }
      if (d.isSymbolic()) {
        symbols.merge(d.symbol(), 1, Integer::sum);
      } else {
        n = Math.multiplyExact(n, d.size());
      }
    }
    return n;
  }

  /**
   * Resolves a reshape target in which at most one entry is null (the -1 to infer). Symbols must cancel: the input
   * and the output hold the same symbols, except that the inferred entry may be one symbol when the static parts
   * are equal.
   */
  public static List<Dim> inferReshape(Shape input, List<Dim> target) throws Broken {
    Map<String, Integer> inSyms = new HashMap<>();
    Map<String, Integer> outSyms = new HashMap<>();
    long inStatic = staticPart(input.dims(), inSyms);
    long outStatic = staticPart(target, outSyms);
    int unknown = target.indexOf(null);
    Map<String, Integer> rest = new HashMap<>(inSyms);
    for (var e : outSyms.entrySet()) {
      int have = rest.getOrDefault(e.getKey(), 0);
      if (have < e.getValue()) {
        throw new Broken("reshape target mentions symbolic dimension " + e.getKey()
            + " that the input " + input + " does not have");
      }
      if (have == e.getValue()) {
        rest.remove(e.getKey());
      } else {
        rest.put(e.getKey(), have - e.getValue());
      }
    }
    List<Dim> out = new ArrayList<>(target);
    if (unknown < 0) {
      if (!rest.isEmpty() || inStatic != outStatic) {
        throw new Broken("element counts differ: input " + input + " has " + count(inStatic, inSyms)
            + " elements, target " + show(target) + " has " + count(outStatic, outSyms));
      }
      return out;
    }
    if (rest.isEmpty()) {
      if (outStatic == 0 || inStatic % outStatic != 0) {
        throw new Broken("cannot infer -1: input " + input + " has " + count(inStatic, inSyms)
            + " elements, which the other target dimensions " + show(target) + " do not divide");
      }
      out.set(unknown, Dim.of(inStatic / outStatic));
      return out;
    }
    if (rest.size() == 1 && rest.values().iterator().next() == 1 && inStatic == outStatic) {
      out.set(unknown, Dim.sym(rest.keySet().iterator().next()));
      return out;
    }
    throw new Broken("the inferred dimension would be a product of the symbolic dimension(s) " + rest.keySet()
        + " and other sizes (input " + input + ", target " + show(target) + "), which the IR cannot express");
  }

  private static String count(long n, Map<String, Integer> syms) {
    StringBuilder sb = new StringBuilder(Long.toString(n));
    for (var e : syms.entrySet()) {
      for (int k = 0; k < e.getValue(); k++) {
        sb.append('*').append(e.getKey());
      }
    }
    return sb.toString();
  }

  private static String show(List<Dim> target) {
    List<String> s = new ArrayList<>();
    for (Dim d : target) {
      s.add(d == null ? "-1" : d.toString());
    }
    return "[" + String.join(",", s) + "]";
  }
}
