package dev.tessera.passes;

import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphVerifier;
import dev.tessera.ir.diag.GraphInvariantException;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of passes, run one after the other. With {@code verifyEach} the {@link GraphVerifier} checks the
 * graph after every pass, and a violation names the pass that caused it.
 */
public final class Pipeline {
  private final List<Pass> passes;
  private final boolean verifyEach;

  public Pipeline(List<Pass> passes, boolean verifyEach) {
    this.passes = List.copyOf(passes);
    this.verifyEach = verifyEach;
  }

  /** A pipeline without verification between passes. */
  public static Pipeline of(Pass... passes) {
    return new Pipeline(List.of(passes), false);
  }

  public List<Pass> passes() {
    return passes;
  }

  public boolean verifyEach() {
    return verifyEach;
  }

  /** The same passes, with or without verification after each. */
  public Pipeline withVerifyEach(boolean v) {
    return new Pipeline(passes, v);
  }

  /** The same passes followed by more. */
  public Pipeline then(Pass... more) {
    List<Pass> all = new ArrayList<>(passes);
    all.addAll(List.of(more));
    return new Pipeline(all, verifyEach);
  }

  /** Runs every pass in order. */
  public Graph run(Graph in, PassContext ctx) {
    Graph g = in;
    for (Pass p : passes) {
      ctx.progress(p.name());
      g = p.run(g, ctx);
      if (verifyEach) {
        List<String> errors = GraphVerifier.violations(g);
        if (!errors.isEmpty()) {
          List<String> named = new ArrayList<>();
          for (String e : errors) {
            named.add("after pass " + p.name() + ": " + e);
          }
          throw new GraphInvariantException(named);
        }
      }
    }
    return g;
  }

  /** The pass names, in order. */
  public List<String> names() {
    List<String> n = new ArrayList<>();
    for (Pass p : passes) {
      n.add(p.name());
    }
    return n;
  }
}
