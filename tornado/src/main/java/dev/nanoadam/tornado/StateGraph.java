package dev.nanoadam.tornado;

import static dev.nanoadam.tornado.StateKernels.CHECK_BLOCK;

import dev.nanoadam.StateType;
import dev.nanoadam.spi.SpecMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import dev.nanoadam.spi.StepConstants;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

/**
 * One parameter's resident state on the device and the graph of {@link StateKernels} that works on
 * it: {@code count} entries (K of a SPARSE parameter's mask, or n of a DENSE one).
 *
 * <p>Transfers. Every execution sends {@code ctl}, {@code k}, {@code g} and {@code w} (and, for a
 * SPARSE parameter, {@code source}: the remap's index map), so a step moves a multiple of
 * {@code count} bytes. {@code m}, {@code v}, {@code mOld}, {@code vOld} live on the device only
 * (their first-execution copy carries nothing anyone reads): a graph taken for new state starts with
 * {@link #load}, which sends zeros or a checkpoint's values through {@code g} and {@code w}.
 * {@code w}, {@code m}, {@code v} and the check's {@code result} come back only when asked
 * ({@link #readWeights}, {@link #readMoments}, {@link #check}). TornadoVM copies whole arrays,
 * header included; {@link Traffic} counts exactly that.
 *
 * <p>Graphs outlive their users: {@link GraphPool} keeps released ones, by shape, so that the next
 * parameter of the same shape skips TornadoVM's compilation.
 */
final class StateGraph implements AutoCloseable {
    private static int graphs;

    final int count;
    final boolean sparse;
    final StateType type;
    private String name;

    private final IntArray ctl = new IntArray(StateKernels.CTL_LENGTH);          // [CTL_LENGTH]
    private final FloatArray k = new FloatArray(StateKernels.K_LENGTH);          // [K_LENGTH]
    final FloatArray g;                                                          // [count]
    final FloatArray w;                                                          // [count]
    private final TornadoNativeArray m;                                          // [count] state type
    private final TornadoNativeArray v;                                          // [count]
    private final TornadoNativeArray mOld;                                       // [count] before a remap
    private final TornadoNativeArray vOld;                                       // [count]
    final IntArray source;                                                       // [count] SPARSE, else [1]
    private final IntArray partials;                                             // [ceil(count / CHECK_BLOCK)]
    private final IntArray result = new IntArray(1);                             // [1]

    private final TornadoNativeArray[] everyExecution;
    private final TornadoNativeArray[] firstExecution;
    private final Object[] weightsOut;
    private final Object[] momentsOut;
    private final Object[] resultOut;
    private final WorkerGrid1D mainGrid = new WorkerGrid1D(1);
    private final WorkerGrid1D finishGrid = new WorkerGrid1D(1);
    private final TornadoExecutionPlan plan;
    private Traffic traffic;
    private TornadoExecutionResult last;
    private boolean executed;
    private boolean closed;

    /** Builds the graph (TornadoVM compiles it at its first execution); {@link GraphPool#state} hands them out. */
    StateGraph(Device device, boolean sparse, int count, StateType type) {
        this.count = count;
        this.sparse = sparse;
        this.type = type;
        this.name = (sparse ? "SPARSE" : "DENSE") + " state of " + count;
        try {
            g = new FloatArray(count);
            w = new FloatArray(count);
            m = state(type, count);
            v = state(type, count);
            mOld = state(type, count);
            vOld = state(type, count);
            source = new IntArray(sparse ? count : 1);
            partials = new IntArray((count + CHECK_BLOCK - 1) / CHECK_BLOCK);
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException("tornado: host memory for " + name + " (" + count + " entries, "
                    + (long) count * (12 + 4L * type.bytes()) + " bytes) is not available", e);
        }
        ctl.init(0);
        k.init(0f);
        k.set(StateKernels.NAN, Float.NaN);
        partials.init(0);
        result.init(-1);
        everyExecution = new TornadoNativeArray[] {ctl, k, g, w, source};
        firstExecution = new TornadoNativeArray[] {m, v, mOld, vOld, partials, result};
        weightsOut = new Object[] {w};
        momentsOut = new Object[] {m, v};
        resultOut = new Object[] {result};

        String id = "state" + nextId();
        KernelContext kc = new KernelContext();
        TaskGraph graph = new TaskGraph(id)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, (Object[]) everyExecution)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, (Object[]) firstExecution);
        if (type == StateType.FP32) {
            graph.task("main", StateKernels::main32, kc, ctl, k, g, w, (FloatArray) m, (FloatArray) v,
                            (FloatArray) mOld, (FloatArray) vOld, partials)
                    .task("finish", StateKernels::finish32, kc, ctl, (FloatArray) m, (FloatArray) v,
                            (FloatArray) mOld, (FloatArray) vOld, source, partials, result);
        } else {
            graph.task("main", StateKernels::main16, kc, ctl, k, g, w, (ShortArray) m, (ShortArray) v,
                            (ShortArray) mOld, (ShortArray) vOld, partials)
                    .task("finish", StateKernels::finish16, kc, ctl, (ShortArray) m, (ShortArray) v,
                            (ShortArray) mOld, (ShortArray) vOld, source, partials, result);
        }
        graph.transferToHost(DataTransferMode.UNDER_DEMAND, w, m, v, result);
        GridScheduler grid = new GridScheduler();
        grid.addWorkerGrid(id + ".main", mainGrid);
        grid.addWorkerGrid(id + ".finish", finishGrid);
        ImmutableTaskGraph snapshot = graph.snapshot();
        plan = device.plan(snapshot, grid, Device.OPENCL_FLAGS);
    }

    private static synchronized int nextId() {
        return graphs++;
    }

    private static TornadoNativeArray state(StateType type, int n) {
        if (type == StateType.FP32) {
            FloatArray a = new FloatArray(n);
            a.init(0f);
            return a;
        }
        ShortArray a = new ShortArray(n);
        a.init((short) 0);
        return a;
    }

    /** Takes this graph for {@code user}'s state, counting into {@code counters}. */
    void attach(String user, Traffic counters) {
        this.name = user;
        this.traffic = counters;
    }

    /** m = {@code mInit}, v = {@code vInit} (as the state type stores them), or zeros where null. */
    void load(float[] mInit, float[] vInit) {
        MemorySegment gs = g.getSegment();
        MemorySegment ws = w.getSegment();
        if (mInit == null) {
            gs.fill((byte) 0);
        } else {
            MemorySegment.copy(mInit, 0, gs, ValueLayout.JAVA_FLOAT, 0, count);
        }
        if (vInit == null) {
            ws.fill((byte) 0);
        } else {
            MemorySegment.copy(vInit, 0, ws, ValueLayout.JAVA_FLOAT, 0, count);
        }
        ctl.set(StateKernels.OP, StateKernels.OP_LOAD);
        ctl.set(StateKernels.COUNT, count);
        run(count, 1);
    }

    /** Bytes of m and v on the device (SPEC.md §9 counts these). */
    long stateBytes() {
        return 2L * count * type.bytes();
    }

    /** Bytes of every array this graph holds on the device. */
    long deviceBytes() {
        long bytes = 0;
        for (TornadoNativeArray a : everyExecution) {
            bytes += a.getNumBytesOfSegment();
        }
        for (TornadoNativeArray a : firstExecution) {
            bytes += a.getNumBytesOfSegment();
        }
        return bytes;
    }

    /** The first index in {@code g[0, count)} whose value is NaN or infinite, or -1; g already filled. */
    int check() {
        ctl.set(StateKernels.OP, StateKernels.OP_CHECK);
        ctl.set(StateKernels.COUNT, count);
        run(partials.getSize(), 1);
        last.transferToHost(resultOut);
        traffic.fromDevice(result.getNumBytesOfSegmentWithHeader());
        return result.get(0);
    }

    /** SPEC.md §6 on every entry; g and w already filled. {@link #readWeights} then brings w back. */
    void update(StepConstants c) {
        ctl.set(StateKernels.OP, StateKernels.OP_UPDATE);
        ctl.set(StateKernels.COUNT, count);
        ctl.set(StateKernels.DECAY_ON, c.decayOn() ? 1 : 0);
        k.set(StateKernels.B1, c.b1());
        k.set(StateKernels.B2, c.b2());
        k.set(StateKernels.C1, c.c1());
        k.set(StateKernels.C2, c.c2());
        k.set(StateKernels.STEP, c.stepSize());
        k.set(StateKernels.BC2, c.bc2());
        k.set(StateKernels.DECAY, c.decay());
        k.set(StateKernels.EPS, c.eps());
        run(count, 1);
    }

    /** Copies the updated weights of the last update into {@link #w}. */
    void readWeights() {
        last.transferToHost(weightsOut);
        traffic.fromDevice(w.getNumBytesOfSegmentWithHeader());
    }

    /**
     * Remaps the moments (SPEC.md §5): entry j becomes old entry {@code source[j]}, or 0 when it is -1.
     *
     * The old moments are this graph's own m and v ({@code count} of them), copied aside first.
     */
    void remap() {
        ctl.set(StateKernels.OP, StateKernels.OP_REMAP);
        ctl.set(StateKernels.COUNT, count);
        ctl.set(StateKernels.COPY, 1);
        ctl.set(StateKernels.OLD_COUNT, count);
        run(count, count);
    }

    /** m and v as floats (BF16 widens exactly). */
    void readMoments(float[] mOut, float[] vOut) {
        last.transferToHost(momentsOut);
        traffic.fromDevice(m.getNumBytesOfSegmentWithHeader() + v.getNumBytesOfSegmentWithHeader());
        copyOut(m, mOut);
        copyOut(v, vOut);
    }

    private void copyOut(TornadoNativeArray a, float[] out) {
        if (a instanceof FloatArray f) {
            for (int i = 0; i < count; i++) {
                out[i] = f.get(i);
            }
        } else {
            ShortArray s = (ShortArray) a;
            for (int i = 0; i < count; i++) {
                out[i] = SpecMath.bf16ToFloat(s.get(i));
            }
        }
    }

    private void run(int mainItems, int finishItems) {
        if (closed) {
            throw new IllegalStateException("tornado: " + name + ": state graph is closed");
        }
        mainGrid.setGlobalWork(Math.max(1, mainItems), 1, 1);
        mainGrid.setLocalWorkToNull();
        finishGrid.setGlobalWork(Math.max(1, finishItems), 1, 1);
        finishGrid.setLocalWorkToNull();
        long in = 0;
        for (TornadoNativeArray a : everyExecution) {
            in += a.getNumBytesOfSegmentWithHeader();
        }
        if (!executed) {
            for (TornadoNativeArray a : firstExecution) {
                in += a.getNumBytesOfSegmentWithHeader();
            }
            executed = true;
        }
        last = Device.execute(plan, name, count, deviceBytes());
        traffic.toDevice(in);
        traffic.launched(2);
    }

    /** Frees the device memory of this graph; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Device.release(plan);
        }
    }
}
