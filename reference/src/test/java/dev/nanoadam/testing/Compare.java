package dev.nanoadam.testing;

/**
 * The one comparison helper of every test (STYLE.md rule 3). Exact comparisons treat any two NaNs
 * as equal (SPEC.md §6 leaves NaN bits unspecified) and everything else by bit pattern, so +0 and
 * -0 differ. A failure names what was compared, the first bad index, the count of mismatches and
 * both values with their hex bits.
 */
public final class Compare {
    private Compare() {
    }

    /** Bit-for-bit equality of one value (NaN equals NaN). */
    public static void exact(String what, float expected, float actual) {
        if (!sameBits(expected, actual)) {
            throw new AssertionError(what + ": expected " + show(expected) + ", got " + show(actual));
        }
    }

    /** Bit-for-bit equality (NaN equals NaN) of two arrays of equal length. */
    public static void exact(String what, float[] expected, float[] actual) {
        sameLength(what, expected.length, actual.length);
        exact(what, expected, actual, expected.length);
    }

    /**
     * Bit-for-bit equality (NaN equals NaN) on {@code [0, n)}; entries past n are not looked at,
     * so either array may be a larger buffer.
     */
    public static void exact(String what, float[] expected, float[] actual, int n) {
        covers(what, n, expected.length, actual.length);
        int first = -1;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (!sameBits(expected[i], actual[i])) {
                if (first < 0) {
                    first = i;
                }
                count++;
            }
        }
        if (first >= 0) {
            throw new AssertionError(what + ": " + count + " of " + n + " differ; first at index " + first
                    + ": expected " + show(expected[first]) + ", got " + show(actual[first]));
        }
    }

    /** Equality of int arrays (masks). */
    public static void exact(String what, int[] expected, int[] actual) {
        sameLength(what, expected.length, actual.length);
        int first = -1;
        int count = 0;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                if (first < 0) {
                    first = i;
                }
                count++;
            }
        }
        if (first >= 0) {
            throw new AssertionError(what + ": " + count + " of " + expected.length + " differ; first at index " + first
                    + ": expected " + expected[first] + ", got " + actual[first]);
        }
    }

    /**
     * {@code |a - e| <= atol + rtol * |e|} elementwise over two arrays of equal length, NaN equal
     * to NaN. Callers name and justify their tolerances where they call this.
     */
    public static void close(String what, double[] expected, float[] actual, double atol, double rtol) {
        sameLength(what, expected.length, actual.length);
        close(what, expected, actual, expected.length, atol, rtol);
    }

    /**
     * As {@link #close(String, double[], float[], double, double)} on {@code [0, n)}. The failure
     * also gives the worst ratio of difference to allowance, which says how far off the tolerance
     * is.
     */
    public static void close(String what, double[] expected, float[] actual, int n, double atol, double rtol) {
        covers(what, n, expected.length, actual.length);
        int first = -1;
        int count = 0;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double e = expected[i];
            double a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) {
                continue;
            }
            double diff = Math.abs(a - e);
            double allowed = atol + rtol * Math.abs(e);
            if (!(diff <= allowed)) {
                if (first < 0) {
                    first = i;
                }
                count++;
                worst = Math.max(worst, diff / allowed);
            }
        }
        if (first >= 0) {
            throw new AssertionError(what + ": " + count + " of " + n + " outside atol=" + atol + ", rtol=" + rtol
                    + "; first at index " + first + ": expected " + show(expected[first]) + ", got "
                    + show(actual[first]) + ", |diff| " + Math.abs(actual[first] - expected[first])
                    + "; worst diff/allowed " + worst);
        }
    }

    /** Largest absolute value of x, at least {@code floor}: the scale an absolute tolerance is relative to. */
    public static double scale(double[] x, double floor) {
        double m = floor;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static boolean sameBits(float a, float b) {
        return (Float.isNaN(a) && Float.isNaN(b)) || Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b);
    }

    /** A float with its hex bits, for failure messages. */
    public static String show(float x) {
        return x + " (0x" + String.format("%08x", Float.floatToRawIntBits(x)) + ")";
    }

    /** A double with its hex bits, for failure messages. */
    public static String show(double x) {
        return x + " (0x" + String.format("%016x", Double.doubleToRawLongBits(x)) + ")";
    }

    private static void sameLength(String what, int expected, int actual) {
        if (expected != actual) {
            throw new AssertionError(what + ": length " + actual + ", expected " + expected);
        }
    }

    private static void covers(String what, int n, int expected, int actual) {
        if (n < 0 || expected < n || actual < n) {
            throw new AssertionError(what + ": cannot compare the first " + n + " values: expected has " + expected
                    + ", actual " + actual);
        }
    }
}
