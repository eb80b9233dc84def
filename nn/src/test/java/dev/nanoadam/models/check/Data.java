package dev.nanoadam.models.check;

import java.util.Random;

/** Seeded test data. */
public final class Data {
    private Data() {
    }

    /** n uniform floats in [-1, 1). */
    public static float[] uniform(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextFloat() * 2 - 1;
        }
        return x;
    }

    /** n normal floats with the given standard deviation. */
    public static float[] normal(Random rng, int n, double std) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * std);
        }
        return x;
    }

    /** The float values widened to double. */
    public static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** The double values rounded to float. */
    public static float[] narrow(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    /** Sum of x[i] * r[i]: the scalar a gradient check differentiates. */
    public static double project(double[] x, double[] r) {
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            s += x[i] * r[i];
        }
        return s;
    }
}
