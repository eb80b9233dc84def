package dev.nanoadam.experiments;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Heap use over a stretch of work, from the JVM's memory pools, the one meter of the experiments:
 * {@link #reset()} collects garbage and clears every heap pool's peak; {@link #bytes()} sums the
 * pools' peaks since. The pools peak at different moments, so the sum is an upper bound of the
 * heap in use at any one time, and it includes the young generation's garbage, which the collector
 * sizes by its own rules. {@link #liveBytes()} is the heap still held after a collection.
 */
public final class HeapPeak {
    private HeapPeak() {
    }

    /** Runs a full collection, then restarts the peak of every heap pool from its current use. */
    public static void reset() {
        collect();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum over heap pools of the peak use since the last {@link #reset()}, in bytes. */
    public static long bytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** Heap in use right after a collection: what the work still holds. */
    public static long liveBytes() {
        collect();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void collect() {
        // Two rounds: the first may only queue finalizable and softly reachable objects.
        System.gc();
        System.gc();
    }
}
