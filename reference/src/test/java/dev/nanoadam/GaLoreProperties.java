package dev.nanoadam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.baselines.SlowAdamW8bit;
import dev.nanoadam.baselines.SlowGaLore;
import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.ejml.data.DMatrixRMaj;

/**
 * {@link GaLore} against {@link SlowGaLore}, written from Algorithm 1: the same SVD (EJML, which is
 * deterministic), the same double accumulations in ascending order, the same float32 Adam, so the
 * projector, moments and weights agree bit for bit, across projector refreshes.
 */
class GaLoreProperties {

    @Property(tries = 30, seed = "7001")
    void fastEqualsSlowBitForBit(@ForAll @LongRange(min = 1) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int rows = 1 + r.nextInt(r.nextBoolean() ? 8 : 70);
        int cols = 1 + r.nextInt(r.nextBoolean() ? 8 : 70);
        int rank = 1 + r.nextInt(12);
        int gap = 1 + r.nextInt(4);
        double scale = r.nextBoolean() ? 0.25 : 1.0;
        double lr = r.nextBoolean() ? 1e-3 : 0.05;
        double wd = r.nextBoolean() ? 0 : 0.01;
        float[] w = Gen.weights(r, rows * cols, 0.05f, 0.02);
        float[] slowW = w.clone();
        Parameter p = Parameter.of("layer.attn.q", w, rows, cols);
        float[] bias = Gen.weights(r, cols, 0.05f, 0.02);
        float[] slowBias = bias.clone();
        Parameter b = Parameter.of("layer.attn.bias", bias, cols);
        SlowGaLore slow = new SlowGaLore(rows, cols, rank, gap, scale);
        SlowAdamW8bit slowBiasOptimizer = new SlowAdamW8bit(cols);   // below 4096 entries: plain float32 AdamW
        int steps = 1 + r.nextInt(3 * gap + 1);
        try (GaLore fast = GaLore.builder().lr(lr).rank(rank).updateGap(gap).scale(scale).weightDecay(wd)
                .build(List.of(p), List.of(b))) {
            for (int t = 0; t < steps; t++) {
                float[] g = Gen.gradients(r, rows * cols, 0.01f, 0.02);
                System.arraycopy(g, 0, p.grad(), 0, g.length);
                float[] gb = Gen.gradients(r, cols, 0.01f, 0.02);
                System.arraycopy(gb, 0, b.grad(), 0, gb.length);
                slow.step(slowW, g, t, lr, 0.9, 0.999, 1e-8, wd);
                slowBiasOptimizer.step(slowBias, gb, lr, 0.9, 0.999, 1e-8, wd, t + 1);   // the unprojected one
                fast.step();
                String what = "seed " + seed + " " + rows + "x" + cols + " rank " + rank + " gap " + gap + " step " + t;
                Compare.exact(what + " projector", slow.flatProjector(), fast.projector(p));
                Compare.exact(what + " m", slow.flatM(), fast.moments(p).m());
                Compare.exact(what + " v", slow.flatV(), fast.moments(p).v());
                Compare.exact(what + " w", slowW, p.data());
                Compare.exact(what + " bias", slowBias, b.data());
            }
        }
    }

    /**
     * The projector's columns are orthonormal and span a rank-r gradient: P Pᵀ G = G. Tolerance:
     * the SVD runs in double, the projector is rounded to float (relative 6e-8 per entry), and each
     * reconstructed entry sums r <= 8 products of such entries: 1e-5 relative to the largest entry of G
     * is a wide margin above that and far below any error of a wrong subspace (order 1).
     */
    @Property(tries = 30, seed = "7002")
    void projectorSpansALowRankGradient(@ForAll @LongRange(min = 1) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int rows = 2 + r.nextInt(40);
        int cols = 2 + r.nextInt(40);
        int rank = 1 + r.nextInt(Math.min(8, Math.min(rows, cols)));
        DMatrixRMaj g = new DMatrixRMaj(rows, cols);
        for (int q = 0; q < rank; q++) {
            double[] a = new double[rows];
            double[] c = new double[cols];
            for (int i = 0; i < rows; i++) {
                a[i] = Gen.gaussian(r);
            }
            for (int j = 0; j < cols; j++) {
                c[j] = Gen.gaussian(r);
            }
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    g.add(i, j, a[i] * c[j]);
                }
            }
        }
        boolean left = rows < cols;
        int small = Math.min(rows, cols);
        float[] s = new float[small * rank];
        GaLore.topSingularVectors(g, left, rank, s);
        for (int a = 0; a < rank; a++) {
            for (int b = 0; b < rank; b++) {
                double dot = 0;
                for (int k = 0; k < small; k++) {
                    dot += (double) s[k * rank + a] * s[k * rank + b];
                }
                assertEquals(a == b ? 1.0 : 0.0, dot, 1e-5, "seed " + seed + " columns " + a + ", " + b);
            }
        }
        double max = 0;
        for (double x : g.data) {
            max = Math.max(max, Math.abs(x));
        }
        double worst = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                // project the small-side vector of G through S Sᵀ
                double rebuilt = 0;
                for (int k = 0; k < small; k++) {
                    double proj = 0;
                    for (int q = 0; q < rank; q++) {
                        proj += (double) s[(left ? i : j) * rank + q] * s[k * rank + q];
                    }
                    rebuilt += proj * (left ? g.get(k, j) : g.get(i, k));
                }
                worst = Math.max(worst, Math.abs(rebuilt - g.get(i, j)));
            }
        }
        assertTrue(worst <= 1e-5 * max, "seed " + seed + ": |S Sᵀ G - G| = " + worst + " for max |G| " + max);
    }

    @org.junit.jupiter.api.Test
    void defaultPartitionProjectsOnlyMatricesOfTheBody() {
        assertTrue(GaLore.isProjectedByDefault("encoder.layer.0.attention.self.query.weight", new int[] {4, 4}));
        assertFalse(GaLore.isProjectedByDefault("encoder.layer.0.attention.self.query.bias", new int[] {4}));
        assertFalse(GaLore.isProjectedByDefault("embeddings.word_embeddings.weight", new int[] {10, 4}));
        assertFalse(GaLore.isProjectedByDefault("classifier.weight", new int[] {2, 4}));
        assertFalse(GaLore.isProjectedByDefault("conv1.weight", new int[] {8, 3, 3, 3}));
    }
}
