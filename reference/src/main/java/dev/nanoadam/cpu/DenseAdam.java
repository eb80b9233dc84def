package dev.nanoadam.cpu;

import dev.nanoadam.spi.StepConstants;

/**
 * SPEC.md §6's dense update on float32 moments over a range of entries, with the Vector API: the
 * kernel the baseline optimizers use for the tensors they update like AdamW (AdamW8bit's small
 * tensors, GaLore's unprojected ones). Lanewise multiply, add, divide and sqrt round exactly like
 * scalar Java and no FMA is used, so every width gives the scalar loop's bits; the tail, and every
 * entry under {@code -Dnanoadam.cpu.vectorBits=scalar}, goes through the scalar routine. The width
 * executions of this module's tests run {@code DenseAdamTest} once per width.
 */
public final class DenseAdam {
    private DenseAdam() {
    }

    /**
     * Entries [from, to) at the width the {@code cpu} backend chose ({@code nanoadam.cpu.vectorBits}):
     * the {@code cpu} backend's own dense loop ({@link VectorBackend#adam}), so that the arithmetic
     * is written once.
     */
    public static void update(float[] w, float[] g, float[] m, float[] v, int from, int to, StepConstants k) {
        VectorBackend.adam(w, from, g, from, m, v, from, to - from, k);
    }

    /** The scalar loop: {@link ScalarBackend#updateFp32}, the oracle's routine, on each entry. */
    public static void scalar(float[] w, float[] g, float[] m, float[] v, int from, int to, StepConstants k) {
        for (int p = from; p < to; p++) {
            ScalarBackend.updateFp32(w, p, g, p, m, v, p, k);
        }
    }
}
