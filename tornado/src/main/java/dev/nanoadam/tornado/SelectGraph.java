package dev.nanoadam.tornado;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;
import java.lang.foreign.MemorySegment;

/**
 * One SPARSE parameter's selection graph ({@link SelectionKernel}): the n raw bits in, the K mask
 * entries out, at every execution (a refresh). One per shape (n, K) and build options (RANDOM's
 * differ, see {@link Device#RANDOM_SELECTION_FLAGS}), kept by {@link GraphPool}.
 */
final class SelectGraph implements AutoCloseable {
    private static int graphs;

    final int n;
    final int total;
    final boolean random;
    final IntArray bits;                                                   // [n] raw float bits
    final ShortArray mask;                                                 // [total] chunk-local indices
    final IntArray ctl = new IntArray(SelectionKernel.CTL_LENGTH);         // [CTL_LENGTH]
    private final WorkerGrid1D grid = new WorkerGrid1D(1);
    private final TornadoExecutionPlan plan;
    private Traffic traffic;
    private String name;
    private boolean closed;

    /** Builds the graph (TornadoVM compiles it at its first run); {@link GraphPool#selection} hands them out. */
    SelectGraph(Device device, int n, int total, boolean random) {
        this.n = n;
        this.total = total;
        this.random = random;
        this.name = "selection of " + total + " in " + n;
        try {
            bits = new IntArray(n);
            mask = new ShortArray(total);
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException("tornado: host memory for the selection of " + name + " (" + n
                    + " values, " + (4L * n + 2L * total) + " bytes) is not available", e);
        }
        ctl.init(0);
        String id = "select" + nextId();
        TaskGraph graph = new TaskGraph(id)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, ctl, bits)
                .task("bottomk", SelectionKernel::chunkedBottomK, new KernelContext(), ctl, bits, mask)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, mask);
        plan = device.plan(graph.snapshot(), new GridScheduler(id + ".bottomk", grid), random ? Device.RANDOM_SELECTION_FLAGS : Device.OPENCL_FLAGS);
    }

    /** Takes this graph for {@code user}'s selections, counting into {@code counters}. */
    void attach(String user, Traffic counters) {
        this.name = user;
        this.traffic = counters;
    }

    private static synchronized int nextId() {
        return graphs++;
    }

    /** Runs the selection on {@link #bits} as filled by the caller; {@link #mask} then holds the result. */
    void run(int chunk, int chunks, int kFull, int kLast, int criterion, long randomBase, char[] out) {
        if (closed) {
            throw new IllegalStateException("tornado: " + name + ": selection graph is closed");
        }
        ctl.set(SelectionKernel.N, n);
        ctl.set(SelectionKernel.CHUNK, chunk);
        ctl.set(SelectionKernel.CHUNKS, chunks);
        ctl.set(SelectionKernel.K_FULL, kFull);
        ctl.set(SelectionKernel.K_LAST, kLast);
        ctl.set(SelectionKernel.CRITERION, criterion);
        ctl.set(SelectionKernel.RANDOM_HI, (int) (randomBase >>> 32));
        ctl.set(SelectionKernel.RANDOM_LO, (int) randomBase);
        grid.setGlobalWork(chunks, 1, 1);
        grid.setLocalWorkToNull();
        Device.execute(plan, name, n, 4L * n + 2L * total);
        traffic.toDevice(ctl.getNumBytesOfSegmentWithHeader() + bits.getNumBytesOfSegmentWithHeader());
        traffic.fromDevice(mask.getNumBytesOfSegmentWithHeader());
        traffic.launched(1);
        MemorySegment.copy(mask.getSegment(), 0, MemorySegment.ofArray(out), 0, 2L * total);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Device.release(plan);
        }
    }
}
