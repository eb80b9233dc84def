package dev.nanoadam.opencl;

import dev.nanoadam.StateType;
import dev.nanoadam.spi.StepConstants;
import org.jocl.cl_command_queue;

/**
 * Launches {@code adam_update_fp32} / {@code adam_update_bf16} of {@code adam_update.cl}: SPEC.md
 * §6 on compact arrays, one work-item per entry.
 * <pre>
 * SPARSE  host gathers g[p], w[p] for the K mask entries p --write--> g[K], w[K]
 *         device: w, m, v = adam(g, w, m, v)     (m, v[K] stay on the device)
 *         w[K] --read--> host scatters back to w[p]
 * DENSE   the same with all n entries, no gather
 * </pre>
 * The host constants ({@link StepConstants}) travel as kernel arguments.
 */
final class AdamUpdate {
    private static final int GROUP = 256;

    private final KernelLauncher fp32;
    private final KernelLauncher bf16;
    private final int groupFp32;
    private final int groupBf16;

    AdamUpdate(DeviceRuntime device, cl_command_queue queue) {
        this.fp32 = new KernelLauncher(device, queue, DeviceRuntime.UPDATE, "adam_update_fp32");
        this.bf16 = new KernelLauncher(device, queue, DeviceRuntime.UPDATE, "adam_update_bf16");
        this.groupFp32 = fp32.groupSize(GROUP, device);
        this.groupBf16 = bf16.groupSize(GROUP, device);
    }

    /** Enqueues the update of entries {@code [0, count)}; {@code m}, {@code v} hold {@code type}'s values. */
    void launch(StateType type, DeviceBuffer g, DeviceBuffer w, DeviceBuffer m, DeviceBuffer v, int count,
                StepConstants k) {
        KernelLauncher kernel = type == StateType.FP32 ? fp32 : bf16;
        int group = type == StateType.FP32 ? groupFp32 : groupBf16;
        kernel.arg(0, g);
        kernel.arg(1, w);
        kernel.arg(2, m);
        kernel.arg(3, v);
        kernel.arg(4, count);
        kernel.arg(5, k.b1());
        kernel.arg(6, k.b2());
        kernel.arg(7, k.c1());
        kernel.arg(8, k.c2());
        kernel.arg(9, k.stepSize());
        kernel.arg(10, k.bc2());
        kernel.arg(11, k.decay());
        kernel.arg(12, k.decayOn() ? 1 : 0);
        kernel.arg(13, k.eps());
        kernel.launch((count + (long) group - 1) / group, group);
    }

    void release() {
        fp32.release();
        bf16.release();
    }
}
