package dev.nanoadam;

/** What a step does with NaN or infinite gradients (SPEC.md §7). */
public enum NonFinitePolicy {
    /** Check first; on a bad value throw {@link NonFiniteGradientException} and change nothing. */
    ERROR,
    /** Check first; on a bad value change nothing, do not advance the step, count the skip. */
    SKIP,
    /** No check: non-finite values flow through the arithmetic as IEEE-754 says. */
    NONE
}
