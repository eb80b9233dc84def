package dev.nanoadam.cli.minilm;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * Heap use of one run, from the JVM's memory pools. {@link #start} collects garbage and resets
 * every heap pool's peak; {@link #peakBytes} is then the sum of the pools' peaks since, an upper
 * bound of the run's peak heap (the pools need not peak at the same moment), and
 * {@link #liveBytes} the heap in use right after a collection, i.e. what the run still holds.
 */
final class HeapMeter {
    private final List<MemoryPoolMXBean> heapPools;

    HeapMeter() {
        this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
    }

    /** Collects garbage and starts counting peaks from the current use. */
    void start() {
        collect();
        for (MemoryPoolMXBean p : heapPools) {
            p.resetPeakUsage();
        }
    }

    /** Sum of every heap pool's peak use since {@link #start}. */
    long peakBytes() {
        long sum = 0;
        for (MemoryPoolMXBean p : heapPools) {
            sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }

    /** Heap in use after a garbage collection. */
    long liveBytes() {
        collect();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void collect() {
        // Two rounds: the first may only queue finalizable and softly reachable objects.
        System.gc();
        System.gc();
    }
}
