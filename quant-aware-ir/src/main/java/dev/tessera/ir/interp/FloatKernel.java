package dev.tessera.ir.interp;

/**
 * The evaluation of one node by the float interpreter, built once per node when the interpreter is constructed.
 * {@code in} holds the node's inputs in order (null for an omitted optional input). Implementations keep no
 * per-run state, so an interpreter may run on several threads at once.
 */
@FunctionalInterface
interface FloatKernel {

  /** Computes the node's single output. Argument problems are reported as IllegalArgumentException. */
  NdArray apply(NdArray[] in, FloatBinding binding);
}
