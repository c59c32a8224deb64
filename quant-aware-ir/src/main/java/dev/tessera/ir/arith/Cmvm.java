package dev.tessera.ir.arith;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Constant matrix-vector multiplication {@code y_j = sum_i W[j][i] x_i + c_j} as an adder graph: either shift-add
 * (canonical signed digits, shared subexpressions, balanced adder trees) or generic multipliers plus the same
 * trees. docs/shift-add.md describes the algorithm.
 */
public final class Cmvm {

  /**
   * Options of the shift-add construction.
   *
   * @param columnDiff pre-add inputs whose weight columns are close to shifted copies of each other
   * @param rowDiff derive outputs from similar outputs (adds at most one adder level)
   * @param cse share pairs of signed-digit terms across the outputs
   * @param lookahead patterns of the highest count compared per step; 0 = first found, -1 = automatic
   * @param maxCseDepth deepest level a shared subexpression may sit at; -1 = automatic
   */
  public record Options(boolean columnDiff, boolean rowDiff, boolean cse, int lookahead, int maxCseDepth) {
    public Options {
      if (lookahead < -1) {
        throw new IllegalArgumentException("lookahead " + lookahead + " must be -1 (automatic) or at least 0");
      }
      if (maxCseDepth == 0 || maxCseDepth < -1) {
        throw new IllegalArgumentException("maximum subexpression depth " + maxCseDepth
            + " must be -1 (automatic) or at least 1");
      }
    }

    /** Every stage, automatic lookahead and depth bound. */
    public static Options defaults() {
      return new Options(true, true, true, -1, -1);
    }

    /** Plain signed digits: no sharing stage (identical adders are still built once). */
    public static Options noCse() {
      return new Options(false, false, false, 0, -1);
    }
  }

  /**
   * Largest {@code n^2 m} for which the column and row difference stages run (their first evaluation compares every
   * pair of columns or rows); beyond it, on large sparse convolution matrices, only pair sharing runs.
   */
  private static final long DIFF_BUDGET = 50_000_000L;

  /** Work budget of the automatic lookahead, in pair evaluations per step (see {@link #autoLookahead}). */
  private static final long LOOKAHEAD_BUDGET = 1L << 22;

  private Cmvm() {}

  /** Shift-add graph of {@code W x + c}. {@code w} is [outputs][inputs]; {@code offsets} may be null (no constant). */
  public static AdderGraph shiftAdd(long[][] w, Range[] inputs, BigInteger[] offsets, Options opts) {
    check(w, inputs, offsets);
    GraphBuilder gb = new GraphBuilder(inputs);
    long[][] m = new long[w.length][];
    int[] col = new int[inputs.length];
    for (int i = 0; i < col.length; i++) {
      col[i] = gb.input(i);
    }
    for (int j = 0; j < w.length; j++) {
      m[j] = w[j].clone();
      for (int i = 0; i < col.length; i++) {
        if (inputs[i].isZero()) {
          m[j][i] = 0;
        }
      }
    }
    long rows = m.length;
    long cols = col.length;
    if (opts.columnDiff() && cols * cols * rows <= DIFF_BUDGET) {
      ColumnDiff.run(gb, m, col, 1);
    }
    RowDiff.Plan plan = opts.rowDiff() && rows * rows * cols <= DIFF_BUDGET ? RowDiff.run(m)
        : RowDiff.none(m.length);
    List<List<Term>> terms = new ArrayList<>();
    int maxTerms = 0;
    long allTerms = 0;
    for (long[] row : m) {
      List<Term> t = new ArrayList<>();
      for (int i = 0; i < row.length; i++) {
        for (Csd.Digit d : Csd.digits(row[i])) {
          t.add(new Term(col[i], d.position(), d.sign()));
        }
      }
      maxTerms = Math.max(maxTerms, t.size());
      allTerms += t.size();
      terms.add(t);
    }
    if (opts.cse()) {
      int bound = opts.maxCseDepth() < 0 ? defaultCseDepth(maxTerms) : opts.maxCseDepth();
      int look = opts.lookahead() < 0 ? autoLookahead(allTerms) : opts.lookahead();
      PairCse.run(gb, terms, bound, look);
    }
    return finish(gb, terms, offsets, plan);
  }

  /**
   * Generic graph: one multiplier per nonzero weight, then the same balanced adder trees. A multiplier counts as
   * {@code multiplierLevels} adder levels (so a pipeline can give it a stage of its own).
   */
  public static AdderGraph generic(long[][] w, Range[] inputs, BigInteger[] offsets, int multiplierLevels) {
    check(w, inputs, offsets);
    GraphBuilder gb = new GraphBuilder(inputs);
    gb.multiplierLevels(multiplierLevels);
    List<List<Term>> terms = new ArrayList<>();
    for (long[] row : w) {
      List<Term> t = new ArrayList<>();
      for (int i = 0; i < row.length; i++) {
        if (row[i] != 0 && !inputs[i].isZero()) {
          t.add(new Term(gb.mul(gb.input(i), row[i]), 0, 1));
        }
      }
      terms.add(t);
    }
    return finish(gb, terms, offsets, RowDiff.none(w.length));
  }

  /**
   * Default depth bound of shared subexpressions for outputs of at most {@code maxTerms} signed digits: two levels
   * above the depth of a plain balanced tree over those digits, {@code ceil(log2(maxTerms))}.
   */
  public static int defaultCseDepth(int maxTerms) {
    int lg = 0;
    while ((1L << lg) < maxTerms) {
      lg++;
    }
    return Math.max(1, lg + 2);
  }

  /** Lookahead that keeps the work per step near a fixed budget: between 16 and 1024 candidates. */
  static int autoLookahead(long terms) {
    return (int) Math.max(16, Math.min(1024, LOOKAHEAD_BUDGET / Math.max(1, terms)));
  }

  /** Sums each output's terms (plus its constant, plus its parent output when derived) in a balanced tree. */
  private static AdderGraph finish(GraphBuilder gb, List<List<Term>> terms, BigInteger[] offsets, RowDiff.Plan plan) {
    Term[] roots = new Term[terms.size()];
    for (int pass = 0; pass < 2; pass++) {
      for (int j = 0; j < terms.size(); j++) {
        boolean derived = plan.parent()[j] >= 0;
        if (derived != (pass == 1)) {
          continue;
        }
        List<Term> t = new ArrayList<>(terms.get(j));
        BigInteger c = offsets == null ? BigInteger.ZERO : offsets[j];
        if (derived) {
          int k = plan.parent()[j];
          Term p = roots[k];
          t.add(new Term(p.node(), p.shift() + plan.shift()[j], plan.sign()[j]));
          // the parent brings its own constant along: take it back out
          if (offsets != null) {
            c = c.subtract(offsets[k].shiftLeft(plan.shift()[j]).multiply(BigInteger.valueOf(plan.sign()[j])));
          }
        }
        if (c.signum() != 0) {
          t.add(gb.constantTerm(c));
        }
        roots[j] = gb.positive(reduce(gb, t));
      }
    }
    return gb.build(Arrays.asList(roots));
  }

  /** Balanced tree: repeatedly adds the two shallowest terms. */
  static Term reduce(GraphBuilder gb, List<Term> terms) {
    if (terms.isEmpty()) {
      return gb.constantTerm(BigInteger.ZERO);
    }
    PriorityQueue<Term> q = new PriorityQueue<>(Comparator.<Term>comparingInt(t -> gb.depth(t.node()))
        .thenComparingInt(Term::shift).thenComparingInt(Term::node));
    q.addAll(terms);
    while (q.size() > 1) {
      Term x = q.poll();
      Term y = q.poll();
      q.add(gb.combine(x, y));
    }
    return q.poll();
  }

  private static void check(long[][] w, Range[] inputs, BigInteger[] offsets) {
    for (int j = 0; j < w.length; j++) {
      if (w[j].length != inputs.length) {
        throw new IllegalArgumentException("weight row " + j + " has " + w[j].length + " columns but there are "
            + inputs.length + " inputs");
      }
    }
    if (offsets != null && offsets.length != w.length) {
      throw new IllegalArgumentException(offsets.length + " offsets for " + w.length + " outputs");
    }
  }
}
