package dev.nanoadam.opencl;

import static org.jocl.CL.CL_FALSE;
import static org.jocl.CL.CL_TRUE;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.StateType;
import dev.nanoadam.cpu.MaskedCopy;
import dev.nanoadam.cpu.WorkerPool;
import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.BackendUnavailableException;
import dev.nanoadam.spi.Layout;
import dev.nanoadam.spi.Selection;
import dev.nanoadam.spi.SpecMath;
import dev.nanoadam.spi.StepConstants;
import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.util.Map;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;

/**
 * {@code "opencl"}: SPEC.md's kernels on an OpenCL device, bit-identical to {@code cpu-scalar}.
 *
 * <p>What lives where. On the device: every mask (chunk-local {@code ushort}s), every {@code m} and
 * {@code v}, and scratch (the pending masks, each SPARSE parameter's gathered gradients, one weight
 * buffer, the selection's input batch). On the host: a mirror of each mask, read back once per
 * refresh, which the host uses to gather the K gradients and weights a step reads and to scatter
 * back the K weights it changed. The caller's arrays stay the truth (SPEC.md §1), and the traffic
 * of a step is proportional to K, not n.
 *
 * <p>Bytes moved, as counted in {@link #counters()} ({@code bytesToDevice}, {@code bytesFromDevice}):
 * <ul>
 *   <li>{@link #select}: the n values the criterion reads (weights for the magnitude criteria,
 *       gradients for LARGEST_GRADIENT, none for RANDOM) in; the 2K-byte pending mask out.</li>
 *   <li>{@link #checkSparse}/{@link #checkDense}: K (SPARSE) or n (DENSE) gradients in, kept on the
 *       device for this step's update; a 4-byte answer out.</li>
 *   <li>{@link #updateSparse}/{@link #updateDense}: K (or n) weights in, and the gradients too when
 *       the step was not checked; the K (or n) updated weights out.</li>
 *   <li>{@link #commitMask}: nothing. {@link #readMoments}, {@link #writeSparse}, {@link #writeDense}
 *       (inspection and checkpoints) move what they return or replace.</li>
 * </ul>
 *
 * <p>Synchronisation: everything runs on one in-order queue. Each call that must hand a result back
 * (a check's answer, updated weights, a mask) ends in one blocking read; the writes and launches
 * before it are not waited for one by one.
 */
public final class OpenClBackend implements Backend {
    /** Mask entries widened and copied per block by {@link MaskedJob}. */
    private static final int BLOCK = 1024;
    /** Entries below which a masked copy runs on one thread. */
    private static final int MIN_TASK = 1 << 15;

    /** Where the selection keeps a chunk's keys (SPEC.md §10). */
    public enum KeyPlacement {
        /** Local memory when 4*C bytes fit there, global memory otherwise. */
        AUTO,
        /** Always re-read global memory on every radix pass (the path large chunks take on small devices). */
        GLOBAL
    }

    /** System property choosing {@link KeyPlacement} for backends opened by name: {@code auto} or {@code global}. */
    public static final String KEYS_PROPERTY = "nanoadam.opencl.selectionKeys";

    /** System property: bytes of one selection input batch on the device (default 16 MiB). */
    public static final String BATCH_PROPERTY = "nanoadam.opencl.selectionBatchBytes";

    private static final byte STAGED_NONE = 0;
    private static final byte STAGED_PENDING = 1;
    private static final byte STAGED_CURRENT = 2;

    private final DeviceRuntime device;
    private final KeyPlacement keys;
    private final long batchBytes;
    private final cl_command_queue queue;
    private final DeviceMemory memory;
    private final ChunkedSelection selector;
    private final AdamUpdate updater;
    private final NonFiniteCheck checker;
    private final MomentRemap remapper;

    // Layout.
    private StateType stateType;
    private int chunk;
    private int[] sparseN;
    private int[] denseN;

    // SPARSE parameter s. Device: current and pending mask (exactly K ushorts each), m and v
    // (exactly K values of the state type), gathered gradients (capacity >= K floats).
    private DeviceBuffer[] mask;
    private DeviceBuffer[] pendingMask;
    private DeviceBuffer[] sparseM;
    private DeviceBuffer[] sparseV;
    private DeviceBuffer[] sparseG;
    // Host mirrors of the masks: [s][K] chunk-local indices, as the device holds them.
    private char[][] maskHost;
    private char[][] pendingHost;
    private int[] kFull;           // K_c of the full chunks of the current mask
    private int[] kLast;           // K_c of its last chunk
    private int[] pendingKFull;
    private int[] pendingKLast;
    private byte[] staged;         // which mask sparseG[s] was gathered under, if any (STAGED_*)

    // DENSE parameter d. Device: m, v (n values each), gradients (n floats).
    private DeviceBuffer[] denseM;
    private DeviceBuffer[] denseV;
    private DeviceBuffer[] denseG;
    private boolean[] denseStaged;

    // Shared scratch.
    private DeviceBuffer weights;        // [capacity floats] gathered (SPARSE) or all (DENSE) weights of one update
    private DeviceBuffer selectInput;    // [batch floats] the selection's input, a batch of whole chunks
    private final DeviceBuffer partials; // [NonFiniteCheck.MAX_GROUPS ints]
    private final DeviceBuffer result;   // [1 int] the check's answer
    private final DeviceBuffer placeholder; // [1 int] stands for a buffer argument a kernel does not read
    private final HostStaging hostG = new HostStaging();   // gradients on their way in
    private final HostStaging hostW = new HostStaging();   // weights in and out; masks and moments out
    private final WorkerPool pool = WorkerPool.shared();
    private final int[][] indexBlock = new int[pool.size()][BLOCK]; // [worker][BLOCK] widened mask indices
    private final MaskedJob masked = new MaskedJob();
    private final DenseJob dense = new DenseJob();
    private final int[] answer = new int[1];
    private final Pointer answerPointer = Pointer.to(answer);

    private long bytesToDevice;
    private long bytesFromDevice;
    private long kernelLaunches;
    private boolean closed;

    /**
     * Opens a backend on {@code device}'s already built programs.
     *
     * @param keys       where the selection keeps keys
     * @param batchBytes bytes of the selection's input batch on the device (at least one chunk is sent)
     * @param allocationLimit the largest single device allocation this backend makes, in bytes (the
     *                        device's own limit applies too)
     */
    OpenClBackend(DeviceRuntime device, KeyPlacement keys, long batchBytes, long allocationLimit) {
        this.device = device;
        this.keys = keys;
        this.batchBytes = batchBytes;
        int[] rc = new int[1];
        this.queue = createQueue(device, rc);
        OpenCl.check(rc[0], "clCreateCommandQueue on " + device.entry);
        this.memory = new DeviceMemory(device, allocationLimit);
        ChunkedSelection sel = null;
        AdamUpdate upd = null;
        NonFiniteCheck chk = null;
        MomentRemap rem = null;
        try {
            sel = new ChunkedSelection(device, queue);
            upd = new AdamUpdate(device, queue);
            chk = new NonFiniteCheck(device, queue);
            rem = new MomentRemap(device, queue);
            this.partials = memory.allocate(4L * NonFiniteCheck.MAX_GROUPS, "non-finite check partials");
            this.result = memory.allocate(4, "non-finite check result");
            this.placeholder = memory.allocate(4, "placeholder argument");
        } catch (RuntimeException e) {
            for (Runnable r : new Runnable[] {
                sel == null ? null : sel::release, upd == null ? null : upd::release,
                chk == null ? null : chk::release, rem == null ? null : rem::release}) {
                if (r != null) {
                    r.run();
                }
            }
            memory.releaseAll();
            CL.clReleaseCommandQueue(queue);
            throw e;
        }
        this.selector = sel;
        this.updater = upd;
        this.checker = chk;
        this.remapper = rem;
    }

    @SuppressWarnings("deprecation") // OpenCL 1.2 devices have no clCreateCommandQueueWithProperties
    private static cl_command_queue createQueue(DeviceRuntime device, int[] rc) {
        return CL.clCreateCommandQueue(device.context, device.device, 0, rc);
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String description() {
        return device.description + "; selection work-groups of " + selector.groupSize() + ", keys in "
                + (keys == KeyPlacement.GLOBAL
                ? "global memory (forced)"
                : "local memory for C <= " + Math.max(0, selector.localForKeys() / 4) + ", else global memory");
    }

    /** Whether a selection with chunk size {@code chunk} keeps its keys in local memory. */
    boolean keysInLocal(int chunk) {
        return keys == KeyPlacement.AUTO && selector.keysFitLocal(chunk);
    }

    /** The device this backend runs on, as {@code opencl:<platform>:<device>}. */
    public String deviceName() {
        return device.entry.backendName();
    }

    // ---- layout ----------------------------------------------------------------------------------

    @Override
    public void init(Layout layout) {
        ensureOpen();
        refuseBeyondOneTransfer(layout);
        finish();
        releaseState();
        stateType = layout.stateType();
        chunk = layout.chunkSize();
        sparseN = layout.sparseSizes().clone();
        denseN = layout.denseSizes().clone();
        int s = sparseN.length;
        int d = denseN.length;
        mask = new DeviceBuffer[s];
        pendingMask = new DeviceBuffer[s];
        sparseM = new DeviceBuffer[s];
        sparseV = new DeviceBuffer[s];
        sparseG = new DeviceBuffer[s];
        maskHost = new char[s][0];
        pendingHost = new char[s][0];
        kFull = new int[s];
        kLast = new int[s];
        pendingKFull = new int[s];
        pendingKLast = new int[s];
        staged = new byte[s];
        denseM = new DeviceBuffer[d];
        denseV = new DeviceBuffer[d];
        denseG = new DeviceBuffer[d];
        denseStaged = new boolean[d];
        int sb = stateType.bytes();
        int largest = 0;
        for (int i = 0; i < d; i++) {
            int n = denseN[i];
            largest = Math.max(largest, n);
            if (n > 0) {
                String name = "DENSE '" + layout.denseNames()[i] + "'";
                denseM[i] = zeroed(memory.allocate((long) n * sb, "m of " + name));
                denseV[i] = zeroed(memory.allocate((long) n * sb, "v of " + name));
                denseG[i] = memory.allocate(4L * n, "gradients of " + name);
            }
        }
        ensureScratch(largest);
        finish();
    }

    /**
     * One update moves a parameter's gradients and weights through one host staging buffer, which a
     * Java buffer limits to 2^31 - 1 bytes; a layout with a larger parameter is refused before any
     * state changes, with the sizes named (SPEC.md §10: split or refused).
     */
    private static void refuseBeyondOneTransfer(Layout layout) {
        String[][] names = {layout.sparseNames(), layout.denseNames()};
        int[][] sizes = {layout.sparseSizes(), layout.denseSizes()};
        for (int group = 0; group < 2; group++) {
            for (int i = 0; i < sizes[group].length; i++) {
                long bytes = 4L * sizes[group][i];
                if (bytes > Integer.MAX_VALUE) {
                    throw new BackendUnavailableException("opencl: parameter '" + names[group][i] + "' of "
                            + sizes[group][i] + " entries needs " + bytes + " bytes in one host transfer buffer,"
                            + " more than the " + Integer.MAX_VALUE + " bytes one buffer holds; split the tensor"
                            + " or use the cpu backend");
                }
            }
        }
    }

    private DeviceBuffer zeroed(DeviceBuffer b) {
        byte[] zero = {0};
        OpenCl.check(CL.clEnqueueFillBuffer(queue, b.mem, Pointer.to(zero), 1, 0, b.bytes, 0, null, null),
                "clEnqueueFillBuffer(" + b.what + ")");
        return b;
    }

    /** Makes every per-update scratch hold at least {@code count} entries (at a refresh or a layout change). */
    private void ensureScratch(int count) {
        if (count <= 0) {
            return;
        }
        long bytes = 4L * count;
        if (weights == null || weights.bytes < bytes) {
            weights = memory.release(weights);
            weights = memory.allocate(bytes, "weights of one update");
        }
        hostG.ensure(bytes);
        hostW.ensure(bytes);
    }

    // ---- §4 selection ------------------------------------------------------------------------------

    /**
     * Selects into the pending mask; see {@link ChunkedSelection} for the dataflow. The chunks go in
     * batches of whole chunks, each written and selected before the next.
     */
    @Override
    public void select(int s, float[] w, float[] g, Selection sel) {
        ensureOpen();
        int total = sel.total();
        int n = sparseN[s];
        if (pendingHost[s].length != total) {
            pendingHost[s] = new char[total];
        }
        pendingKFull[s] = sel.kFull();
        pendingKLast[s] = sel.kLast();
        staged[s] = STAGED_NONE;
        if (total == 0) {
            pendingMask[s] = memory.release(pendingMask[s]);
            return;
        }
        if (pendingMask[s] == null || pendingMask[s].bytes != 2L * total) {
            pendingMask[s] = memory.release(pendingMask[s]);
            pendingMask[s] = memory.allocate(2L * total, "pending mask " + s);
        }
        // Scratch for the steps that use this mask, sized now so that steps allocate nothing.
        if (sparseG[s] == null || sparseG[s].bytes < 4L * total) {
            sparseG[s] = memory.release(sparseG[s]);
            sparseG[s] = memory.allocate(4L * total, "gathered gradients " + s);
        }
        ensureScratch(total);

        int chunks = (int) ((n + (long) chunk - 1) / chunk);
        boolean local = keysInLocal(chunk);
        Criterion criterion = sel.criterion();
        long randomBase = sel.seed() ^ (sel.step() * 0x9E3779B97F4A7C15L) ^ ((long) sel.paramIndex() << 40);
        if (criterion == Criterion.RANDOM) {
            selector.launch(placeholder, pendingMask[s], local, n, chunk, chunks, 0, chunks, sel.kFull(), sel.kLast(),
                    criterion, randomBase);
            kernelLaunches++;
        } else {
            float[] src = criterion == Criterion.LARGEST_GRADIENT ? g : w;
            int batchChunks = (int) Math.max(1, Math.min(chunks, batchBytes / (4L * chunk)));
            long inputBytes = 4L * Math.min((long) batchChunks * chunk, n);
            if (selectInput == null || selectInput.bytes < inputBytes) {
                selectInput = memory.release(selectInput);
                selectInput = memory.allocate(inputBytes, "selection input batch");
            }
            Pointer source = Pointer.to(src);
            for (int c0 = 0; c0 < chunks; c0 += batchChunks) {
                int c1 = Math.min(chunks, c0 + batchChunks);
                int lo = c0 * chunk;
                int length = (int) Math.min((long) c1 * chunk, n) - lo;
                // Straight from the caller's array (JOCL pins it for a blocking call): one copy, not two.
                OpenCl.check(CL.clEnqueueWriteBuffer(queue, selectInput.mem, CL_TRUE, 0, 4L * length,
                        source.withByteOffset(4L * lo), 0, null, null), "writing the selection input");
                bytesToDevice += 4L * length;
                selector.launch(selectInput, pendingMask[s], local, n, chunk, chunks, c0, c1 - c0, sel.kFull(),
                        sel.kLast(), criterion, randomBase);
                kernelLaunches++;
            }
        }
        read(pendingMask[s], hostW, 2L * total);
        hostW.chars.get(0, pendingHost[s], 0, total);
        checkMask(s, pendingHost[s], sel.kFull(), chunks);
    }

    /** A mask the host will index with must be ascending and in range in every chunk (O(K), per refresh). */
    private void checkMask(int s, char[] local, int full, int chunks) {
        int n = sparseN[s];
        int j = 0;
        for (int c = 0; c < chunks; c++) {
            int end = c == chunks - 1 ? local.length : j + full;
            int length = Math.min(chunk, n - c * chunk);
            int previous = -1;
            for (; j < end; j++) {
                if (local[j] <= previous || local[j] >= length) {
                    throw new IllegalStateException("opencl: the device's selection returned an invalid mask for"
                            + " SPARSE parameter " + s + ", chunk " + c + ", entry " + j + " (" + (int) local[j]
                            + " after " + previous + " in a chunk of " + length + ") on " + device.entry);
                }
                previous = local[j];
            }
        }
    }

    // ---- §7 non-finite check ---------------------------------------------------------------------

    @Override
    public int checkSparse(int s, float[] g, boolean usePending) {
        ensureOpen();
        char[] local = usePending ? pendingHost[s] : maskHost[s];
        int total = local.length;
        if (total == 0) {
            return -1;
        }
        int full = usePending ? pendingKFull[s] : kFull[s];
        int chunks = chunks(s);
        masked.copy(true, g, local, total, full, chunks, hostG.segment);
        write(sparseG[s], hostG, 4L * total, false);
        staged[s] = usePending ? STAGED_PENDING : STAGED_CURRENT;
        int bad = runCheck(sparseG[s], total);
        if (bad < 0) {
            return -1;
        }
        int c = Math.min(bad / full, chunks - 1);
        return c * chunk + local[bad];
    }

    @Override
    public int checkDense(int d, float[] g) {
        ensureOpen();
        int n = denseN[d];
        if (n == 0) {
            return -1;
        }
        dense.copy(true, g, n, hostG);
        write(denseG[d], hostG, 4L * n, false);
        denseStaged[d] = true;
        return runCheck(denseG[d], n);
    }

    /** Enqueues the check of {@code values[0, count)} and waits for its answer. */
    private int runCheck(DeviceBuffer values, int count) {
        checker.launch(values, count, partials, result);
        kernelLaunches += 2;
        OpenCl.check(CL.clEnqueueReadBuffer(queue, result.mem, CL_TRUE, 0, 4, answerPointer, 0, null, null),
                "reading the non-finite check's answer");
        bytesFromDevice += 4;
        return answer[0];
    }

    // ---- §5 remap --------------------------------------------------------------------------------

    @Override
    public void commitMask(int s, MomentPolicy policy) {
        ensureOpen();
        int newTotal = pendingHost[s].length;
        int oldTotal = maskHost[s].length;
        int chunks = chunks(s);
        long sb = stateType.bytes();
        if (newTotal == 0) {
            sparseM[s] = memory.release(sparseM[s]);
            sparseV[s] = memory.release(sparseV[s]);
        } else if (policy == MomentPolicy.RESET && newTotal == oldTotal && sparseM[s] != null) {
            // Zero in place.
            remapper.launch(stateType, placeholder, placeholder, placeholder, 0, 0, 0, pendingMask[s], sparseM[s],
                    sparseV[s], newTotal, pendingKFull[s], chunks, false);
            kernelLaunches++;
        } else {
            DeviceBuffer m = memory.allocate(newTotal * sb, "m of SPARSE " + s);
            DeviceBuffer v;
            try {
                v = memory.allocate(newTotal * sb, "v of SPARSE " + s);
            } catch (RuntimeException e) {
                memory.release(m);
                throw e;
            }
            boolean carry = policy == MomentPolicy.CARRY && oldTotal > 0;
            remapper.launch(stateType, carry ? mask[s] : placeholder, carry ? sparseM[s] : placeholder,
                    carry ? sparseV[s] : placeholder, carry ? oldTotal : 0, kFull[s], kLast[s], pendingMask[s], m, v,
                    newTotal, pendingKFull[s], chunks, carry);
            kernelLaunches++;
            // Released buffers live on until the queued remap that reads them has finished.
            memory.release(sparseM[s]);
            memory.release(sparseV[s]);
            sparseM[s] = m;
            sparseV[s] = v;
        }
        DeviceBuffer b = mask[s];
        mask[s] = pendingMask[s];
        pendingMask[s] = b;
        char[] h = maskHost[s];
        maskHost[s] = pendingHost[s];
        pendingHost[s] = h;
        kFull[s] = pendingKFull[s];
        kLast[s] = pendingKLast[s];
        staged[s] = staged[s] == STAGED_PENDING ? STAGED_CURRENT : STAGED_NONE;
    }

    // ---- §6 update ---------------------------------------------------------------------------------

    @Override
    public void updateSparse(int s, float[] w, float[] g, StepConstants k, boolean checked) {
        ensureOpen();
        char[] local = maskHost[s];
        int total = local.length;
        if (total == 0) {
            return;
        }
        int full = kFull[s];
        int chunks = chunks(s);
        if (!checked || staged[s] != STAGED_CURRENT) {
            masked.copy(true, g, local, total, full, chunks, hostG.segment);
            write(sparseG[s], hostG, 4L * total, false);
        }
        staged[s] = STAGED_NONE;
        masked.copy(true, w, local, total, full, chunks, hostW.segment);
        write(weights, hostW, 4L * total, false);
        updater.launch(stateType, sparseG[s], weights, sparseM[s], sparseV[s], total, k);
        kernelLaunches++;
        read(weights, hostW, 4L * total);
        masked.copy(false, w, local, total, full, chunks, hostW.segment);
    }

    @Override
    public void updateDense(int d, float[] w, float[] g, StepConstants k, boolean checked) {
        ensureOpen();
        int n = denseN[d];
        if (n == 0) {
            return;
        }
        if (!checked || !denseStaged[d]) {
            dense.copy(true, g, n, hostG);
            write(denseG[d], hostG, 4L * n, false);
        }
        denseStaged[d] = false;
        dense.copy(true, w, n, hostW);
        write(weights, hostW, 4L * n, false);
        updater.launch(stateType, denseG[d], weights, denseM[d], denseV[d], n, k);
        kernelLaunches++;
        read(weights, hostW, 4L * n);
        dense.copy(false, w, n, hostW);
    }

    /**
     * A copy between a heap tensor and a host staging region, in tasks spread over the cpu
     * backend's worker pool (one thread's memory copy does not keep up with the transfers).
     * Allocation-free: one instance per kind, reset per call.
     */
    private abstract class HostCopy implements WorkerPool.Job {
        boolean toHost;
        float[] array;
        MemorySegment region;
        int tasks;

        /** Runs the copy in the pool's tasks of at least {@code minTask} elements, at most {@code limit}. */
        final void start(boolean toHost, float[] array, MemorySegment region, long elements, long minTask,
                         int limit) {
            this.toHost = toHost;
            this.array = array;
            this.region = region;
            this.tasks = pool.tasksFor(elements, minTask, limit);
            try {
                pool.run(tasks, this);
            } finally {
                this.array = null;
                this.region = null;
            }
        }
    }

    /** The masked entries of one SPARSE tensor: entry j of the mask at byte 4j of the region. */
    private final class MaskedJob extends HostCopy {
        private char[] local;
        private int total;
        private int full;
        private int chunks;

        /** {@code toHost}: region[j] = array[flat index of entry j]; otherwise the reverse. */
        void copy(boolean toHost, float[] array, char[] local, int total, int full, int chunks, MemorySegment region) {
            this.local = local;
            this.total = total;
            this.full = full;
            this.chunks = chunks;
            start(toHost, array, region, total, MIN_TASK, chunks);
        }

        @Override
        public void run(int task, int worker) {
            int c0 = (int) ((long) task * chunks / tasks);
            int c1 = (int) ((long) (task + 1) * chunks / tasks);
            int[] ix = indexBlock[worker];
            for (int c = c0; c < c1; c++) {
                int j0 = c * full;
                int end = c == chunks - 1 ? total : j0 + full;
                int base = c * chunk;
                for (int j = j0; j < end; j += BLOCK) {
                    int len = Math.min(BLOCK, end - j);
                    MaskedCopy.widen(local, j, len, ix);
                    if (toHost) {
                        MaskedCopy.gather(array, base, ix, len, region, 4L * j);
                    } else {
                        MaskedCopy.scatter(region, 4L * j, ix, len, array, base);
                    }
                }
            }
        }
    }

    /** A whole DENSE tensor: element i at byte 4i of the region. */
    private final class DenseJob extends HostCopy {
        private int n;
        private FloatBuffer floats;

        /** {@code toHost}: staging = array[0, n); otherwise the reverse. */
        void copy(boolean toHost, float[] array, int n, HostStaging staging) {
            this.n = n;
            this.floats = staging.floats;
            start(toHost, array, staging.segment, n, 4L * MIN_TASK, Integer.MAX_VALUE);
        }

        @Override
        public void run(int task, int worker) {
            int lo = (int) ((long) task * n / tasks);
            int hi = (int) ((long) (task + 1) * n / tasks);
            // Absolute bulk transfers: no position is shared between tasks, and nothing is allocated.
            if (toHost) {
                floats.put(lo, array, lo, hi - lo);
            } else {
                floats.get(lo, array, lo, hi - lo);
            }
        }
    }

    // ---- state access --------------------------------------------------------------------------------

    @Override
    public int maskLength(int s) {
        return maskHost[s].length;
    }

    @Override
    public void readMask(int s, char[] out) {
        System.arraycopy(maskHost[s], 0, out, 0, maskHost[s].length);
    }

    @Override
    public void readMoments(boolean sparse, int index, float[] m, float[] v) {
        ensureOpen();
        DeviceBuffer mb = sparse ? sparseM[index] : denseM[index];
        DeviceBuffer vb = sparse ? sparseV[index] : denseV[index];
        int count = sparse ? maskHost[index].length : denseN[index];
        if (count == 0) {
            return;
        }
        readState(mb, m, count);
        readState(vb, v, count);
    }

    private void readState(DeviceBuffer b, float[] out, int count) {
        read(b, hostW, (long) count * stateType.bytes());
        if (stateType == StateType.FP32) {
            hostW.floats.get(0, out, 0, count);
        } else {
            for (int i = 0; i < count; i++) {
                out[i] = SpecMath.bf16ToFloat(hostW.shorts.get(i));
            }
        }
    }

    private void writeState(DeviceBuffer b, float[] in, int count) {
        if (stateType == StateType.FP32) {
            hostW.floats.put(0, in, 0, count);
        } else {
            for (int i = 0; i < count; i++) {
                hostW.shorts.put(i, SpecMath.bf16(in[i]));
            }
        }
        write(b, hostW, (long) count * stateType.bytes(), true);
    }

    @Override
    public void writeSparse(int s, char[] newMask, int full, int last, float[] m, float[] v) {
        ensureOpen();
        finish();
        int total = newMask.length;
        mask[s] = memory.release(mask[s]);
        sparseM[s] = memory.release(sparseM[s]);
        sparseV[s] = memory.release(sparseV[s]);
        maskHost[s] = newMask.clone();
        kFull[s] = full;
        kLast[s] = last;
        staged[s] = STAGED_NONE;
        if (total == 0) {
            return;
        }
        ensureScratch(total);
        if (sparseG[s] == null || sparseG[s].bytes < 4L * total) {
            sparseG[s] = memory.release(sparseG[s]);
            sparseG[s] = memory.allocate(4L * total, "gathered gradients " + s);
        }
        long sb = stateType.bytes();
        mask[s] = memory.allocate(2L * total, "mask of SPARSE " + s);
        sparseM[s] = memory.allocate(total * sb, "m of SPARSE " + s);
        sparseV[s] = memory.allocate(total * sb, "v of SPARSE " + s);
        hostW.chars.put(0, newMask, 0, total);
        write(mask[s], hostW, 2L * total, true);
        writeState(sparseM[s], m, total);
        writeState(sparseV[s], v, total);
    }

    @Override
    public void writeDense(int d, float[] m, float[] v) {
        ensureOpen();
        int n = denseN[d];
        if (n == 0) {
            return;
        }
        writeState(denseM[d], m, n);
        writeState(denseV[d], v, n);
    }

    /** SPEC.md §9: the device buffers of masks, m and v, at their allocated sizes. */
    @Override
    public long allocatedStateBytes() {
        if (closed) {
            return 0;
        }
        long bytes = 0;
        for (int s = 0; s < mask.length; s++) {
            bytes += size(mask[s]) + size(sparseM[s]) + size(sparseV[s]);
        }
        for (int d = 0; d < denseM.length; d++) {
            bytes += size(denseM[d]) + size(denseV[d]);
        }
        return bytes;
    }

    private static long size(DeviceBuffer b) {
        return b == null ? 0 : b.bytes;
    }

    /**
     * {@code bytesToDevice}, {@code bytesFromDevice}: every byte this backend has written to or read
     * from the device since it opened. {@code kernelLaunches}: kernels enqueued. {@code deviceBuffers},
     * {@code deviceBytes}: buffers it holds now and their total size (state and scratch).
     */
    @Override
    public Map<String, Long> counters() {
        return Map.of("bytesToDevice", bytesToDevice, "bytesFromDevice", bytesFromDevice,
                "kernelLaunches", kernelLaunches, "deviceBuffers", (long) memory.liveCount(),
                "deviceBytes", memory.liveBytes());
    }

    // ---- transfers -----------------------------------------------------------------------------------

    private void write(DeviceBuffer to, HostStaging from, long bytes, boolean blocking) {
        OpenCl.check(CL.clEnqueueWriteBuffer(queue, to.mem, blocking ? CL_TRUE : CL_FALSE, 0, bytes, from.pointer, 0,
                null, null), "writing ", bytes, " bytes to ", to.what);
        bytesToDevice += bytes;
    }

    /** Blocking: waits for everything queued before it, then for the copy. */
    private void read(DeviceBuffer from, HostStaging to, long bytes) {
        OpenCl.check(CL.clEnqueueReadBuffer(queue, from.mem, CL_TRUE, 0, bytes, to.pointer, 0, null, null),
                "reading ", bytes, " bytes from ", from.what);
        bytesFromDevice += bytes;
    }

    private void finish() {
        OpenCl.check(CL.clFinish(queue), "clFinish");
    }

    private int chunks(int s) {
        return (int) ((sparseN[s] + (long) chunk - 1) / chunk);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("opencl: backend is closed");
        }
    }

    /** Frees the state buffers of the current layout (the per-backend scratch stays). */
    private void releaseState() {
        if (mask == null) {
            return;
        }
        for (int s = 0; s < mask.length; s++) {
            mask[s] = memory.release(mask[s]);
            pendingMask[s] = memory.release(pendingMask[s]);
            sparseM[s] = memory.release(sparseM[s]);
            sparseV[s] = memory.release(sparseV[s]);
            sparseG[s] = memory.release(sparseG[s]);
        }
        for (int d = 0; d < denseM.length; d++) {
            denseM[d] = memory.release(denseM[d]);
            denseV[d] = memory.release(denseV[d]);
            denseG[d] = memory.release(denseG[d]);
        }
        selectInput = memory.release(selectInput);
    }

    /** Frees the queue, kernels, every device buffer and the host staging memory; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CL.clFinish(queue);
        memory.releaseAll();
        selector.release();
        updater.release();
        checker.release();
        remapper.release();
        CL.clReleaseCommandQueue(queue);
        hostG.close();
        hostW.close();
        mask = pendingMask = sparseM = sparseV = sparseG = denseM = denseV = denseG = null;
        maskHost = pendingHost = null;
    }
}
