package dev.nanoadam.models.math;

/**
 * Two independent references for {@link Gemm}: the exact float sequence its Javadoc promises
 * (for bit-identity), and a float64 product with a rigorous error bound (for accuracy).
 */
final class GemmOracle {
    private GemmOracle() {
    }

    static float opA(boolean t, float[] a, int off, int ld, int i, int p) {
        return t ? a[off + p * ld + i] : a[off + i * ld + p];
    }

    static float opB(boolean t, float[] b, int off, int ld, int p, int j) {
        return t ? b[off + j * ld + p] : b[off + p * ld + j];
    }

    /**
     * One element by the documented sequence: for each run of KC depths, an FMA chain from zero;
     * the first run gives {@code acc (+ bias) (+ C)}, later runs {@code acc + C}.
     */
    static float element(boolean tA, boolean tB, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float c, boolean accumulate, float[] bias, int i, int j) {
        if (k == 0) {
            float v = bias == null ? 0f : bias[j];
            return accumulate ? c + v : v;
        }
        float result = c;
        for (int p0 = 0; p0 < k; p0 += Gemm.KC) {
            float acc = 0f;
            for (int p = p0; p < Math.min(k, p0 + Gemm.KC); p++) {
                acc = Math.fma(opA(tA, a, aOff, lda, i, p), opB(tB, b, bOff, ldb, p, j), acc);
            }
            if (p0 == 0) {
                float v = acc;
                if (bias != null) {
                    v += bias[j];
                }
                if (accumulate) {
                    v += c;
                }
                result = v;
            } else {
                result = acc + result;
            }
        }
        return result;
    }

    /** The whole expected C (a copy of c with the m x n block replaced). */
    static float[] emulate(boolean tA, boolean tB, int m, int n, int k, float[] a, int aOff, int lda, float[] b,
                           int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, float[] bias) {
        float[] out = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = cOff + i * ldc + j;
                out[at] = element(tA, tB, k, a, aOff, lda, b, bOff, ldb, c[at], accumulate, bias, i, j);
            }
        }
        return out;
    }

    /**
     * Checks one element against the float64 product: any order of k float multiply-adds plus
     * two additions (bias, C) errs by at most {@code gamma_{k+2} * sum|terms|}
     * (Higham, Accuracy and Stability of Numerical Algorithms, 3.1), {@code gamma_n = n u/(1-n u)},
     * u = 2^-24. Returns null when inside the bound, else a description.
     */
    static String checkAccuracy(boolean tA, boolean tB, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                                int ldb, float c0, boolean accumulate, float[] bias, int i, int j, float actual) {
        double exact = 0;
        double magnitude = 0;
        for (int p = 0; p < k; p++) {
            double t = (double) opA(tA, a, aOff, lda, i, p) * opB(tB, b, bOff, ldb, p, j);
            exact += t;
            magnitude += Math.abs(t);
        }
        if (bias != null) {
            exact += bias[j];
            magnitude += Math.abs(bias[j]);
        }
        if (accumulate) {
            exact += c0;
            magnitude += Math.abs(c0);
        }
        double u = Math.scalb(1.0, -24);
        double gamma = (k + 2) * u / (1 - (k + 2) * u);
        double bound = gamma * magnitude;
        if (Math.abs(actual - exact) <= bound) {
            return null;
        }
        return "C(" + i + ", " + j + ") = " + actual + ", float64 product " + exact + ", error "
                + Math.abs(actual - exact) + " > bound " + bound;
    }
}
