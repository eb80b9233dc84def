package dev.nanoadam.opencl;

import dev.nanoadam.Criterion;
import org.jocl.cl_command_queue;

/**
 * Launches {@code select_chunks} (groups of up to 256 work-items, for GPUs) or
 * {@code select_chunks_one_item} (one work-item per chunk, for CPUs) of {@code chunked_selection.cl}:
 * SPEC.md §4's chunked bottom-k, one work-group per chunk.
 * <pre>
 * host    w (or g for LARGEST_GRADIENT) of chunks [c0, c1) --write--> input      (RANDOM: nothing)
 * device  per chunk c, one work-group:
 *           keys = key(input of c)   in local memory when 4*C bytes fit, else re-read per pass
 *           3 radix histograms (bits 30..20, 19..10, 9..0) --> threshold T, ties to take
 *           compaction --> pending[c*kFull ...] = chunk-local indices, ascending
 * host    pending[K] --read--> host mirror of the mask (once per parameter, after every batch)
 * </pre>
 */
final class ChunkedSelection {
    /** Work-group size the kernel source is written for at most ({@code SELECT_GROUP_MAX}). */
    static final int GROUP_MAX = 256;

    /**
     * System property: work-group size of the selection, rounded down to a power of two, at most
     * {@value #GROUP_MAX}; default 1 on CPU devices and {@value #GROUP_MAX} elsewhere.
     */
    static final String GROUP_PROPERTY = "nanoadam.opencl.selectGroup";

    private final KernelLauncher wide;
    private final KernelLauncher oneItem;
    private final KernelLauncher kernel;   // the one of the two this backend launches
    private final int groupSize;
    /** Local memory left for the keys after the kernel's own arrays. */
    private final long localForKeys;

    ChunkedSelection(DeviceRuntime device, cl_command_queue queue) {
        this.wide = new KernelLauncher(device, queue, DeviceRuntime.SELECTION, "select_chunks");
        this.oneItem = new KernelLauncher(device, queue, DeviceRuntime.SELECTION, "select_chunks_one_item");
        // A CPU runs a work-group as one task: one work-item per group avoids the atomics and
        // barriers that make wide groups several times slower there (measured on PoCL).
        int wanted = Integer.getInteger(GROUP_PROPERTY, device.cpu ? 1 : GROUP_MAX);
        if (wanted < 1 || wanted > GROUP_MAX) {
            throw new IllegalArgumentException(GROUP_PROPERTY + " = " + wanted + ": must be in [1, " + GROUP_MAX + "]");
        }
        this.groupSize = wanted == 1 ? 1 : wide.groupSize(wanted, device);
        this.kernel = groupSize == 1 ? oneItem : wide;
        this.localForKeys = device.localMemBytes - kernel.staticLocalBytes;
    }

    /** Whether the keys of a chunk of {@code chunk} entries fit in local memory. */
    boolean keysFitLocal(int chunk) {
        return 4L * chunk <= localForKeys;
    }

    /** Local memory available for keys, for messages. */
    long localForKeys() {
        return localForKeys;
    }

    int groupSize() {
        return groupSize;
    }

    /** The kernel's code for a criterion (the {@code CRITERION_*} defines). */
    static int code(Criterion c) {
        return switch (c) {
            case SMALLEST_MAGNITUDE -> 0;
            case LARGEST_MAGNITUDE -> 1;
            case RANDOM -> 2;
            case LARGEST_GRADIENT -> 3;
        };
    }

    /**
     * Enqueues the selection of chunks {@code [chunk0, chunk0 + groups)}.
     *
     * @param input      their keys' source values, C per chunk (any buffer for RANDOM)
     * @param maskOut    the pending mask, K ushorts
     * @param randomBase RANDOM's {@code seed ^ (t * 0x9E3779B97F4A7C15L) ^ ((long) paramIndex << 40)}
     */
    void launch(DeviceBuffer input, DeviceBuffer maskOut, boolean keysInLocal, int n, int chunk, int chunks,
                int chunk0, int groups, int kFull, int kLast, Criterion criterion, long randomBase) {
        kernel.arg(0, input);
        kernel.arg(1, maskOut);
        kernel.argLocal(2, keysInLocal ? 4L * chunk : 4L);
        kernel.arg(3, keysInLocal ? 1 : 0);
        kernel.arg(4, n);
        kernel.arg(5, chunk);
        kernel.arg(6, chunks);
        kernel.arg(7, chunk0);
        kernel.arg(8, kFull);
        kernel.arg(9, kLast);
        kernel.arg(10, code(criterion));
        kernel.argLong(11, randomBase);
        kernel.launch(groups, groupSize);
    }

    void release() {
        wide.release();
        oneItem.release();
    }
}
