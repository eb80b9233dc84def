package dev.nanoadam.tornado;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.StateType;
import dev.nanoadam.cpu.MaskedCopy;
import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.Layout;
import dev.nanoadam.spi.Selection;
import dev.nanoadam.spi.StepConstants;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

/**
 * {@code "tornado"}: SPEC.md's kernels written in Java ({@link StateKernels}, {@link SelectionKernel})
 * and compiled by TornadoVM for the device, bit-identical to {@code cpu-scalar}.
 *
 * <p>What lives where. On the device, per parameter, one {@link StateGraph}: m and v (resident),
 * the gathered gradients and weights of one update, the remap's scratch. Per SPARSE parameter also a
 * {@link SelectGraph}, run at refreshes. On the host: each mask (chunk-local indices, as SPEC.md §4
 * lays them out), which the host uses to gather the K gradients and weights a step reads and to
 * scatter back the K weights it changed; the caller's arrays stay the truth (SPEC.md §1).
 *
 * <p>TornadoVM binds arrays to a graph when the graph is built and copies whole arrays, so a graph
 * is sized exactly for its parameter's K (or n); when a refresh changes K, the parameter takes a
 * graph of the new shape (from {@link GraphPool}, else TornadoVM compiles a new one at its first run)
 * and CARRY's kept moments move over through the host.
 *
 * <p>Bytes moved per non-refreshing step and SPARSE parameter ({@link #counters()}): the check sends
 * K gradients and K weights plus the remap map of K ints and a few control words, and reads 4 bytes;
 * the update sends the same and reads the K weights back; every TornadoVM array also carries its
 * 24-byte header. All of it is proportional to K.
 */
public final class TornadoBackend implements Backend {
    private static final int BLOCK = 1024;

    private final Device device;
    private final GraphPool pool;
    private final Traffic traffic = new Traffic();

    // Layout.
    private StateType stateType;
    private int chunk;
    private int[] sparseN;
    private int[] denseN;
    private String[] sparseNames;
    private String[] denseNames;

    // SPARSE parameter s.
    private StateGraph[] current;      // state under the current mask, or null when K = 0
    private StateGraph[] pending;      // a graph for the pending mask when its K differs, else null
    private SelectGraph[] selector;
    private char[][] maskHost;         // [s][K] current mask, chunk-local
    private char[][] pendingHost;      // [s][K'] pending mask
    private int[] kFull;
    private int[] kLast;
    private int[] pendingKFull;
    private int[] pendingKLast;

    // DENSE parameter d.
    private StateGraph[] dense;

    private final int[] indexBlock = new int[BLOCK];  // widened mask indices of one block
    private boolean closed;

    TornadoBackend(Device device) {
        this.device = device;
        this.pool = GraphPool.of(device);
    }

    @Override
    public String name() {
        return "tornado";
    }

    @Override
    public String description() {
        return device.description;
    }

    /** The device this backend runs on, as {@code tornado:<backend>:<device>}. */
    public String deviceName() {
        return device.backendName();
    }

    // ---- layout ----------------------------------------------------------------------------------

    @Override
    public void init(Layout layout) {
        ensureOpen();
        releaseState();
        stateType = layout.stateType();
        chunk = layout.chunkSize();
        sparseN = layout.sparseSizes().clone();
        denseN = layout.denseSizes().clone();
        sparseNames = layout.sparseNames().clone();
        denseNames = layout.denseNames().clone();
        int s = sparseN.length;
        current = new StateGraph[s];
        pending = new StateGraph[s];
        selector = new SelectGraph[s];
        maskHost = new char[s][0];
        pendingHost = new char[s][0];
        kFull = new int[s];
        kLast = new int[s];
        pendingKFull = new int[s];
        pendingKLast = new int[s];
        dense = new StateGraph[denseN.length];
        for (int d = 0; d < denseN.length; d++) {
            if (denseN[d] > 0) {
                dense[d] = state(false, denseN[d], "DENSE '" + denseNames[d] + "'");
                dense[d].load(null, null);
            }
        }
    }

    // ---- §4 selection ------------------------------------------------------------------------------

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
        pending[s] = release(pending[s]);
        if (total == 0) {
            return;
        }
        Criterion criterion = sel.criterion();
        boolean random = criterion == Criterion.RANDOM;
        if (selector[s] == null || selector[s].total != total || selector[s].random != random) {
            release(selector[s]);
            selector[s] = pool.selection(n, total, random);
            selector[s].attach("selection of SPARSE '" + sparseNames[s] + "'", traffic);
        }
        SelectGraph graph = selector[s];
        int code = switch (criterion) {
            case SMALLEST_MAGNITUDE -> SelectionKernel.SMALLEST;
            case LARGEST_MAGNITUDE, LARGEST_GRADIENT -> SelectionKernel.LARGEST;
            case RANDOM -> SelectionKernel.RANDOM;
        };
        if (criterion != Criterion.RANDOM) {
            float[] src = criterion == Criterion.LARGEST_GRADIENT ? g : w;
            MemorySegment.copy(src, 0, graph.bits.getSegment(), ValueLayout.JAVA_FLOAT, 0, n);
        }
        long randomBase = sel.seed() ^ (sel.step() * 0x9E3779B97F4A7C15L) ^ ((long) sel.paramIndex() << 40);
        graph.run(chunk, chunks(s), sel.kFull(), sel.kLast(), code, randomBase, pendingHost[s]);

        // A K the current state graph does not have: take a graph of the new shape now, so that the
        // check of this step runs on it; commitMask fills its moments.
        if (current[s] == null || current[s].count != total) {
            pending[s] = state(true, total, "SPARSE '" + sparseNames[s] + "'");
        }
    }

    // ---- §7 non-finite check -------------------------------------------------------------------------

    @Override
    public int checkSparse(int s, float[] g, boolean usePending) {
        ensureOpen();
        char[] local = usePending ? pendingHost[s] : maskHost[s];
        int total = local.length;
        if (total == 0) {
            return -1;
        }
        StateGraph graph = usePending && pending[s] != null ? pending[s] : current[s];
        int full = usePending ? pendingKFull[s] : kFull[s];
        gather(g, local, total, full, chunks(s), graph.g.getSegment());
        int bad = graph.check();
        if (bad < 0) {
            return -1;
        }
        int c = Math.min(bad / full, chunks(s) - 1);
        return c * chunk + local[bad];
    }

    @Override
    public int checkDense(int d, float[] g) {
        ensureOpen();
        if (denseN[d] == 0) {
            return -1;
        }
        StateGraph graph = dense[d];
        MemorySegment.copy(g, 0, graph.g.getSegment(), ValueLayout.JAVA_FLOAT, 0, denseN[d]);
        return graph.check();
    }

    // ---- §5 remap --------------------------------------------------------------------------------

    @Override
    public void commitMask(int s, MomentPolicy policy) {
        ensureOpen();
        char[] newMask = pendingHost[s];
        char[] oldMask = maskHost[s];
        int newTotal = newMask.length;
        int oldTotal = oldMask.length;
        boolean carry = policy == MomentPolicy.CARRY && oldTotal > 0;
        if (newTotal == 0) {
            current[s] = release(current[s]);
        } else {
            int[] map = sourceMap(s, carry, oldMask, newMask);
            if (pending[s] == null) {
                // Same K: the remap kernel moves the moments on the device.
                current[s].source.getSegment().copyFrom(MemorySegment.ofArray(map));
                current[s].remap();
            } else {
                // A new K (the density schedule moved): the kept moments go through the host into
                // the new graph (the old and the new graph are separate TornadoVM plans).
                float[] m = null;
                float[] v = null;
                if (carry) {
                    float[] oldM = new float[oldTotal];
                    float[] oldV = new float[oldTotal];
                    current[s].readMoments(oldM, oldV);
                    m = new float[newTotal];
                    v = new float[newTotal];
                    for (int j = 0; j < newTotal; j++) {
                        if (map[j] >= 0) {
                            m[j] = oldM[map[j]];
                            v[j] = oldV[map[j]];
                        }
                    }
                }
                pending[s].load(m, v);
                release(current[s]);
                current[s] = pending[s];
                pending[s] = null;
            }
        }
        maskHost[s] = newMask;
        pendingHost[s] = oldMask;
        kFull[s] = pendingKFull[s];
        kLast[s] = pendingKLast[s];
    }

    /**
     * For each new entry j, the old entry with the same flat index (CARRY), or -1: a merge of the two
     * masks chunk by chunk, both ascending within a chunk.
     */
    private int[] sourceMap(int s, boolean carry, char[] oldMask, char[] newMask) {
        int[] map = new int[newMask.length];
        java.util.Arrays.fill(map, -1);
        if (!carry) {
            return map;
        }
        int chunks = chunks(s);
        for (int c = 0; c < chunks; c++) {
            int a = c * kFull[s];
            int aEnd = c == chunks - 1 ? oldMask.length : a + kFull[s];
            int b = c * pendingKFull[s];
            int bEnd = c == chunks - 1 ? newMask.length : b + pendingKFull[s];
            while (a < aEnd && b < bEnd) {
                if (oldMask[a] == newMask[b]) {
                    map[b++] = a++;
                } else if (oldMask[a] < newMask[b]) {
                    a++;
                } else {
                    b++;
                }
            }
        }
        return map;
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
        StateGraph graph = current[s];
        int full = kFull[s];
        int chunks = chunks(s);
        gather(g, local, total, full, chunks, graph.g.getSegment());
        gather(w, local, total, full, chunks, graph.w.getSegment());
        graph.update(k);
        graph.readWeights();
        scatter(graph.w.getSegment(), local, total, full, chunks, w);
    }

    @Override
    public void updateDense(int d, float[] w, float[] g, StepConstants k, boolean checked) {
        ensureOpen();
        int n = denseN[d];
        if (n == 0) {
            return;
        }
        StateGraph graph = dense[d];
        MemorySegment.copy(g, 0, graph.g.getSegment(), ValueLayout.JAVA_FLOAT, 0, n);
        MemorySegment.copy(w, 0, graph.w.getSegment(), ValueLayout.JAVA_FLOAT, 0, n);
        graph.update(k);
        graph.readWeights();
        MemorySegment.copy(graph.w.getSegment(), ValueLayout.JAVA_FLOAT, 0, w, 0, n);
    }

    /** region[j] = array[flat index of mask entry j]. */
    private void gather(float[] array, char[] local, int total, int full, int chunks, MemorySegment region) {
        for (int c = 0; c < chunks; c++) {
            int j0 = c * full;
            int end = c == chunks - 1 ? total : j0 + full;
            for (int j = j0; j < end; j += BLOCK) {
                int len = Math.min(BLOCK, end - j);
                MaskedCopy.widen(local, j, len, indexBlock);
                MaskedCopy.gather(array, c * chunk, indexBlock, len, region, 4L * j);
            }
        }
    }

    /** array[flat index of mask entry j] = region[j]. */
    private void scatter(MemorySegment region, char[] local, int total, int full, int chunks, float[] array) {
        for (int c = 0; c < chunks; c++) {
            int j0 = c * full;
            int end = c == chunks - 1 ? total : j0 + full;
            for (int j = j0; j < end; j += BLOCK) {
                int len = Math.min(BLOCK, end - j);
                MaskedCopy.widen(local, j, len, indexBlock);
                MaskedCopy.scatter(region, 4L * j, indexBlock, len, array, c * chunk);
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
        StateGraph graph = sparse ? current[index] : dense[index];
        if (graph != null) {
            graph.readMoments(m, v);
        }
    }

    @Override
    public void writeSparse(int s, char[] newMask, int full, int last, float[] m, float[] v) {
        ensureOpen();
        current[s] = release(current[s]);
        pending[s] = release(pending[s]);
        maskHost[s] = newMask.clone();
        kFull[s] = full;
        kLast[s] = last;
        int total = newMask.length;
        if (total > 0) {
            current[s] = state(true, total, "SPARSE '" + sparseNames[s] + "'");
            current[s].load(m, v);
        }
    }

    @Override
    public void writeDense(int d, float[] m, float[] v) {
        ensureOpen();
        if (denseN[d] == 0) {
            return;
        }
        dense[d].load(m, v);
    }

    /** SPEC.md §9: the masks (held on the host) and m, v on the device, at their allocated sizes. */
    @Override
    public long allocatedStateBytes() {
        if (closed || current == null) {
            return 0;
        }
        long bytes = 0;
        for (int s = 0; s < current.length; s++) {
            bytes += 2L * maskHost[s].length + (current[s] == null ? 0 : current[s].stateBytes());
        }
        for (StateGraph d : dense) {
            bytes += d == null ? 0 : d.stateBytes();
        }
        return bytes;
    }

    /**
     * {@code bytesToDevice}, {@code bytesFromDevice}: every byte TornadoVM copied for this backend
     * (whole arrays, headers included); {@code kernelLaunches}: kernels run; {@code deviceGraphs},
     * {@code deviceBytes}: graphs held now and the bytes of their arrays.
     */
    @Override
    public Map<String, Long> counters() {
        long graphs = 0;
        long bytes = 0;
        if (!closed && current != null) {
            for (StateGraph[] set : new StateGraph[][] {current, pending, dense}) {
                for (StateGraph g : set) {
                    if (g != null) {
                        graphs++;
                        bytes += g.deviceBytes();
                    }
                }
            }
            for (SelectGraph g : selector) {
                if (g != null) {
                    graphs++;
                    bytes += 4L * g.n + 2L * g.total;
                }
            }
        }
        return Map.of("bytesToDevice", traffic.toDevice, "bytesFromDevice", traffic.fromDevice,
                "kernelLaunches", traffic.launches, "deviceGraphs", graphs, "deviceBytes", bytes);
    }

    private int chunks(int s) {
        return (int) ((sparseN[s] + (long) chunk - 1) / chunk);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("tornado: backend is closed");
        }
    }

    /** A state graph of this shape from the pool, counting into this backend's traffic. */
    private StateGraph state(boolean sparse, int count, String user) {
        StateGraph g = pool.state(sparse, count, stateType);
        g.attach(user, traffic);
        return g;
    }

    /** Hands {@code g} back to the pool (if any); returns null for the caller's field. */
    private StateGraph release(StateGraph g) {
        if (g != null) {
            pool.release(g);
        }
        return null;
    }

    private void release(SelectGraph g) {
        if (g != null) {
            pool.release(g);
        }
    }

    private void releaseState() {
        if (current == null) {
            return;
        }
        for (StateGraph[] set : new StateGraph[][] {current, pending, dense}) {
            for (int i = 0; i < set.length; i++) {
                set[i] = release(set[i]);
            }
        }
        for (int i = 0; i < selector.length; i++) {
            release(selector[i]);
            selector[i] = null;
        }
    }

    /** Hands every graph back to the device's {@link GraphPool}; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        releaseState();
        closed = true;
    }
}
