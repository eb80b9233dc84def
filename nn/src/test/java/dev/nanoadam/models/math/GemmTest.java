package dev.nanoadam.models.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nanoadam.cpu.WorkerPool;
import dev.nanoadam.testing.Compare;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link Gemm} against the exact documented float sequence and a float64 product. */
class GemmTest {
    /** Sizes around every edge of the blocking: 1, a partial panel, just past NR and MR multiples. */
    @Provide
    Arbitrary<Integer> size() {
        return Arbitraries.oneOf(Arbitraries.of(1, 2, 7, 8, 11, 12, 13, 17, 31, 32, 33, 63, 64, 65, 97, 130),
                Arbitraries.integers().between(1, 140));
    }

    @Property(tries = 60, seed = "20261123")
    void matchesDocumentedSequenceAndFloat64(@ForAll("size") int m, @ForAll("size") int n, @ForAll("size") int k,
                                             @ForAll boolean transA, @ForAll boolean transB,
                                             @ForAll boolean accumulate, @ForAll boolean withBias,
                                             @ForAll long seed) {
        check(m, n, k, transA, transB, accumulate, withBias, seed);
    }

    /** Depths beyond KC (several runs) and a product big enough for the parallel path. */
    @Property(tries = 8, seed = "7")
    void deepAndParallel(@ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate,
                         @ForAll long seed) {
        check(97, 75, 3 * Gemm.KC + 5, transA, transB, accumulate, true, seed);
    }

    /** Odd sizes from the specification of the task: every pair of 1, 7, 33, 65. */
    @Test
    void oddSizes() {
        int[] sizes = {1, 7, 33, 65};
        long seed = 11;
        for (int m : sizes) {
            for (int n : sizes) {
                for (int k : sizes) {
                    check(m, n, k, false, false, false, false, seed++);
                }
            }
        }
    }

    /**
     * Larger than one packed block in every dimension (MB, NB, KB), on all cores; checked on a
     * sample of elements, since the oracle is slow.
     */
    @Test
    void beyondEveryBlock() {
        long seed = 99;
        int m = Gemm.MB + 13;
        int n = Gemm.NB + 21;
        int k = Gemm.KB + Gemm.KC + 3;
        Random rng = new Random(seed);
        float[] a = randomArray(rng, m * k);
        float[] b = randomArray(rng, k * n);
        float[] bias = randomArray(rng, n);
        float[] c = new float[m * n];
        Gemm.gemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false, bias);
        for (int t = 0; t < 400; t++) {
            int i = t < 4 ? (t < 2 ? 0 : m - 1) : rng.nextInt(m);
            int j = t % 2 == 0 ? rng.nextInt(n) : (t < 4 ? n - 1 : rng.nextInt(n));
            float expected = GemmOracle.element(false, true, k, a, 0, k, b, 0, k, 0f, false, bias, i, j);
            Compare.exact("seed " + seed + ": C(" + i + ", " + j + ") against the documented sequence", expected,
                    c[i * n + j]);
        }
    }

    /** A product run from inside a pool loop (serial, per-worker buffers) gives the same bits. */
    @Test
    void nestedCallsMatchTopLevel() {
        long seed = 5;
        Random rng = new Random(seed);
        int m = 70;
        int n = 90;
        int k = 300;
        float[] a = randomArray(rng, m * k);
        float[] b = randomArray(rng, k * n);
        float[] top = new float[m * n];
        Gemm.multiply(m, n, k, a, b, top);
        int tasks = 2 * WorkerPool.shared().size() + 1;
        float[][] nested = new float[tasks][m * n];
        Gemm.reserve(m, n, k);
        WorkerPool.shared().run(tasks, (t, w) -> Gemm.multiply(m, n, k, a, b, nested[t]));
        for (int t = 0; t < tasks; t++) {
            Compare.exact("nested product " + t + " (seed " + seed + ")", top, nested[t]);
        }
    }

    @Test
    void rejectsBadArguments() {
        float[] a = new float[12];
        float[] b = new float[12];
        float[] c = new float[12];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, 3, 4, 4, a, 0, 4, b, 0, 4, c, 0, 4, false));
        assertTrue(e.getMessage().contains("B is 4 x 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, 3, 3, 4, a, 0, 3, b, 0, 3, c, 0, 3, false));
        assertTrue(e.getMessage().contains("leading dimension of A is 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, -1, 3, 4, a, 0, 4, b, 0, 3, c, 0, 3, false));
        assertTrue(e.getMessage().contains("negative size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, 2, 3, 4, a, 0, 4, b, 0, 3, c, 0, 3, false, new float[2]));
        assertTrue(e.getMessage().contains("bias has 2"), e.getMessage());
    }

    @Test
    void emptyDepthGivesBiasOrKeepsC() {
        float[] c = {1f, 2f, 3f, 4f};
        Gemm.gemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, true, new float[] {10f, 20f});
        assertEquals(11f, c[0]);
        assertEquals(24f, c[3]);
        Gemm.gemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, false);
        assertEquals(0f, c[0]);
    }

    static float[] randomArray(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextFloat() * 2 - 1;
        }
        return x;
    }

    /**
     * Runs one product with random offsets and padded leading dimensions, and checks every element
     * bit for bit against the documented sequence and within the float64 error bound; elements
     * outside the m x n block must be untouched.
     */
    static void check(int m, int n, int k, boolean tA, boolean tB, boolean accumulate, boolean withBias, long seed) {
        Random rng = new Random(seed);
        int aRows = tA ? k : m;
        int aCols = tA ? m : k;
        int bRows = tB ? n : k;
        int bCols = tB ? k : n;
        int lda = aCols + rng.nextInt(3);
        int ldb = bCols + rng.nextInt(3);
        int ldc = n + rng.nextInt(3);
        int aOff = rng.nextInt(4);
        int bOff = rng.nextInt(4);
        int cOff = rng.nextInt(4);
        float[] a = randomArray(rng, aOff + aRows * lda);
        float[] b = randomArray(rng, bOff + bRows * ldb);
        float[] c = randomArray(rng, cOff + m * ldc + 3);
        float[] bias = withBias ? randomArray(rng, n) : null;
        float[] expected = GemmOracle.emulate(tA, tB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, bias);
        float[] before = c.clone();
        Gemm.gemm(tA, tB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, bias);
        String what = "gemm m=" + m + " n=" + n + " k=" + k + " transA=" + tA + " transB=" + tB + " accumulate="
                + accumulate + " bias=" + withBias + " seed=" + seed + " (" + Simd.describe() + ")";
        Compare.exact(what, expected, c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                String bad = GemmOracle.checkAccuracy(tA, tB, k, a, aOff, lda, b, bOff, ldb,
                        before[cOff + i * ldc + j], accumulate, bias, i, j, c[cOff + i * ldc + j]);
                if (bad != null) {
                    fail(what + ": " + bad);
                }
            }
        }
    }
}
