package dev.nanoadam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.testing.Compare;
import java.util.List;
import org.junit.jupiter.api.Test;

/** parameters(), zeroGrad() and clipGradNorm() as a training loop uses them. */
class TrainingLoopHelpersTest {

    private static Parameter filled(String name, float... grad) {
        Parameter p = Parameter.of(name, new float[grad.length], grad.length);
        System.arraycopy(grad, 0, p.grad(), 0, grad.length);
        return p;
    }

    @Test
    void parametersAreSparseThenDenseAndZeroGradClearsThemAll() {
        Parameter norm = filled("enc.norm.weight", 1, 2);
        Parameter w = filled("enc.weight", 3, -4, 5);
        try (NanoAdam opt = NanoAdam.builder().build(List.of(norm, w))) {
            assertEquals(List.of(w, norm), opt.parameters());
            assertThrows(UnsupportedOperationException.class, () -> opt.parameters().clear());
            opt.zeroGrad();
            Compare.exact("sparse gradient", new float[3], w.grad());
            Compare.exact("dense gradient", new float[2], norm.grad());
        }
    }

    @Test
    void clipScalesToMaxNormAndReturnsTheNormBefore() {
        Parameter a = filled("enc.weight", 3, 0);
        Parameter b = filled("enc.norm.weight", 0, 4);
        try (AdamW opt = AdamW.builder().build(List.of(a, b))) {
            assertEquals(List.of(a, b), opt.parameters());
            assertEquals(5.0, opt.clipGradNorm(10.0), 0.0, "under the limit: the norm, nothing changes");
            Compare.exact("unchanged", new float[] {3, 0}, a.grad());
            assertEquals(5.0, opt.clipGradNorm(1.0), 0.0);
            float scale = (float) (1.0 / (5.0 + 1e-6));
            Compare.exact("clipped a", new float[] {3 * scale, 0}, a.grad());
            Compare.exact("clipped b", new float[] {0, 4 * scale}, b.grad());
            assertTrue(opt.clipGradNorm(1.0) <= 1.0);
        }
    }

    @Test
    void aNonFiniteNormChangesNothingAndBadLimitsAreRefused() {
        Parameter a = filled("enc.weight", Float.NaN, 2);
        try (AdamW opt = AdamW.builder().build(List.of(a))) {
            assertTrue(Double.isNaN(opt.clipGradNorm(1.0)));
            Compare.exact("left to the step's policy", new float[] {Float.NaN, 2}, a.grad());
            for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.clipGradNorm(bad));
                assertTrue(e.getMessage().startsWith("maxNorm = "), e.getMessage());
            }
        }
    }
}
