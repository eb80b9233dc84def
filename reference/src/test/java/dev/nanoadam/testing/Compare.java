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

    /** Bit-for-bit equality (NaN equals NaN). */
    public static void exact(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        int first = -1;
        int count = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!sameBits(expected[i], actual[i])) {
                if (first < 0) {
                    first = i;
                }
                count++;
            }
        }
        if (first >= 0) {
            throw new AssertionError(what + ": " + count + " of " + expected.length + " differ; first at index " + first
                    + ": expected " + show(expected[first]) + ", got " + show(actual[first]));
        }
    }

    /** Equality of int arrays (masks). */
    public static void exact(String what, int[] expected, int[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
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
     * {@code |a - e| <= atol + rtol * |e|} elementwise, NaN equal to NaN. Callers name and justify
     * their tolerances where they call this.
     */
    public static void close(String what, double[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        int first = -1;
        int count = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean ok = (Double.isNaN(e) && Double.isNaN(a)) || Math.abs(a - e) <= atol + rtol * Math.abs(e);
            if (!ok) {
                if (first < 0) {
                    first = i;
                }
                count++;
                worst = Math.max(worst, Math.abs(a - e));
            }
        }
        if (first >= 0) {
            throw new AssertionError(what + ": " + count + " of " + expected.length + " outside atol=" + atol + ", rtol="
                    + rtol + "; first at index " + first + ": expected " + expected[first] + ", got "
                    + show(actual[first]) + "; worst |diff| " + worst);
        }
    }

    static boolean sameBits(float a, float b) {
        return (Float.isNaN(a) && Float.isNaN(b)) || Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b);
    }

    /** A float with its hex bits, for failure messages. */
    public static String show(float x) {
        return x + " (0x" + String.format("%08x", Float.floatToRawIntBits(x)) + ")";
    }
}
