package dev.nanoadam.experiments.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientWeightRatioTest {

    @Test
    void handWorkedExample() {
        float[] w = {0.9f, -0.1f, 0.5f, 0.05f, -0.7f, 0.3f, 0.2f, -0.4f, 0.6f, 0.8f};
        float[] g = {0.01f, -0.9f, 0.02f, 0.8f, -0.03f, 0.04f, 0.5f, 0.05f, -0.06f, 0.07f};
        // top 20% = 2 largest |g|: entries 1 (0.9) and 3 (0.8), |w| 0.1 and 0.05, median 0.075.
        // bottom 50% = 5 smallest |g|: entries 0, 2, 4, 5, 7, |w| 0.9 0.5 0.7 0.3 0.4, max 0.9.
        GradientWeightRatio.Ratio r = GradientWeightRatio.of("hand", w, g, 0.2, 0.5);
        assertEquals(2, r.topCount());
        assertEquals(5, r.bottomCount());
        assertEquals(((double) 0.1f + 0.05f) / 2, r.medianTopWeight());
        assertEquals(0.9f, r.maxBottomWeight());
        assertEquals(((double) 0.1f + 0.05f) / 2 / 0.9f, r.r());
        assertEquals(0.0833, r.r(), 1e-4);
    }

    @Test
    void oddTopCountTakesTheMiddleValueAndCountsRoundAsDocumented() {
        float[] w = {5f, 1f, 3f, 2f, 4f, 0.5f, 0.25f};
        float[] g = {9f, 8f, 7f, 0f, 0f, 0f, 0f};
        // top ceil(0.4*7)=3: entries 0,1,2 with |w| 5,1,3 -> median 3; bottom floor(0.5*7)=3: entries 3,4,5 -> max 4.
        GradientWeightRatio.Ratio r = GradientWeightRatio.of("odd", w, g, 0.4, 0.5);
        assertEquals(3, r.topCount());
        assertEquals(3, r.bottomCount());
        assertEquals(3.0, r.medianTopWeight());
        assertEquals(4.0, r.maxBottomWeight());
        assertEquals(0.75, r.r());
    }

    @Test
    void tiesInGradientGoByIndex() {
        float[] w = {1f, 2f, 3f, 4f, 5f};
        float[] g = {1f, 1f, 1f, 1f, 1f};
        // Ranked by (|g|, index): the largest is the last index, the smallest the first ones.
        GradientWeightRatio.Ratio r = GradientWeightRatio.of("ties", w, g, 0.0001, 0.8);
        assertEquals(1, r.topCount());
        assertEquals(4, r.bottomCount());
        assertEquals(5.0, r.medianTopWeight());
        assertEquals(4.0, r.maxBottomWeight());
    }

    @Test
    void largeGradientsOnSmallWeightsGiveSmallR() {
        long seed = 20251123L;
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 50_000;
        float[] w = new float[n];
        float[] hyperbolic = new float[n];
        float[] unrelated = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.05f;
            hyperbolic[i] = 1e-4f / (Math.abs(w[i]) + 1e-4f);
            unrelated[i] = (float) rnd.nextDouble();
        }
        double small = GradientWeightRatio.of("hyperbolic", w, hyperbolic, 0.0001, 0.8).r();
        double large = GradientWeightRatio.of("unrelated", w, unrelated, 0.0001, 0.8).r();
        assertTrue(small < 0.01, "hyperbolic r = " + small + " (seed " + seed + ")");
        assertTrue(large > 0.1, "unrelated r = " + large + " (seed " + seed + ")");
    }

    @Test
    void refusesBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientWeightRatio.of("conv1.weight", new float[3], new float[2], 0.1, 0.8));
        assertEquals("conv1.weight: need as many gradients as weights, at least one, got 3 weights and 2 gradients", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GradientWeightRatio.of("x", new float[] {1f, 2f}, new float[] {0f, Float.NaN}, 0.1, 0.8));
        assertEquals("x: entry 1 is not finite (weight 2.0, gradient NaN)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GradientWeightRatio.of("x", new float[] {1f}, new float[] {1f}, 0, 0.8));
        assertTrue(e.getMessage().contains("fractions must be in (0, 1]"), e.getMessage());
    }
}
