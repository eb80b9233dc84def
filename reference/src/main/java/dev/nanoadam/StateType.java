package dev.nanoadam;

/** How {@code m} and {@code v} are stored (SPEC.md §5). Applies to SPARSE and DENSE state alike. */
public enum StateType {
    /** 4 bytes per moment, float32. */
    FP32,
    /** 2 bytes per moment: bfloat16, rounded to nearest even from float32; every NaN stores as 0x7FC0. */
    BF16;

    /** Bytes per stored moment value ({@code s} in SPEC.md §9). */
    public int bytes() {
        return this == FP32 ? 4 : 2;
    }
}
