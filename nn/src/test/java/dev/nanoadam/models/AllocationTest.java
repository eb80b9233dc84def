package dev.nanoadam.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanoadam.models.testing.Jit;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * After warm-up a training step and a prediction allocate nothing, on the calling thread or on
 * any pool worker (measured with the JVM's per-thread allocation counters).
 */
class AllocationTest {
    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long[] threadIds() {
        List<Long> ids = new ArrayList<>();
        ids.add(Thread.currentThread().threadId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("nanoadam-worker-")) {
                ids.add(t.threadId());
            }
        }
        long[] a = new long[ids.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = ids.get(i);
        }
        return a;
    }

    private static long allocatedDuring(Runnable work) {
        long[] ids = threadIds();
        long[] before = new long[ids.length];
        long[] after = new long[ids.length];
        // The counter of the current thread is read last before and first after the work, so the
        // reads' own allocations (none expected) are not attributed to it.
        for (int i = ids.length - 1; i >= 0; i--) {
            before[i] = MX.getThreadAllocatedBytes(ids[i]);
        }
        work.run();
        for (int i = 0; i < ids.length; i++) {
            after[i] = MX.getThreadAllocatedBytes(ids[i]);
        }
        long total = 0;
        for (int i = 0; i < ids.length; i++) {
            total += after[i] - before[i];
        }
        return total;
    }

    /**
     * Runs the step until it allocates nothing three times in a row. Early steps do allocate:
     * workspaces are sized on first use, and code not yet compiled by C2 boxes Vector API values;
     * a step that still allocates after {@value #MAX_WARM_UP} calls fails the test.
     */
    private static void assertAllocationFree(String what, Runnable step) {
        Jit.requireOptimisingCompiler();
        long baseline = allocatedDuring(() -> { });
        int clean = 0;
        long last = -1;
        for (int i = 0; i < MAX_WARM_UP && clean < 3; i++) {
            last = allocatedDuring(step) - baseline;
            clean = last == 0 ? clean + 1 : 0;
        }
        assertEquals(0, last, what + " still allocated " + last + " bytes per call after " + MAX_WARM_UP + " calls");
        System.out.println(what + ": no allocation after warm-up");
    }

    private static final int MAX_WARM_UP = 400;

    @Test
    void transformerTrainingStepAndPrediction() {
        Transformer model = new Transformer(new Transformer.Config(100, 64, 2, 4, 128, 40, 2, 1e-12f, 4, false, 0.02f), 1);
        Batch batch = ModelGradientTest.tokenBatch(new Random(3), 6, 32, 100, 4);
        int[] out = new int[6];
        assertAllocationFree("transformer lossAndGradients", () -> model.lossAndGradients(batch));
        assertAllocationFree("transformer predict", () -> model.predict(batch, out));
    }

    @Test
    void resnetTrainingStepAndPrediction() {
        ResNet.Config c = ResNet.Config.tiny(10);
        ResNet model = new ResNet(c, 1);
        Batch batch = ModelGradientTest.imageBatch(new Random(3), 8, c);
        int[] out = new int[8];
        assertAllocationFree("resnet lossAndGradients", () -> model.lossAndGradients(batch));
        model.train(false);
        assertAllocationFree("resnet predict", () -> model.predict(batch, out));
    }
}
