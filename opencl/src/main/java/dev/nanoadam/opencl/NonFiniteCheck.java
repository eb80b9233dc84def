package dev.nanoadam.opencl;

import org.jocl.cl_command_queue;

/**
 * Launches {@code first_nonfinite_partial} and {@code first_nonfinite_final} of
 * {@code nonfinite_check.cl}: SPEC.md §7's check, the first NaN or infinity of an array.
 * <pre>
 * SPARSE  host gathers g[p] for the K mask entries --write--> g[K] (kept for this step's update)
 * DENSE   host g[n] --write--> g[n] (kept likewise)
 * device  partial[group] = smallest bad index the group saw     (up to MAX_GROUPS groups)
 *         result[0] = min(partial) or -1                        (one group)
 * host    result[0] --read--> 4 bytes; a mask position maps back to its flat index on the host
 * </pre>
 */
final class NonFiniteCheck {
    /** Most work-groups of the first pass, and so the length of the partial buffer. */
    static final int MAX_GROUPS = 256;
    private static final int GROUP = 256;

    private final KernelLauncher partial;
    private final KernelLauncher last;
    private final int groupPartial;
    private final int groupFinal;

    NonFiniteCheck(DeviceRuntime device, cl_command_queue queue) {
        this.partial = new KernelLauncher(device, queue, DeviceRuntime.CHECK, "first_nonfinite_partial");
        this.last = new KernelLauncher(device, queue, DeviceRuntime.CHECK, "first_nonfinite_final");
        this.groupPartial = partial.groupSize(GROUP, device);
        this.groupFinal = last.groupSize(GROUP, device);
    }

    /**
     * Enqueues the check of {@code values[0, count)} ({@code count > 0}); {@code partials} holds
     * {@link #MAX_GROUPS} ints, {@code result} one.
     */
    void launch(DeviceBuffer values, int count, DeviceBuffer partials, DeviceBuffer result) {
        int groups = (int) Math.min(MAX_GROUPS, (count + (long) groupPartial - 1) / groupPartial);
        partial.arg(0, values);
        partial.arg(1, count);
        partial.arg(2, partials);
        partial.launch(groups, groupPartial);
        last.arg(0, partials);
        last.arg(1, groups);
        last.arg(2, result);
        last.launch(1, groupFinal);
    }

    void release() {
        partial.release();
        last.release();
    }
}
