package dev.nanoadam.opencl;

import dev.nanoadam.StateType;
import org.jocl.cl_command_queue;

/**
 * Launches {@code remap_moments_32} / {@code remap_moments_16} of {@code moment_remap.cl}: SPEC.md
 * §5's remap when a pending mask becomes current. Nothing crosses to or from the host.
 * <pre>
 * device  for each entry j of the new mask (one work-item):
 *           RESET: m'[j] = v'[j] = 0
 *           CARRY: binary search new[j] in the old mask's part for j's chunk
 *                  found at i: m'[j] = m[i], v'[j] = v[i]; else 0
 * </pre>
 */
final class MomentRemap {
    private static final int GROUP = 256;

    private final KernelLauncher wide;
    private final KernelLauncher narrow;
    private final int groupWide;
    private final int groupNarrow;

    MomentRemap(DeviceRuntime device, cl_command_queue queue) {
        this.wide = new KernelLauncher(device, queue, DeviceRuntime.REMAP, "remap_moments_32");
        this.narrow = new KernelLauncher(device, queue, DeviceRuntime.REMAP, "remap_moments_16");
        this.groupWide = wide.groupSize(GROUP, device);
        this.groupNarrow = narrow.groupSize(GROUP, device);
    }

    /**
     * Enqueues the remap into {@code newM}, {@code newV} ({@code newTotal > 0} entries). With
     * {@code carry} false or {@code oldTotal} 0 the old buffers are not read (any buffer will do).
     */
    void launch(StateType type, DeviceBuffer oldMask, DeviceBuffer oldM, DeviceBuffer oldV, int oldTotal,
                int oldFull, int oldLast, DeviceBuffer newMask, DeviceBuffer newM, DeviceBuffer newV, int newTotal,
                int newFull, int chunks, boolean carry) {
        KernelLauncher kernel = type == StateType.FP32 ? wide : narrow;
        int group = type == StateType.FP32 ? groupWide : groupNarrow;
        kernel.arg(0, oldMask);
        kernel.arg(1, oldM);
        kernel.arg(2, oldV);
        kernel.arg(3, oldTotal);
        kernel.arg(4, oldFull);
        kernel.arg(5, oldLast);
        kernel.arg(6, newMask);
        kernel.arg(7, newM);
        kernel.arg(8, newV);
        kernel.arg(9, newTotal);
        kernel.arg(10, newFull);
        kernel.arg(11, chunks);
        kernel.arg(12, carry ? 1 : 0);
        kernel.launch((newTotal + (long) group - 1) / group, group);
    }

    void release() {
        wide.release();
        narrow.release();
    }
}
