package dev.nanoadam.testing;

import java.util.SplittableRandom;

/**
 * Seeded, edge-biased data (STYLE.md rule 5): weights and gradients with ±0, subnormals, huge and
 * tiny magnitudes and many exact ties, mixed into ordinary Gaussian-like values.
 */
public final class Gen {
    private Gen() {
    }

    private static final float[] EDGES = {
        0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-38f, 1e-30f, 1e-20f,
        1e20f, -1e20f, 3.4e38f, -3.4e38f, 1f, -1f, 0.5f, -0.5f, 1e-3f, -1e-3f, 2.5e-2f
    };

    /** A weight-like array: mostly N(0, scale^2), a share {@code edgeRate} of edge values and ties. */
    public static float[] weights(SplittableRandom r, int n, float scale, double edgeRate) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            if (u < edgeRate * 0.5) {
                a[i] = EDGES[r.nextInt(EDGES.length)];
            } else if (u < edgeRate && i > 0) {
                a[i] = r.nextBoolean() ? a[r.nextInt(i)] : -a[r.nextInt(i)];   // a tie with an earlier value
            } else {
                a[i] = (float) (gaussian(r) * scale);
            }
        }
        return a;
    }

    /** Finite gradients: like {@link #weights} without the values near Float.MAX_VALUE. */
    public static float[] gradients(SplittableRandom r, int n, float scale, double edgeRate) {
        float[] a = weights(r, n, scale, edgeRate);
        for (int i = 0; i < n; i++) {
            if (Math.abs(a[i]) > 1e10f) {
                a[i] = Math.copySign(1e3f, a[i]);
            }
        }
        return a;
    }

    public static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A length biased to the awkward ones: 1, just around vector widths and chunk sizes, or random. */
    public static int awkwardLength(SplittableRandom r, int max) {
        int[] edges = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, 127, 255, 1023, 1025, 4095, 4096, 4097};
        if (r.nextInt(3) > 0) {
            int e = edges[r.nextInt(edges.length)];
            if (e <= max) {
                return e;
            }
        }
        return 1 + r.nextInt(max);
    }
}
