package dev.nanoadam.models.check;

import dev.nanoadam.testing.Compare;

/**
 * The named tolerances of the model tests, each with its reason. All compare float32 results
 * with float64 references via {@code |a - e| <= atol + rtol * |e|}.
 */
public final class Tolerance {
    private Tolerance() {
    }

    /**
     * A layer's float32 forward pass against its float64 twin, inputs of order 1: each output is
     * a sum of at most a few dozen float32 terms of order 1, each rounding adding at most
     * u = 6e-8 of a partial sum, so the error stays near 1e-6 (measured: all pass at 2e-6 absolute
     * plus 1e-5 relative); 1e-5 and 5e-5 leave a margin of 5, while a wrong formula errs by order 1.
     */
    public static final double FORWARD_ATOL = 1e-5;
    /** See {@link #FORWARD_ATOL}. */
    public static final double FORWARD_RTOL = 5e-5;

    /**
     * A layer's float32 analytic gradient against float64 central differences: backward sums
     * cancel down to results that may be near 0, so the float32 error scales with the largest
     * term (order 1), not with the result; the finite differences err by about 1e-9
     * ({@link FiniteDifference#STEP}). Measured: every check passes at 5e-6 of the gradient's
     * scale plus 5e-5 relative; these are 4 times that. Applied as
     * {@code atol = GRADIENT_ATOL * max(1, max|expected|)}.
     */
    public static final double GRADIENT_ATOL = 2e-5;
    /** See {@link #GRADIENT_ATOL}. */
    public static final double GRADIENT_RTOL = 2e-4;

    /**
     * Whole models, several layers deep, with LayerNorm and BatchNorm dividing by the small
     * standard deviations of tiny widths, amplify the per-layer float32 error by the depth and
     * by 1/std. Measured on the tiny test configurations: every parameter passes at 2e-5 of the
     * gradient scale plus 2e-4 relative; these are 5 times that. Dropping one parameter's
     * backward or perturbing one gradient element by 0.01 fails by a factor of 30 or more.
     */
    public static final double MODEL_GRADIENT_ATOL = 1e-4;
    /** See {@link #MODEL_GRADIENT_ATOL}. */
    public static final double MODEL_GRADIENT_RTOL = 1e-3;

    /**
     * Asserts an analytic float32 gradient equals {@code initial + expected}, where initial is what
     * the gradient array held before the backward pass added to it (null for zero).
     */
    public static void assertGradient(String what, double[] expected, float[] initial, float[] actual) {
        assertGradient(what, expected, initial, actual, GRADIENT_ATOL, GRADIENT_RTOL);
    }

    /** As {@link #assertGradient(String, double[], float[], float[])} with given tolerances. */
    public static void assertGradient(String what, double[] expected, float[] initial, float[] actual,
                                      double atol, double rtol) {
        double[] e = expected.clone();
        if (initial != null) {
            for (int i = 0; i < e.length; i++) {
                e[i] += initial[i];
            }
        }
        Compare.close(what, e, actual, e.length, atol * Compare.scale(expected, 1), rtol);
    }

    /** A float32 forward output against its float64 twin. */
    public static void assertForward(String what, double[] expected, float[] actual) {
        Compare.close(what, expected, actual, expected.length, FORWARD_ATOL, FORWARD_RTOL);
    }
}
