package dev.nanoadam.conformance;

/** Which of NanoAdam's two builder entry points a run uses, and with which split (SPEC.md §1). */
public enum Groups {
    /** {@code build(List)}: every parameter, split by SPEC.md §1's name-based default partition. */
    DEFAULT,
    /** {@code build(sparse, dense)} with the model's own two groups. */
    MODEL,
    /** {@code build(sparse, dense)} with every parameter SPARSE: norms, biases and heads on masks too. */
    ALL_SPARSE
}
