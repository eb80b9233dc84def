package dev.nanoadam.models.math;

import dev.nanoadam.cpu.WorkerPool;
import dev.nanoadam.testing.Compare;

/**
 * Entry point run in a child JVM by {@link GemmPathsTest} under a forced vector width and thread
 * count: checks a set of products bit for bit and prints a line {@code OK <path> <hash>}, where
 * the hash covers every result bit, so that all paths can be compared with each other.
 */
public final class GemmPathCheck {
    private GemmPathCheck() {
    }

    public static void main(String[] args) {
        long hash = run();
        System.out.println("OK " + Simd.describe() + " threads=" + WorkerPool.shared().size() + " MR=" + Gemm.MR
                + " NR=" + Gemm.NR + " hash=" + Long.toHexString(hash));
    }

    /** Runs the fixed products, checking each against the documented sequence; returns a hash of all results. */
    public static long run() {
        int[][] shapes = {{1, 1, 1}, {7, 33, 65}, {65, 7, 33}, {33, 65, 7}, {13, 17, 300}, {97, 130, 64},
                          {200, 150, 600}};
        long hash = 1125899906842597L;
        long seed = 1;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean tA = (t & 1) != 0;
                boolean tB = (t & 2) != 0;
                java.util.Random rng = new java.util.Random(seed++);
                int m = s[0];
                int n = s[1];
                int k = s[2];
                float[] a = GemmTest.randomArray(rng, m * k);
                float[] b = GemmTest.randomArray(rng, k * n);
                float[] c = GemmTest.randomArray(rng, m * n);
                float[] bias = GemmTest.randomArray(rng, n);
                boolean accumulate = t % 3 == 0;
                float[] expected = GemmOracle.emulate(tA, tB, m, n, k, a, 0, tA ? m : k, b, 0, tB ? k : n, c, 0, n,
                        accumulate, bias);
                Gemm.gemm(tA, tB, m, n, k, a, 0, tA ? m : k, b, 0, tB ? k : n, c, 0, n, accumulate, bias);
                Compare.exact("path " + Simd.describe() + ", shape " + m + "x" + n + "x" + k + " transA=" + tA
                        + " transB=" + tB + " against the documented sequence", expected, c);
                for (float x : c) {
                    hash = hash * 31 + Float.floatToRawIntBits(x);
                }
            }
        }
        return hash;
    }
}
