package dev.nanoadam.models.check;

/**
 * The named tolerances of the model tests, each with its reason. All compare float32 results
 * with float64 references via {@code |a - e| <= atol + rtol * |e|}.
 */
public final class Tolerance {
    private Tolerance() {
    }

    /**
     * A layer's float32 forward pass against its float64 twin, inputs of order 1: every output is a
     * sum of at most a few hundred float32 products, each rounding adds at most u = 6e-8 of the
     * largest partial sum, so errors stay below about 1e-5; a wrong formula errs by order 1.
     */
    public static final double FORWARD_ATOL = 2e-5;
    /** See {@link #FORWARD_ATOL}. */
    public static final double FORWARD_RTOL = 1e-4;

    /**
     * A layer's float32 analytic gradient against float64 central differences: backward sums of
     * at most a few hundred terms of order 1 cancel down to results that may be near 0, so the
     * float32 error is bounded by about 300 u = 2e-5 of the largest term, not of the result; the
     * finite differences themselves err by about 1e-9 ({@link FiniteDifference#STEP}). Applied as
     * {@code atol = GRADIENT_ATOL * max(1, max|expected|)}.
     */
    public static final double GRADIENT_ATOL = 1e-4;
    /** See {@link #GRADIENT_ATOL}. */
    public static final double GRADIENT_RTOL = 1e-3;

    /**
     * Whole models (several layers deep, LayerNorm and BatchNorm dividing by small standard
     * deviations of tiny widths) amplify the per-layer float32 error by the depth and by the
     * normalisations' 1/std; measured errors on the tiny test configurations stay below 1e-4 of
     * the gradient scale, so 5e-4 leaves a margin while any missing or wrong term (order 1) fails.
     */
    public static final double MODEL_GRADIENT_ATOL = 5e-4;
    /** See {@link #MODEL_GRADIENT_ATOL}. */
    public static final double MODEL_GRADIENT_RTOL = 5e-3;

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
        Approx.assertClose(what, e, actual, e.length, atol * Approx.scale(expected, 1), rtol);
    }

    /** A float32 forward output against its float64 twin. */
    public static void assertForward(String what, double[] expected, float[] actual) {
        Approx.assertClose(what, expected, actual, expected.length, FORWARD_ATOL, FORWARD_RTOL);
    }
}
