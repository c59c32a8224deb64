package dev.tessera.ir.interp;

/** One compiled node of {@link FixedInterpreter}: computes the node's single output from its inputs. */
interface FixedStep {

  /** The output for the given inputs (in the node's input order; null for an omitted optional input). */
  FixedValue apply(FixedValue[] in);
}
