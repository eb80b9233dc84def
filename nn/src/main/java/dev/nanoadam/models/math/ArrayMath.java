package dev.nanoadam.models.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Small vectorised array routines the layers share. Each takes arrays and offsets, never vectors,
 * so that nothing vector-typed crosses a method boundary the JIT might not inline.
 */
public final class ArrayMath {
    private static final VectorSpecies<Float> S = Simd.FLOAT;

    private ArrayMath() {
    }

    /** Sum of {@code x[off..off+n)}, in float with one accumulator per lane. */
    public static float sum(float[] x, int off, int n) {
        int i = 0;
        float s = 0f;
        if (!Simd.SCALAR) {
            FloatVector acc = FloatVector.zero(S);
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                acc = acc.add(FloatVector.fromArray(S, x, off + i));
            }
            // Lanes added in lane order: reduceLanes(ADD) leaves the order to the implementation,
            // and interpreted and compiled code then round differently.
            for (int l = 0; l < S.length(); l++) {
                s += acc.lane(l);
            }
        }
        for (; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    /** Dot product of {@code x[xOff..xOff+n)} and {@code y[yOff..yOff+n)}. */
    public static float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        float s = 0f;
        if (!Simd.SCALAR) {
            FloatVector acc = FloatVector.zero(S);
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                acc = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc);
            }
            // Lanes added in lane order: reduceLanes(ADD) leaves the order to the implementation,
            // and interpreted and compiled code then round differently.
            for (int l = 0; l < S.length(); l++) {
                s += acc.lane(l);
            }
        }
        for (; i < n; i++) {
            s = Math.fma(x[xOff + i], y[yOff + i], s);
        }
        return s;
    }

    /** Sum of squared deviations from {@code mean} over {@code x[off..off+n)}. */
    public static float sumSquaredDeviation(float[] x, int off, int n, float mean) {
        int i = 0;
        float s = 0f;
        if (!Simd.SCALAR) {
            FloatVector acc = FloatVector.zero(S);
            FloatVector m = FloatVector.broadcast(S, mean);
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                FloatVector d = FloatVector.fromArray(S, x, off + i).sub(m);
                acc = d.fma(d, acc);
            }
            // Lanes added in lane order: reduceLanes(ADD) leaves the order to the implementation,
            // and interpreted and compiled code then round differently.
            for (int l = 0; l < S.length(); l++) {
                s += acc.lane(l);
            }
        }
        for (; i < n; i++) {
            float d = x[off + i] - mean;
            s = Math.fma(d, d, s);
        }
        return s;
    }

    /**
     * Sum of {@code x[off..off+n)} in double: float partial sums over runs of 256 elements, added
     * in double, so long reductions (BatchNorm over a batch of images) do not lose digits.
     */
    public static double sumAsDouble(float[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i += 256) {
            s += sum(x, off + i, Math.min(256, n - i));
        }
        return s;
    }

    /** Double-accumulated sum of squared deviations from {@code mean}, as {@link #sumAsDouble}. */
    public static double sumSquaredDeviationAsDouble(float[] x, int off, int n, float mean) {
        double s = 0;
        for (int i = 0; i < n; i += 256) {
            s += sumSquaredDeviation(x, off + i, Math.min(256, n - i), mean);
        }
        return s;
    }

    /** {@code sum_i x[xOff+i] * (y[yOff+i] - mean)}, with one accumulator per lane. */
    public static float dotDeviation(float[] x, int xOff, float[] y, int yOff, int n, float mean) {
        int i = 0;
        float s = 0f;
        if (!Simd.SCALAR) {
            FloatVector acc = FloatVector.zero(S);
            FloatVector m = FloatVector.broadcast(S, mean);
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                FloatVector d = FloatVector.fromArray(S, y, yOff + i).sub(m);
                acc = FloatVector.fromArray(S, x, xOff + i).fma(d, acc);
            }
            // Lanes added in lane order: reduceLanes(ADD) leaves the order to the implementation,
            // and interpreted and compiled code then round differently.
            for (int l = 0; l < S.length(); l++) {
                s += acc.lane(l);
            }
        }
        for (; i < n; i++) {
            s = Math.fma(x[xOff + i], y[yOff + i] - mean, s);
        }
        return s;
    }

    /** Double-accumulated {@link #dotDeviation}, as {@link #sumAsDouble}. */
    public static double dotDeviationAsDouble(float[] x, int xOff, float[] y, int yOff, int n, float mean) {
        double s = 0;
        for (int i = 0; i < n; i += 256) {
            s += dotDeviation(x, xOff + i, y, yOff + i, Math.min(256, n - i), mean);
        }
        return s;
    }

    /** Double-accumulated dot product, as {@link #sumAsDouble}. */
    public static double dotAsDouble(float[] x, int xOff, float[] y, int yOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i += 256) {
            int len = Math.min(256, n - i);
            s += dot(x, xOff + i, y, yOff + i, len);
        }
        return s;
    }

    /** {@code out[oOff+i] = a[aOff+i] + b[bOff+i]} for i in [0, n); out may alias a or b. */
    public static void add(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
        int i = 0;
        if (!Simd.SCALAR) {
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, oOff + i);
            }
        }
        for (; i < n; i++) {
            out[oOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    /** {@code y[yOff+i] += x[xOff+i]} for i in [0, n). */
    public static void addInto(float[] x, int xOff, float[] y, int yOff, int n) {
        add(y, yOff, x, xOff, y, yOff, n);
    }

    /** {@code y[yOff+i] = s * x[xOff+i]} for i in [0, n); y may alias x. */
    public static void scale(float[] x, int xOff, float s, float[] y, int yOff, int n) {
        int i = 0;
        if (!Simd.SCALAR) {
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                FloatVector.fromArray(S, x, xOff + i).mul(s).intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            y[yOff + i] = s * x[xOff + i];
        }
    }

    /** Column sums: {@code out[j] += sum_r x[r*cols + j]}, rows summed in order. */
    public static void addColumnSums(float[] x, int rows, int cols, float[] out) {
        for (int r = 0; r < rows; r++) {
            addInto(x, r * cols, out, 0, cols);
        }
    }

    /** Index of the largest of {@code x[off..off+n)}; the first one on ties; NaN never wins. */
    public static int argMax(float[] x, int off, int n) {
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        boolean found = false;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            if (!found && !Float.isNaN(v) || v > bestValue) {
                best = i;
                bestValue = v;
                found = true;
            }
        }
        return best;
    }
}
