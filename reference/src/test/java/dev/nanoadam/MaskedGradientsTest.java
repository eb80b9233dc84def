package dev.nanoadam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The masks of the next step, ahead of it: {@link NanoAdam#refreshNow()} followed by
 * {@link NanoAdam#step()} computes bit for bit what {@code step()} alone computes, and
 * {@link NanoAdam#readMaskedGradients}/{@link NanoAdam#writeMaskedGradients} move exactly the
 * gradient entries that step reads, in mask order.
 */
class MaskedGradientsTest {
    private static final long SEED = 0x5eed_17L;

    /** Two SPARSE tensors (one with a short last chunk, one of a single chunk) and a DENSE one. */
    private static List<Parameter> parameters(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Parameter> ps = new ArrayList<>();
        ps.add(Parameter.of("conv.weight", Gen.weights(r, 4097, 0.05f, 0.05), 4097));
        ps.add(Parameter.of("proj.bias", Gen.weights(r, 300, 0.05f, 0.05), 300));
        ps.add(Parameter.of("head.weight", Gen.weights(r, 70, 0.05f, 0.05), 70));
        return ps;
    }

    private static void gradients(List<Parameter> ps, int step) {
        SplittableRandom r = new SplittableRandom(SEED * 31 + step);
        for (Parameter p : ps) {
            System.arraycopy(Gen.gradients(r, p.size(), 0.01f, 0.02), 0, p.grad(), 0, p.size());
        }
    }

    private static NanoAdam.Builder builder(Criterion criterion, MomentPolicy policy, boolean schedule) {
        NanoAdam.Builder b = NanoAdam.builder().lr(1e-3).density(0.1).maskInterval(3).chunkSize(1024)
                .criterion(criterion).seed(SEED).momentPolicy(policy).weightDecay(0.01);
        if (schedule) {
            b.finalDensity(0.3).densityInterval(2).totalSteps(8);
        }
        return b;
    }

    @Test
    void refreshNowThenStepEqualsStepAloneForEveryWeightCriterion() {
        for (Criterion criterion : List.of(Criterion.SMALLEST_MAGNITUDE, Criterion.LARGEST_MAGNITUDE, Criterion.RANDOM)) {
            for (MomentPolicy policy : MomentPolicy.values()) {
                for (boolean schedule : new boolean[] {false, true}) {
                    String what = criterion + " " + policy + (schedule ? " with a density schedule" : "") + ", seed " + SEED;
                    List<Parameter> plain = parameters(SEED);
                    List<Parameter> ahead = parameters(SEED);
                    try (NanoAdam a = builder(criterion, policy, schedule).build(plain);
                         NanoAdam b = builder(criterion, policy, schedule).build(ahead)) {
                        for (int step = 0; step < 10; step++) {
                            gradients(plain, step);
                            gradients(ahead, step);
                            boolean due = step % 3 == 0 || (schedule && step % 2 == 0 && step <= 8);
                            assertEquals(due, b.refreshDue(), what + ": refresh due at step " + step);
                            b.refreshNow();
                            assertFalse(b.refreshDue(), what + ": after refreshNow at step " + step);
                            b.refreshNow();   // a second call changes nothing
                            a.step();
                            b.step();
                            for (int i = 0; i < plain.size(); i++) {
                                Parameter p = plain.get(i);
                                Parameter q = ahead.get(i);
                                Compare.exact(what + ", step " + step + ": " + p.name(), p.data(), q.data());
                                Compare.exact(what + ", step " + step + ": m of " + p.name(), a.moments(p).m(), b.moments(q).m());
                                Compare.exact(what + ", step " + step + ": v of " + p.name(), a.moments(p).v(), b.moments(q).v());
                            }
                            for (int i = 0; i < 2; i++) {
                                Compare.exact(what + ": mask at step " + step, a.mask(plain.get(i)), b.mask(ahead.get(i)));
                            }
                            assertEquals(a.density(), b.density(), what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void maskedGradientsAreTheEntriesTheStepReadsInMaskOrder() {
        List<Parameter> ps = parameters(SEED);
        try (NanoAdam opt = builder(Criterion.SMALLEST_MAGNITUDE, MomentPolicy.RESET, false).build(ps)) {
            assertEquals(0, opt.maskedGradientLength(), "no mask before the first refresh");
            gradients(ps, 0);
            opt.refreshNow();
            int[] m0 = opt.mask(ps.get(0));
            int[] m1 = opt.mask(ps.get(1));
            // K of the first: ceil(0.1 * 1024) = 103 in each of its 4 full chunks, 1 in its last (1 entry).
            assertEquals(m0.length + m1.length, opt.maskedGradientLength());
            assertEquals(4 * 103 + 1, m0.length);
            float[] buffer = new float[opt.maskedGradientLength() + 5];
            buffer[0] = 7f;
            opt.readMaskedGradients(buffer, 2);
            assertEquals(7f, buffer[0]);
            float[] gathered = new float[m0.length + m1.length];
            for (int j = 0; j < m0.length; j++) {
                gathered[j] = ps.get(0).grad()[m0[j]];
            }
            for (int j = 0; j < m1.length; j++) {
                gathered[m0.length + j] = ps.get(1).grad()[m1[j]];
            }
            Compare.exact("masked gradients read from offset 2", gathered,
                    Arrays.copyOfRange(buffer, 2, 2 + gathered.length));

            float[][] before = {ps.get(0).grad().clone(), ps.get(1).grad().clone(), ps.get(2).grad().clone()};
            for (int j = 0; j < buffer.length; j++) {
                buffer[j] = j + 0.5f;
            }
            opt.writeMaskedGradients(buffer, 2);
            float[] expected0 = before[0].clone();
            for (int j = 0; j < m0.length; j++) {
                expected0[m0[j]] = 2 + j + 0.5f;
            }
            float[] expected1 = before[1].clone();
            for (int j = 0; j < m1.length; j++) {
                expected1[m1[j]] = 2 + m0.length + j + 0.5f;
            }
            Compare.exact("written SPARSE 0", expected0, ps.get(0).grad());
            Compare.exact("written SPARSE 1", expected1, ps.get(1).grad());
            Compare.exact("DENSE gradient untouched", before[2], ps.get(2).grad());

            assertThrows(IndexOutOfBoundsException.class, () -> opt.readMaskedGradients(new float[10], 0));
            assertThrows(IndexOutOfBoundsException.class, () -> opt.writeMaskedGradients(buffer, 6));
        }
    }

    /** A step refused after refreshNow() (§7, SKIP) leaves the refreshed masks, and the retried step uses them. */
    @Test
    void aSkippedStepAfterRefreshNowKeepsTheMasksAndTheRetryMatches() {
        List<Parameter> plain = parameters(SEED);
        List<Parameter> ahead = parameters(SEED);
        try (NanoAdam a = builder(Criterion.SMALLEST_MAGNITUDE, MomentPolicy.RESET, false).nonFinite(NonFinitePolicy.SKIP).build(plain);
             NanoAdam b = builder(Criterion.SMALLEST_MAGNITUDE, MomentPolicy.RESET, false).nonFinite(NonFinitePolicy.SKIP).build(ahead)) {
            gradients(ahead, 0);
            b.refreshNow();
            int[] refreshed = b.mask(ahead.get(0));
            ahead.get(2).grad()[5] = Float.NaN;
            b.step();
            assertEquals(1, b.skippedSteps());
            assertEquals(0, b.steps());
            Compare.exact("mask after a skipped step", refreshed, b.mask(ahead.get(0)));
            assertFalse(b.refreshDue());
            gradients(plain, 0);
            gradients(ahead, 0);
            a.step();
            b.step();
            for (int i = 0; i < plain.size(); i++) {
                Compare.exact("retried step: " + plain.get(i).name(), plain.get(i).data(), ahead.get(i).data());
            }
        }
    }

    @Test
    void copyingMaskedGradientsAllocatesNothing() {
        List<Parameter> ps = parameters(SEED);
        try (NanoAdam opt = builder(Criterion.SMALLEST_MAGNITUDE, MomentPolicy.RESET, false).maskInterval(1_000_000)
                .backend("cpu-scalar").build(ps)) {
            gradients(ps, 0);
            opt.refreshNow();
            float[] buffer = new float[opt.maskedGradientLength()];
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().threadId();
            for (int i = 0; i < 20_000; i++) {   // warm-up: C2 compiles both loops
                opt.readMaskedGradients(buffer, 0);
                opt.writeMaskedGradients(buffer, 0);
            }
            int rounds = 10_000;
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < rounds; i++) {
                opt.readMaskedGradients(buffer, 0);
                opt.writeMaskedGradients(buffer, 0);
            }
            long allocated = threads.getThreadAllocatedBytes(id) - before;
            // One allocation per call, 16 bytes at least, would show as 320,000 bytes; the JVM's own
            // bookkeeping (a recompilation) may allocate a little once.
            assertTrue(allocated < 2_048, "bytes allocated by " + rounds + " read/write pairs: " + allocated);
        }
    }
}
