package dev.nanoadam.cli.experiment;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Peak Java heap use over a stretch of work, from the JVM's memory-pool peaks: {@link #reset()}
 * collects garbage and clears every heap pool's peak; {@link #bytes()} sums the pools' peaks since.
 * The pools peak at different moments, so the sum is an upper bound of the heap in use at any one
 * time, and it includes the young generation's garbage, which the collector sizes by its own rules.
 */
public final class HeapPeak {
    private HeapPeak() {
    }

    /** Runs a full collection, then restarts the peak of every heap pool from its current use. */
    public static void reset() {
        System.gc();
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
}
