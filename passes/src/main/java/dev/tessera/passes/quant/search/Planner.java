package dev.tessera.passes.quant.search;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.config.LayerConfig;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.quant.ApplyPrecision;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns fraction bits per knob into the types of a {@link PrecisionConfig}. Integer bits: inputs and saturating
 * results from their calibrated range, or from a given count where the search lowered it ({@link #plan(int[],
 * int[])}); constants from their values rounded at the chosen fraction bits; results in safe mode from
 * {@link IntervalAnalysis} of the graph quantized with very wide results (the ranges do not depend on the integer
 * bits, so one analysis gives all of them).
 */
final class Planner {
  /** Integer bits of results in the analysis pass: wide enough for any realistic range. */
  static final int WIDE = 40;
  /** Rounds of widening after the first proof. */
  static final int MAX_ROUNDS = 4;

  /**
   * A config and the type of every knob.
   *
   * @param config what ApplyPrecision reads
   * @param types type per knob, in the knob order of the space
   */
  record Plan(PrecisionConfig config, FixedType[] types) {}

  private final SearchSpace space;
  private final SearchOptions opts;
  private final Map<String, FixedType> tables;

  Planner(SearchSpace space, SearchOptions opts) {
    this(space, opts, Map.of());
  }

  /** With table entry types per node (exact mode). */
  Planner(SearchSpace space, SearchOptions opts, Map<String, FixedType> tables) {
    this.space = space;
    this.opts = opts;
    this.tables = Map.copyOf(tables);
  }

  Plan plan(int[] fraction) {
    return plan(fraction, null);
  }

  /**
   * The plan of {@code fraction} bits per knob, with {@code integer} bits per knob (null: every knob's calibrated
   * count) for the knobs whose integer bits are fixed (inputs and saturating results; ignored for the others).
   */
  Plan plan(int[] fraction, int[] integer) {
    int k = space.size();
    FixedType[] types = new FixedType[k];
    boolean safe = opts.overflow() == OverflowMode.SAFE;
    for (int i = 0; i < k; i++) {
      SearchSpace.KnobInfo info = space.get(i);
      int f = fraction[i];
      int ib = integer != null && info.integerBits() != null ? integer[i] : info.integerBits() == null ? 0
          : info.integerBits();
      types[i] = switch (info.knob().role()) {
        case INPUT -> type(info.signed(), ib, f, Rounding.RND_CONV, Overflow.SAT);
        case WEIGHT, BIAS -> type(info.signed(), Grid.integerBits(info.values(), f, info.signed()), f,
            Rounding.RND_CONV, Overflow.SAT);
        case RESULT -> info.saturating() ? type(info.signed(), ib, f, opts.rounding(), Overflow.SAT)
            : type(true, WIDE, f, opts.rounding(), Overflow.WRAP);
      };
    }
    if (safe) {
      Graph wide = new ApplyPrecision(config(types)).run(space.graph(), PassContext.create());
      Map<String, IntervalAnalysis.TensorBounds> b = IntervalAnalysis.analyze(wide);
      for (int i = 0; i < k; i++) {
        if (space.get(i).knob().role() == Knob.Role.RESULT && !space.get(i).saturating()) {
          types[i] = proven(space.get(i), b.get(space.get(i).knob().node()), fraction[i], null);
        }
      }
      // tables over the input range (Softmax, Exp) depend on the integer bits upstream: widen until all fit
      for (int round = 0; round < MAX_ROUNDS; round++) {
        Graph q = new ApplyPrecision(config(types)).run(space.graph(), PassContext.create());
        b = IntervalAnalysis.analyze(q);
        boolean changed = false;
        for (int i = 0; i < k; i++) {
          SearchSpace.KnobInfo info = space.get(i);
          IntervalAnalysis.TensorBounds tb = b.get(info.knob().node());
          if (info.knob().role() == Knob.Role.RESULT && !info.saturating() && !tb.fits()) {
            types[i] = proven(info, tb, fraction[i], types[i]);
            changed = true;
          }
        }
        if (!changed) {
          break;
        }
      }
    }
    return new Plan(config(types), types);
  }

  /** The narrowest wrapping type with {@code f} fraction bits that holds proven bounds (never narrower than {@code at
   * least}). */
  private FixedType proven(SearchSpace.KnobInfo info, IntervalAnalysis.TensorBounds tb, int f, FixedType atLeast) {
    if (tb == null || !tb.proven()) {
      throw new IllegalStateException(info.knob().label() + ": no interval rule for this op; use saturating results");
    }
    boolean signed = tb.needsSign() || (atLeast != null && atLeast.signed());
    int ib = tb.neededIntegerBits(signed);
    if (ib >= WIDE) {
      throw new IllegalStateException(info.knob().label() + ": no proven range below 2^" + (WIDE - 1));
    }
    if (atLeast != null) {
      ib = Math.max(ib, atLeast.integerBits());
    }
    return type(signed, ib, f, opts.rounding(), Overflow.WRAP);
  }

  /** A type with {@code f} fraction bits and at least one bit. */
  static FixedType type(boolean signed, int integerBits, int f, Rounding r, Overflow o) {
    int width = Math.max(1, integerBits + f);
    return new FixedType(signed, width, width - f, r, o);
  }

  private PrecisionConfig config(FixedType[] types) {
    PrecisionConfig base = opts.base();
    Map<String, LayerConfig> layers = new LinkedHashMap<>(base.layers());
    Map<String, FixedType> inputs = new LinkedHashMap<>(base.inputs());
    for (int i = 0; i < types.length; i++) {
      Knob kn = space.get(i).knob();
      FixedType t = types[i];
      switch (kn.role()) {
        case INPUT -> inputs.put(kn.node(), t);
        case RESULT -> layers.merge(kn.node(), LayerConfig.EMPTY.withResult(t), (a, b) -> a.withResult(t));
        case WEIGHT -> layers.merge(kn.node(), LayerConfig.EMPTY.withWeight(t), (a, b) -> a.withWeight(t));
        case BIAS -> layers.merge(kn.node(), LayerConfig.EMPTY.withBias(t), (a, b) -> a.withBias(t));
      }
    }
    tables.forEach((node, t) -> layers.merge(node, LayerConfig.EMPTY.withTable(t, null),
        (a, b) -> a.withTable(t, null)));
    return new PrecisionConfig(base.defaultType(), base.model(), layers, inputs);
  }
}
