package dev.nanoadam.models.nn;

import java.util.Random;

/**
 * Seeded weight initialisation. {@link Random} is used because its algorithm is fixed by its
 * specification, so a seed gives the same weights on every JVM.
 */
public final class Init {
    private Init() {
    }

    /** Fills {@code x} with normal samples of mean 0 and standard deviation {@code std}. */
    public static void normal(float[] x, double std, Random rng) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextGaussian() * std);
        }
    }

    /** Fills {@code x} with uniform samples from [-bound, bound). */
    public static void uniform(float[] x, double bound, Random rng) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }
}
