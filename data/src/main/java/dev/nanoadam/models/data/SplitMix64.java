package dev.nanoadam.models.data;

import dev.nanoadam.spi.SpecMath;

/**
 * The SplitMix64 generator, written out here so that shuffles depend only on this file and never
 * on a JDK version's choice of algorithm: a seed gives the same order on every JVM, forever.
 */
final class SplitMix64 {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    /** Restarts the sequence from {@code seed}. */
    void reseed(long seed) {
        this.state = seed;
    }

    /** The SplitMix64 finaliser, the one SPEC.md §4's RANDOM criterion uses too. */
    static long mix(long z) {
        return SpecMath.mix(z);
    }

    /** A seed for sub-stream {@code stream} of {@code seed} (an epoch, a class), well separated. */
    static long derive(long seed, long stream) {
        return mix(seed ^ mix(stream * GOLDEN + 0x632BE59BD9B4E019L));
    }

    long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in {@code [0, bound)}, unbiased (rejection on 31-bit draws). */
    int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        int limit = Integer.MAX_VALUE - (int) ((1L << 31) % bound); // largest multiple of bound, minus one
        while (true) {
            int r = (int) (nextLong() >>> 33);
            if (r <= limit) {
                return r % bound;
            }
        }
    }

    /** Fisher-Yates shuffle of {@code a[0..n)} in place. */
    void shuffle(int[] a, int n) {
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
