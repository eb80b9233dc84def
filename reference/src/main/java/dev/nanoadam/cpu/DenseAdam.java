package dev.nanoadam.cpu;

import dev.nanoadam.spi.StepConstants;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SPEC.md §6's dense update on float32 moments over a range of entries, with the Vector API: the
 * kernel the baseline optimizers use for the tensors they update like AdamW (AdamW8bit's small
 * tensors, GaLore's unprojected ones). Lanewise multiply, add, divide and sqrt round exactly like
 * scalar Java and no FMA is used, so every width gives the scalar loop's bits; the tail, and every
 * entry under {@code -Dnanoadam.cpu.vectorBits=scalar}, goes through {@link #scalar}. The width
 * executions of this module's tests run {@code DenseAdamTest} once per width.
 */
public final class DenseAdam {
    private DenseAdam() {
    }

    /**
     * Entries [from, to) at the width the {@code cpu} backend chose ({@code nanoadam.cpu.vectorBits});
     * the species is the constant {@link VectorBackend#F}, so that the JIT keeps the vectors in
     * registers (a species passed as an argument makes every vector a heap object).
     */
    public static void update(float[] w, float[] g, float[] m, float[] v, int from, int to, StepConstants k) {
        int p = from;
        if (!VectorBackend.SCALAR) {
            VectorSpecies<Float> species = VectorBackend.F;
            FloatVector b1 = FloatVector.broadcast(species, k.b1());
            FloatVector b2 = FloatVector.broadcast(species, k.b2());
            FloatVector c1 = FloatVector.broadcast(species, k.c1());
            FloatVector c2 = FloatVector.broadcast(species, k.c2());
            FloatVector step = FloatVector.broadcast(species, k.stepSize());
            FloatVector bc2 = FloatVector.broadcast(species, k.bc2());
            FloatVector e = FloatVector.broadcast(species, k.eps());
            FloatVector decay = FloatVector.broadcast(species, k.decay());
            boolean decayOn = k.decayOn();
            int bound = from + species.loopBound(to - from);
            for (; p < bound; p += species.length()) {
                FloatVector gp = FloatVector.fromArray(species, g, p);
                FloatVector x = FloatVector.fromArray(species, w, p);
                if (decayOn) {
                    x = x.mul(decay);
                }
                FloatVector m1 = b1.mul(FloatVector.fromArray(species, m, p)).add(c1.mul(gp));
                FloatVector v1 = b2.mul(FloatVector.fromArray(species, v, p)).add(c2.mul(gp.mul(gp)));
                FloatVector d = v1.sqrt().div(bc2).add(e);
                x.sub(step.mul(m1.div(d))).intoArray(w, p);
                m1.intoArray(m, p);
                v1.intoArray(v, p);
            }
        }
        scalar(w, g, m, v, p, to, k);
    }

    /** The scalar loop: SPEC.md §6 line by line. */
    public static void scalar(float[] w, float[] g, float[] m, float[] v, int from, int to, StepConstants k) {
        float b1 = k.b1(), b2 = k.b2(), c1 = k.c1(), c2 = k.c2(), step = k.stepSize(), bc2 = k.bc2(), e = k.eps();
        float decay = k.decay();
        boolean decayOn = k.decayOn();
        for (int p = from; p < to; p++) {
            float gp = g[p];
            float x = w[p];
            if (decayOn) {
                x = x * decay;
            }
            float m1 = b1 * m[p] + c1 * gp;
            float v1 = b2 * v[p] + c2 * (gp * gp);
            float d = (float) Math.sqrt(v1) / bc2 + e;
            w[p] = x - step * (m1 / d);
            m[p] = m1;
            v[p] = v1;
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
