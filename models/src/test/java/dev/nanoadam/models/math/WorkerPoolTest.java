package dev.nanoadam.models.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
    @Test
    void runsEveryIndexOnceWithValidWorkers() {
        for (int n : new int[] {1, 2, 3, 17, 1000}) {
            int[] hits = new int[n];
            boolean[] badWorker = new boolean[1];
            WorkerPool.forEach(n, (i, w) -> {
                hits[i]++;
                if (w < 0 || w >= WorkerPool.threads() || WorkerPool.currentWorker() != w) {
                    badWorker[0] = true;
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, hits[i], "n=" + n + ": index " + i + " ran " + hits[i] + " times");
            }
            assertTrue(!badWorker[0], "a body saw a worker number out of range or not its own");
        }
        assertEquals(-1, WorkerPool.currentWorker(), "outside a loop the test thread is no worker");
    }

    @Test
    void nestedLoopsRunInlineOnTheSameWorker() {
        int outer = 4 * WorkerPool.threads();
        AtomicInteger total = new AtomicInteger();
        AtomicInteger mismatches = new AtomicInteger();
        WorkerPool.forEach(outer, (i, w) -> WorkerPool.forEach(5, (j, w2) -> {
            total.incrementAndGet();
            if (w2 != w) {
                mismatches.incrementAndGet();
            }
        }));
        assertEquals(outer * 5, total.get());
        assertEquals(0, mismatches.get(), "a nested loop ran on another worker");
    }

    @Test
    void rethrowsABodysException() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> WorkerPool.forEach(50, (i, w) -> {
            if (i == 37) {
                throw new IllegalStateException("index 37 failed");
            }
        }));
        assertTrue(e.getMessage().contains("index 37 failed"), e.getMessage());
        int[] after = new int[10];
        WorkerPool.forEach(10, (i, w) -> after[i] = i + 1);
        for (int i = 0; i < 10; i++) {
            assertEquals(i + 1, after[i], "the pool must keep working after a failure");
        }
    }

    @Test
    void manyShortLoopsComplete() {
        long[] sums = new long[64];
        for (int rep = 0; rep < 2000; rep++) {
            WorkerPool.forEach(64, (i, w) -> sums[i] += i);
        }
        for (int i = 0; i < 64; i++) {
            assertEquals(2000L * i, sums[i]);
        }
    }
}
