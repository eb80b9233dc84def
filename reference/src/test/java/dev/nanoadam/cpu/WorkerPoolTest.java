package dev.nanoadam.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The process's worker pool: every task once on a valid worker, nested jobs inline, failures
 * rethrown, one set of threads, and idle workers parked rather than polling.
 */
class WorkerPoolTest {
    private static final WorkerPool POOL = WorkerPool.shared();

    @Test
    void runsEveryIndexOnceWithValidWorkers() {
        for (int n : new int[] {1, 2, 3, 17, 1000}) {
            int[] hits = new int[n];
            boolean[] badWorker = new boolean[1];
            POOL.run(n, (i, w) -> {
                hits[i]++;
                if (w < 0 || w >= POOL.size() || POOL.currentWorker() != w) {
                    badWorker[0] = true;
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, hits[i], "n=" + n + ": index " + i + " ran " + hits[i] + " times");
            }
            assertTrue(!badWorker[0], "a body saw a worker number out of range or not its own");
        }
        assertEquals(-1, POOL.currentWorker(), "outside a loop the test thread is no worker");
    }

    @Test
    void nestedLoopsRunInlineOnTheSameWorker() {
        int outer = 4 * POOL.size();
        AtomicInteger total = new AtomicInteger();
        AtomicInteger mismatches = new AtomicInteger();
        POOL.run(outer, (i, w) -> POOL.run(5, (j, w2) -> {
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
        RuntimeException e = assertThrows(RuntimeException.class, () -> POOL.run(50, (i, w) -> {
            if (i == 37) {
                throw new IllegalStateException("index 37 failed");
            }
        }));
        assertTrue(e.getMessage().contains("index 37 failed"), e.getMessage());
        int[] after = new int[10];
        POOL.run(10, (i, w) -> after[i] = i + 1);
        for (int i = 0; i < 10; i++) {
            assertEquals(i + 1, after[i], "the pool must keep working after a failure");
        }
    }

    @Test
    void manyShortLoopsComplete() {
        long[] sums = new long[64];
        for (int rep = 0; rep < 2000; rep++) {
            POOL.run(64, (i, w) -> sums[i] += i);
        }
        for (int i = 0; i < 64; i++) {
            assertEquals(2000L * i, sums[i]);
        }
    }

    /**
     * Back-to-back small jobs: every task of every job runs exactly once, and before its job's
     * run() returns (a thread still leaving one job must never take a task of the next).
     */
    @Test
    void everyTaskOfBackToBackJobsRunsOnceAndInItsJob() {
        int jobs = 20_000;
        int[][] ran = new int[jobs][3];
        int[] late = new int[1];
        for (int k = 0; k < jobs; k++) {
            int[] row = ran[k];
            POOL.run(row.length, (i, w) -> row[i]++);
            for (int i = 0; i < row.length; i++) {
                if (row[i] != 1) {
                    late[0]++;
                }
            }
        }
        for (int k = 0; k < jobs; k++) {
            for (int i = 0; i < 3; i++) {
                assertEquals(1, ran[k][i], "job " + k + " task " + i + " ran " + ran[k][i] + " times");
            }
        }
        assertEquals(0, late[0], "tasks not done when their job's run() returned");
    }

    @Test
    void oneSetOfWorkersThatParkWhenIdle() {
        POOL.run(4 * POOL.size(), (i, w) -> { });
        List<Thread> workers = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("nanoadam-worker-")) {
                workers.add(t);
            }
        }
        assertEquals(POOL.size() - 1, workers.size(), "pool threads besides the caller: " + workers);
        // An idle worker ends up parked with no timeout (WAITING); one that polls would keep
        // waking (TIMED_WAITING or RUNNABLE). The bound only stops a broken pool from hanging the build.
        for (Thread t : workers) {
            for (int tries = 0; t.getState() != Thread.State.WAITING && tries < 10_000; tries++) {
                LockSupport.parkNanos(1_000_000);
            }
            assertEquals(Thread.State.WAITING, t.getState(), t.getName() + " is not parked while the pool is idle");
        }
    }
}
