package dev.nanoadam;

/** What happens to {@code m} and {@code v} of a SPARSE parameter at a mask refresh (SPEC.md §5). */
public enum MomentPolicy {
    /** Every moment restarts at zero, and so does the bias-correction counter. */
    RESET,
    /** Entries in both the old and the new mask keep their moments; the counter stays global. */
    CARRY
}
