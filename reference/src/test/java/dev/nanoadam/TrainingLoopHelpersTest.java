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

    /** A schedule given to the builder sets the rate before every step, exactly as a loop calling setLearningRate. */
    @Test
    void aBuiltInScheduleStepsAsTheLoopWould() {
        LearningRateSchedule schedule = LearningRateSchedule.warmupCosine(3, 12, 0.1);
        Parameter a = filled("enc.weight", new float[64]);
        Parameter b = filled("enc.weight", new float[64]);
        java.util.Arrays.fill(a.data(), 0.5f);
        java.util.Arrays.fill(b.data(), 0.5f);
        try (NanoAdam scheduled = NanoAdam.builder().lr(1e-2).density(0.5).maskInterval(4).schedule(schedule)
                .build(List.of(a));
             NanoAdam manual = NanoAdam.builder().lr(1e-2).density(0.5).maskInterval(4).build(List.of(b))) {
            for (int step = 0; step < 15; step++) {
                for (int i = 0; i < 64; i++) {
                    a.grad()[i] = b.grad()[i] = (float) Math.sin(step * 64 + i);
                }
                manual.setLearningRate(schedule.learningRate(step, 1e-2));
                scheduled.step();
                manual.step();
                assertEquals(manual.learningRate(), scheduled.learningRate(), "rate of step " + step);
            }
            Compare.exact("weights", b.data(), a.data());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> scheduled.setLearningRate(1e-3));
            assertTrue(e.getMessage().contains("follows the schedule"), e.getMessage());
        }
        try (AdamW broken = AdamW.builder().schedule((step, base) -> step < 2 ? base : 0.0)
                .build(List.of(filled("w", 1, 2)))) {
            broken.step();
            broken.step();
            IllegalStateException e = assertThrows(IllegalStateException.class, broken::step);
            assertTrue(e.getMessage().startsWith("schedule: rate 0.0 at step 2"), e.getMessage());
        }
    }

    @Test
    void describeSaysWhatTheDefaultPartitionChose() {
        Parameter w = filled("encoder.layer.0.attention.self.query.weight", new float[1000]);
        Parameter ln = filled("encoder.layer.0.output.LayerNorm.weight", new float[10]);
        try (NanoAdam opt = NanoAdam.builder().lr(1e-3).density(0.1).chunkSize(500).weightDecay(0.01)
                .group(ParameterGroup.of(List.of(w, ln)))
                .build()) {
            opt.step();
            String d = opt.describe();
            assertTrue(d.startsWith("NanoAdam on cpu, t = 1, k = 0.1, " + opt.stateBytes() + " bytes of state\n"), d);
            assertTrue(d.contains("encoder.layer.0.attention.self.query.weight") && d.contains("SPARSE")
                    && d.contains("K = 100 of 1000") && d.contains(100 * 10 + " bytes"), d);
            assertTrue(d.contains("encoder.layer.0.output.LayerNorm.weight") && d.contains("DENSE")
                    && d.contains("all 10") && d.contains("80 bytes"), d);
            Hyperparameters h = opt.hyperparameters();
            assertEquals(1e-3, h.lr());
            assertEquals(0.01, h.weightDecay());
            assertEquals(500, h.chunkSize());
            assertEquals("cpu", h.backend());
        }
    }
}
