package dev.nanoadam.models.math;

import dev.nanoadam.testing.Compare;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The reductions of {@link ArrayMath} add their lane accumulators in lane order, so that a result
 * does not depend on whether the JIT has compiled the loop yet: {@code reduceLanes(ADD)} leaves
 * the order to the implementation, and the interpreter and C2 then round differently (the same
 * model gave different gradients on its first call and its later ones). Each routine is checked
 * bit for bit against a scalar model of that order, cold and after enough calls to be compiled.
 */
class ArrayMathOrderTest {
    private static final long SEED = 0xA11A_0DE5L;

    /** The documented order: one float accumulator per lane, lanes added in order, then the tail. */
    private static float laneOrder(float[] terms, int n) {
        int lanes = Simd.LANES;
        int bound = Simd.SCALAR ? 0 : n / lanes * lanes;
        float[] acc = new float[lanes];
        for (int i = 0; i < bound; i += lanes) {
            for (int l = 0; l < lanes; l++) {
                acc[l] = acc[l] + terms[i + l];
            }
        }
        float s = 0f;
        if (!Simd.SCALAR) {
            for (int l = 0; l < lanes; l++) {
                s += acc[l];
            }
        }
        for (int i = bound; i < n; i++) {
            s += terms[i];
        }
        return s;
    }

    private static float laneOrderFma(float[] x, float[] y, int n) {
        int lanes = Simd.LANES;
        int bound = Simd.SCALAR ? 0 : n / lanes * lanes;
        float[] acc = new float[lanes];
        for (int i = 0; i < bound; i += lanes) {
            for (int l = 0; l < lanes; l++) {
                acc[l] = Math.fma(x[i + l], y[i + l], acc[l]);
            }
        }
        float s = 0f;
        if (!Simd.SCALAR) {
            for (int l = 0; l < lanes; l++) {
                s += acc[l];
            }
        }
        for (int i = bound; i < n; i++) {
            s = Math.fma(x[i], y[i], s);
        }
        return s;
    }

    private static void check(String when, float[] x, float[] y, int n) {
        String where = when + ", n=" + n + ", " + Simd.LANES + " lanes (seed " + SEED + ")";
        Compare.exact("sum " + where, laneOrder(x, n), ArrayMath.sum(x, 0, n));
        Compare.exact("dot " + where, laneOrderFma(x, y, n), ArrayMath.dot(x, 0, y, 0, n));
        float mean = 0.37f;
        float[] d = new float[n];
        float[] yd = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = x[i] - mean;
            yd[i] = y[i] - mean;
        }
        Compare.exact("sumSquaredDeviation " + where, laneOrderFma(d, d, n), ArrayMath.sumSquaredDeviation(x, 0, n, mean));
        Compare.exact("dotDeviation " + where, laneOrderFma(x, yd, n), ArrayMath.dotDeviation(x, 0, y, 0, n, mean));
    }

    @Test
    void reductionsFollowLaneOrderColdAndCompiled() {
        SplittableRandom r = new SplittableRandom(SEED);
        int n = 4097;
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            // Mixed magnitudes, so that a different order of additions rounds differently.
            x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-3, 4)));
            y[i] = (float) r.nextGaussian();
        }
        check("first call", x, y, n);
        check("first call", x, y, 37);
        float sink = 0f;
        for (int i = 0; i < 20_000; i++) {
            sink += ArrayMath.sum(x, 0, 256) + ArrayMath.dot(x, 0, y, 0, 256)
                    + ArrayMath.sumSquaredDeviation(x, 0, 256, 0.1f) + ArrayMath.dotDeviation(x, 0, y, 0, 256, 0.1f);
        }
        check("after 20000 calls (sink " + sink + ")", x, y, n);
        check("after 20000 calls", x, y, 256);
    }
}
