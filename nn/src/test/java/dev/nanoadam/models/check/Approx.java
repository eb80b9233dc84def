package dev.nanoadam.models.check;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one comparison helper of the model tests: {@code |a - e| <= atol + rtol * |e|}, NaN equal
 * to NaN, and on failure the first bad index, the number of mismatches and both values with
 * their bits. Exact comparisons use {@link #assertBitsEqual}.
 */
public final class Approx {
    private Approx() {
    }

    /** Asserts {@code actual[i]} is close to {@code expected[i]} for i in [0, n). */
    public static void assertClose(String what, double[] expected, float[] actual, int n, double atol, double rtol) {
        int bad = 0;
        int first = -1;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double e = expected[i];
            double a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) {
                continue;
            }
            double err = Math.abs(a - e);
            double allowed = atol + rtol * Math.abs(e);
            if (!(err <= allowed)) {
                if (first < 0) {
                    first = i;
                }
                bad++;
                worst = Math.max(worst, err / allowed);
            }
        }
        if (bad > 0) {
            double e = expected[first];
            float a = actual[first];
            fail(what + ": " + bad + " of " + n + " values differ beyond atol=" + atol + " rtol=" + rtol
                    + "; first at index " + first + ": expected " + e + " (0x" + Long.toHexString(Double.doubleToRawLongBits(e))
                    + "), actual " + a + " (0x" + Integer.toHexString(Float.floatToRawIntBits(a))
                    + "), |diff| " + Math.abs(a - e) + "; worst diff/allowed " + worst);
        }
    }

    /** As {@link #assertClose(String, double[], float[], int, double, double)} over all of expected. */
    public static void assertClose(String what, double[] expected, float[] actual, double atol, double rtol) {
        if (actual.length < expected.length) {
            fail(what + ": actual has " + actual.length + " values, expected " + expected.length);
        }
        assertClose(what, expected, actual, expected.length, atol, rtol);
    }

    /** Asserts two float arrays are bit-identical on [0, n) (any NaN equals any NaN). */
    public static void assertBitsEqual(String what, float[] expected, float[] actual, int n) {
        int bad = 0;
        int first = -1;
        for (int i = 0; i < n; i++) {
            float e = expected[i];
            float a = actual[i];
            if (Float.isNaN(e) && Float.isNaN(a)) {
                continue;
            }
            if (Float.floatToRawIntBits(e) != Float.floatToRawIntBits(a)) {
                if (first < 0) {
                    first = i;
                }
                bad++;
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + n + " values differ in their bits; first at index " + first
                    + ": expected " + expected[first] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(expected[first]))
                    + "), actual " + actual[first] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(actual[first])) + ")");
        }
    }

    /** Largest absolute value of x, at least {@code floor}: the scale of a gradient. */
    public static double scale(double[] x, double floor) {
        double m = floor;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
