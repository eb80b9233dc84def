package dev.nanoadam.cpu;

import dev.nanoadam.spi.StepConstants;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

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

    /**
     * The last lines of SPEC.md §6 from moments already computed: for {@code j < length},
     * {@code w[base + j] = x - step * (m[j] / (sqrt(v[j]) / bc2 + eps))} with {@code x} the weight
     * after the decoupled decay; then {@code m[j]} and {@code v[j]} are set to 0 (MicroAdam's
     * step, whose moments come from its window). Vector API at the backend's width, scalar tail.
     */
    public static void applyMoments(float[] w, int base, float[] m, float[] v, int length, StepConstants k) {
        int j = 0;
        float step = k.stepSize(), bc2 = k.bc2(), e = k.eps(), decay = k.decay();
        boolean decayOn = k.decayOn();
        if (!VectorBackend.SCALAR) {
            VectorSpecies<Float> species = VectorBackend.F;
            FloatVector zero = FloatVector.zero(species);
            int bound = species.loopBound(length);
            for (; j < bound; j += species.length()) {
                FloatVector x = FloatVector.fromArray(species, w, base + j);
                if (decayOn) {
                    x = x.mul(decay);
                }
                FloatVector d = FloatVector.fromArray(species, v, j).sqrt().div(bc2).add(e);
                x.sub(FloatVector.fromArray(species, m, j).div(d).mul(step)).intoArray(w, base + j);
                zero.intoArray(m, j);
                zero.intoArray(v, j);
            }
        }
        for (; j < length; j++) {
            float x = w[base + j];
            if (decayOn) {
                x = x * decay;
            }
            float d = (float) Math.sqrt(v[j]) / bc2 + e;
            w[base + j] = x - step * (m[j] / d);
            m[j] = 0f;
            v[j] = 0f;
        }
    }
}
