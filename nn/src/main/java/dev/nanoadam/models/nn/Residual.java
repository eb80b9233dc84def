package dev.nanoadam.models.nn;

import dev.nanoadam.models.math.ArrayMath;

/**
 * Residual addition {@code y = a + b}. Its backward pass hands the output gradient unchanged to
 * both branches, so callers route {@code dy} to each branch (adding where a branch already holds
 * a gradient) with {@link #backward}.
 */
public final class Residual {
    private Residual() {
    }

    /** {@code y[i] = a[i] + b[i]} for i in [0, n); y may alias a or b. */
    public static void forward(float[] a, float[] b, float[] y, int n) {
        ArrayMath.add(a, 0, b, 0, y, 0, n);
    }

    /** Routes {@code dy} into one branch's gradient: {@code d = dy}, or {@code d += dy} when accumulating. */
    public static void backward(float[] dy, float[] d, int n, boolean accumulate) {
        if (accumulate) {
            ArrayMath.addInto(dy, 0, d, 0, n);
        } else if (d != dy) {
            System.arraycopy(dy, 0, d, 0, n);
        }
    }
}
