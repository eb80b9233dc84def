package dev.nanoadam;

/** How a refresh chooses the entries of each chunk (SPEC.md §4). */
public enum Criterion {
    /** The paper's choice: the {@code K_c} smallest |w|, ties to the lower index. */
    SMALLEST_MAGNITUDE,
    /** Ablation: the {@code K_c} largest |w|, ties to the lower index. */
    LARGEST_MAGNITUDE,
    /** Ablation: {@code K_c} entries by a seeded SplitMix64 hash of (seed, step, parameter, index). */
    RANDOM,
    /** Ablation: the {@code K_c} largest |g| of the refreshing step's gradient. */
    LARGEST_GRADIENT
}
