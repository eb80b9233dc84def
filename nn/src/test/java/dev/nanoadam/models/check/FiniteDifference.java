package dev.nanoadam.models.check;

import java.util.function.DoubleSupplier;

/** Central finite differences of a float64 function of some double arrays. */
public final class FiniteDifference {
    /**
     * Step: the float64 twin's rounding error divided by the step (about 1e-16 / 1e-6) and the
     * truncation error (step^2 times the third derivative) both stay near 1e-10, far below the
     * float32 errors the checks tolerate, and the step is small enough not to cross the kinks
     * of ReLU or max pooling at random inputs.
     */
    public static final double STEP = 1e-6;

    private FiniteDifference() {
    }

    /** d f / d x[i] for every i, by central differences; x is restored. */
    public static double[] gradient(double[] x, DoubleSupplier f) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            x[i] = v + STEP;
            double plus = f.getAsDouble();
            x[i] = v - STEP;
            double minus = f.getAsDouble();
            x[i] = v;
            g[i] = (plus - minus) / (2 * STEP);
        }
        return g;
    }
}
