package dev.tessera.passes;

import dev.tessera.ir.Graph;

/**
 * One graph-to-graph rewrite. A pass never changes its input (graphs are immutable); it returns the input itself
 * when nothing applies. Its Javadoc says in the first sentence what it rewrites and in the second what it preserves.
 */
public interface Pass {

  /** Rewrites the graph; warnings go to {@link PassContext#warn}. */
  Graph run(Graph in, PassContext ctx);

  /** A short name for logs and errors, by default the class name. */
  default String name() {
    return getClass().getSimpleName();
  }
}
