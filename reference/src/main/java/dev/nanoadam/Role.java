package dev.nanoadam;

/** How NanoAdam updates a parameter (SPEC.md §1). */
public enum Role {
    /** Masked: the smallest-magnitude entries of each chunk, with moments for those alone. */
    SPARSE,
    /** Every entry, by AdamW (norms, biases, heads). */
    DENSE
}
