package dev.nanoadam.distributed;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Times the exchange of one data-parallel step as {@link DataParallel} does it (stage this rank's
 * packed values into native memory, {@code MPI_Allgather}, copy every rank's values back), for a
 * given number of values per rank. Every rank calls it with the same arguments; each iteration
 * starts after a barrier, so the times are of the exchange alone, not of ranks waiting for each
 * other to arrive. A harness, not a test: its numbers depend on the machine.
 */
public final class ExchangeTiming {
    private ExchangeTiming() {
    }

    /**
     * The median and the minimum, in nanoseconds, of {@code iterations} timed exchanges of
     * {@code values} floats per rank, after {@code warmup} untimed ones; the values sent are
     * checked once on arrival.
     */
    public static long[] medianAndMinimum(Mpi mpi, int values, int warmup, int iterations) {
        if (values < 1 || warmup < 0 || iterations < 1) {
            throw new IllegalArgumentException("values and iterations must be >= 1 and warm-up >= 0, got " + values + ", "
                    + iterations + ", " + warmup);
        }
        int ranks = mpi.size();
        float[] packed = new float[Math.multiplyExact(values, ranks)];
        for (int i = 0; i < values; i++) {
            packed[mpi.rank() * values + i] = mpi.rank() + i * 1e-3f;
        }
        long[] nanos = new long[iterations];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment send = arena.allocate(4L * values, 64);
            MemorySegment receive = arena.allocate(4L * values * ranks, 64);
            for (int it = -warmup; it < iterations; it++) {
                mpi.barrier();
                long start = System.nanoTime();
                MemorySegment.copy(packed, mpi.rank() * values, send, ValueLayout.JAVA_FLOAT, 0, values);
                mpi.allgatherFloats(send, receive, values);
                MemorySegment.copy(receive, ValueLayout.JAVA_FLOAT, 0, packed, 0, values * ranks);
                long took = System.nanoTime() - start;
                if (it == -warmup) {
                    check(mpi, packed, values);
                }
                if (it >= 0) {
                    nanos[it] = took;
                }
            }
        }
        Arrays.sort(nanos);
        return new long[] {nanos[iterations / 2], nanos[0]};
    }

    private static void check(Mpi mpi, float[] packed, int values) {
        for (int r = 0; r < mpi.size(); r++) {
            for (int i = 0; i < values; i += Math.max(1, values / 97)) {
                float expected = r + i * 1e-3f;
                if (packed[r * values + i] != expected) {
                    throw new MpiException("MPI_Allgather on rank " + mpi.rank() + ": value " + i + " of rank " + r
                            + " arrived as " + packed[r * values + i] + ", expected " + expected);
                }
            }
        }
    }
}
