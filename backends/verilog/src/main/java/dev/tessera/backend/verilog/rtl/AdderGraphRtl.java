package dev.tessera.backend.verilog.rtl;

import dev.tessera.ir.arith.AdderGraph;
import dev.tessera.ir.arith.AdderNode;
import dev.tessera.ir.arith.Pipeline;
import dev.tessera.ir.arith.Term;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints an {@link AdderGraph} into a module. Every wire has the width of its exact bounds; an adder
 * {@code a +- (b << s)} takes its low {@code s} bits from {@code a} as wires and adds only the bits above. A register
 * stage closes after every {@code levelsPerStage} adder levels: a node at level {@code d} is computed in stage
 * {@code (d - 1) / K} ({@link Pipeline#stages} chooses the levels) and operands from earlier stages come through
 * delay registers.
 */
public final class AdderGraphRtl {

  /** One output: its value is {@code sig << shift}. */
  public record Out(Sig sig, int shift) {}

  /** The outputs (valid in stage {@code lastStage}) and the number of that stage. */
  public record Emitted(List<Out> outputs, int lastStage) {}

  /** No fixed reason: {@link RtlModule} describes the unread bits of adder outputs from what is read. */
  private static final String LOW_BITS = null;

  private final RtlModule m;
  private final AdderGraph g;
  private final java.util.function.IntFunction<Sig> inputs;
  private final int k;
  private final String prefix;
  private final Sig[] base;
  /** Stage of every node (ALAP for shift-add graphs, ASAP when there are multipliers). */
  private final int[] stageOf;
  private final Map<Long, Sig> delayed = new HashMap<>();

  private AdderGraphRtl(RtlModule m, AdderGraph g, java.util.function.IntFunction<Sig> inputs, int k,
      String prefix) {
    this.m = m;
    this.g = g;
    this.inputs = inputs;
    this.k = k;
    this.prefix = prefix;
    base = new Sig[g.nodes().size()];
    stageOf = Pipeline.stages(g, k);
  }

  /** Emits {@code g}; {@code inputs.apply(i)} gives input {@code i}, asked only for inputs that are used. */
  public static Emitted emit(RtlModule m, AdderGraph g, java.util.function.IntFunction<Sig> inputs,
      int levelsPerStage, String prefix) {
    if (levelsPerStage < 1) {
      throw new IllegalArgumentException("levels per stage " + levelsPerStage + " must be at least 1");
    }
    return new AdderGraphRtl(m, g, inputs, levelsPerStage, prefix).run();
  }

  private Emitted run() {
    int last = Pipeline.stage(g.depth(), k);
    for (AdderNode n : g.nodes()) {
      base[n.id()] = switch (n.kind()) {
        case INPUT -> null;
        case CONST -> Sig.constant(n.constant());
        case ADD -> add(n);
        case MUL -> mul(n);
      };
    }
    List<Out> outs = new ArrayList<>();
    for (Term t : g.outputs()) {
      outs.add(new Out(at(t.node(), last), t.shift()));
    }
    return new Emitted(outs, last);
  }

  private Sig add(AdderNode n) {
    int st = stageOf[n.id()];
    Sig a = at(n.a(), st);
    Sig b = at(n.b(), st);
    int w = n.width();
    int s = n.shift();
    String op = n.subtract() ? " - " : " + ";
    if (s == 0) {
      return m.wire(prefix + "n" + n.id(), w, true, n.range(), Bits.value(a, w, m) + op + Bits.value(b, w, m),
          LOW_BITS);
    }
    Sig out = m.wire(prefix + "n" + n.id(), w, true, n.range(), LOW_BITS);
    int low = Math.min(s, w);
    m.assign(out.name() + "[" + (low - 1) + ":0]", Bits.slice(a, 0, low, m));
    if (w > s) {
      m.assign(out.name() + "[" + (w - 1) + ":" + s + "]", Bits.slice(a, s, w - s, m) + op
          + Bits.slice(b, 0, w - s, m));
    }
    return out;
  }

  private Sig mul(AdderNode n) {
    int st = stageOf[n.id()];
    Sig a = at(n.a(), st);
    int w = n.width();
    return m.wire(prefix + "p" + n.id(), w, true, n.range(), "$signed(" + Bits.value(a, w, m) + ") * $signed("
        + Bits.literal(n.constant(), w) + ")", LOW_BITS);
  }

  /** The value of node {@code id} as seen in stage {@code st} (through delay registers when needed). */
  private Sig at(int id, int st) {
    AdderNode n = g.node(id);
    if (base[id] == null) {
      base[id] = inputs.apply(n.input());
    }
    Sig s = base[id];
    if (s.isConstant()) {
      return s;
    }
    int home = stageOf[id];
    if (st < home) {
      throw new IllegalStateException("node " + id + " of stage " + home + " used in stage " + st);
    }
    for (int t = home + 1; t <= st; t++) {
      long key = ((long) id << 16) | t;
      Sig prev = s;
      String hint = (prev.name().startsWith(prefix) ? prev.name() : prefix + "x" + id).replaceAll("_d\\d+$", "")
          + "_d" + t;
      s = delayed.computeIfAbsent(key, kk -> m.reg(hint, prev, LOW_BITS));
    }
    return s;
  }
}
