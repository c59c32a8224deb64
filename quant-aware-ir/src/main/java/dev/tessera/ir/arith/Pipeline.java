package dev.tessera.ir.arith;

import java.util.Arrays;

/**
 * The pipeline schedule of an {@link AdderGraph}: a register stage closes after every {@code levelsPerStage} adder
 * levels, and values used in later stages travel through delay registers. The Verilog backend places its registers
 * with it and the resource estimator counts them with it.
 */
public final class Pipeline {

  private Pipeline() {}

  /** Stage of a node of depth {@code d}. */
  public static int stage(int depth, int levelsPerStage) {
    return depth == 0 ? 0 : (depth - 1) / levelsPerStage;
  }

  /**
   * Stages of the nodes: each node either as early as possible (its depth) or as late as its consumers allow (one
   * level below its earliest consumer, outputs at the deepest level), whichever schedule needs fewer register bits
   * (a value crossing {@code t} stage boundaries costs {@code t} times its width; delay chains are shared by the
   * consumers of a value). Graphs with multipliers stay as early as possible, so a multiplier keeps a stage of its
   * own.
   */
  public static int[] stages(AdderGraph g, int k) {
    int n = g.nodes().size();
    int[] asap = new int[n];
    for (AdderNode a : g.nodes()) {
      asap[a.id()] = stage(a.depth(), k);
    }
    if (g.multipliers() > 0) {
      return asap;
    }
    int top = g.depth();
    int[] level = new int[n];
    Arrays.fill(level, Integer.MAX_VALUE);
    for (Term t : g.outputs()) {
      level[t.node()] = top;
    }
    for (int id = n - 1; id >= 0; id--) {
      AdderNode a = g.node(id);
      if (a.kind() != AdderNode.Kind.ADD) {
        continue;
      }
      int l = level[id] == Integer.MAX_VALUE ? a.depth() : level[id];
      level[id] = l;
      level[a.a()] = Math.min(level[a.a()], l - 1);
      level[a.b()] = Math.min(level[a.b()], l - 1);
    }
    int[] alap = new int[n];
    for (AdderNode a : g.nodes()) {
      alap[a.id()] = a.kind() == AdderNode.Kind.ADD ? stage(level[a.id()], k) : 0;
    }
    return registerBits(g, alap, k) < registerBits(g, asap, k) ? alap : asap;
  }

  /** Register bits a schedule needs: per value, its width times the stages it is carried forward. */
  public static long registerBits(AdderGraph g, int[] st, int k) {
    int n = g.nodes().size();
    int[] lastUse = new int[n];
    Arrays.fill(lastUse, -1);
    for (AdderNode a : g.nodes()) {
      if (a.a() >= 0) {
        lastUse[a.a()] = Math.max(lastUse[a.a()], st[a.id()]);
      }
      if (a.b() >= 0) {
        lastUse[a.b()] = Math.max(lastUse[a.b()], st[a.id()]);
      }
    }
    int last = stage(g.depth(), k);
    for (Term t : g.outputs()) {
      lastUse[t.node()] = last;
    }
    long bits = 0;
    for (AdderNode a : g.nodes()) {
      if (a.kind() != AdderNode.Kind.CONST && lastUse[a.id()] > st[a.id()]) {
        bits += (long) (lastUse[a.id()] - st[a.id()]) * a.width();
      }
    }
    return bits;
  }

}
