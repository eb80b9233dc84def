package dev.nanoadam;

import dev.nanoadam.cpu.DenseAdam;
import dev.nanoadam.cpu.WorkerPool;
import dev.nanoadam.spi.SpecMath;
import dev.nanoadam.spi.StepConstants;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * MicroAdam: Modoranu, Safaryan, Malinovsky, Kurtić, Robert, Richtárik and Alistarh, "MicroAdam:
 * Accurate Adaptive Optimization with Low Space Overhead and Provable Convergence" (NeurIPS 2024),
 * Algorithm 1.
 *
 * <p>Each parameter is cut into blocks of {@value #BLOCK} entries (so that an index fits in 16 bits,
 * as the paper stores it). Step {@code t} (0-based), block by block:
 * <ol>
 *   <li>error feedback: {@code a = g + Q⁻¹(e)}, the gradient plus the dequantized error;</li>
 *   <li>top-k: the {@code k_c = clamp(ceil(density * L - 1e-9), 1, L)} entries of largest {@code |a|}
 *       (SPEC.md §4's key and tie order: larger key first, then lower index), stored in ascending
 *       index order as 16-bit block-local indices and bf16 values (SPEC.md §5's rounding) in row
 *       {@code t mod window} of the sliding window;</li>
 *   <li>the selected entries of {@code a} become 0 and the rest is the new error, quantized to 4 bits
 *       per entry in buckets of {@value #BUCKET} entries with the bucket's min and max:
 *       {@code u = (max - min) / 15}, {@code q = clamp(round((a - min) / u), 0, 15)} (0 when u = 0),
 *       {@code Q⁻¹ = min + q*u};</li>
 *   <li>Adam statistics from the window: {@code m̂ = Σ_age (1-β1)β1^age V}, {@code v̂ = Σ_age
 *       (1-β2)β2^age V²} over the {@code min(t+1, window)} rows, newest (age 0) first, each
 *       coefficient computed in double and rounded once to float, the sums in float32;</li>
 *   <li>the update, SPEC.md §6's last lines with {@code tau = t + 1}: {@code d = sqrt(v̂)/bc2 + eps},
 *       {@code w = x - step*(m̂/d)}, where {@code x} is {@code w} times the decoupled decay.</li>
 * </ol>
 * Defaults: density 0.01 and window 10 (the paper's), bucket 64 (the size "Pay Attention to Small
 * Weights" used for its MicroAdam baseline), lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.
 *
 * <p>State bytes per parameter of n entries with {@code K = Σ k_c} selected per step:
 * {@code 4*window*K + ceil(n/2) + 8*ceil(n/64)} (window of 16-bit indices and bf16 values; 4-bit
 * error; float32 min and max per bucket). Runs on all cores of the {@code cpu} worker pool; {@code step()}
 * allocates nothing (its scratch of one block per worker is sized at build time).
 */
public final class MicroAdam extends BaselineOptimizer {
    /** Entries per top-k block; indices within a block fit in 16 bits. */
    public static final int BLOCK = 4096;
    /** Entries per 4-bit quantization bucket of the error. */
    public static final int BUCKET = 64;

    private final double density;
    private final int window;
    private final int[] kFull;      // [param] k_c of a full block
    private final int[] kLast;      // [param] k_c of the last block
    private final int[] kTotal;     // [param] K, entries per window row
    private char[][] indices;       // [param][window*K] block-local indices, row after row
    private short[][] values;       // [param][window*K] bf16 values
    private byte[][] error;         // [param][ceil(n/2)] 4-bit codes, entry 2j in the low nibble of byte j
    private float[][] errorMin;     // [param][ceil(n/64)]
    private float[][] errorMax;     // [param][ceil(n/64)]

    private final int[] unitParam;  // [units] parameter of each block
    private final int[] unitBlock;  // [units] block index within it
    private final float[][] coefM;  // [group][window] (1-β1)β1^age of this step, the group's β1
    private final float[][] coefV;  // [group][window] (1-β2)β2^age
    private final float[][] scratchA;    // [workers][BLOCK] a = g + error
    private final float[][] scratchM;    // [workers][BLOCK] m̂, kept all-zero between uses
    private final float[][] scratchV;    // [workers][BLOCK] v̂, kept all-zero between uses
    private final int[][] scratchHeap;   // [workers][BLOCK] top-k heap, then the selection
    private final boolean[][] scratchMark;   // [workers][BLOCK] selected entries, kept all-false between uses
    private final WorkerPool pool = WorkerPool.shared();
    private final Job job = new Job();

    private MicroAdam(Common c, double density, int window, List<Parameter> parameters,
                      List<ParameterGroup> groups) {
        super(KIND_MICROADAM, c, parameters, groups);
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("density = " + density + ": must be in (0, 1]");
        }
        if (window < 1) {
            throw new IllegalArgumentException("window = " + window + ": must be >= 1");
        }
        this.density = density;
        this.window = window;
        int count = params.length;
        kFull = new int[count];
        kLast = new int[count];
        kTotal = new int[count];
        indices = new char[count][];
        values = new short[count][];
        error = new byte[count][];
        errorMin = new float[count][];
        errorMax = new float[count][];
        int units = 0;
        for (int i = 0; i < count; i++) {
            int n = params[i].size();
            kFull[i] = n == 0 ? 0 : SpecMath.chunkK(density, Math.min(BLOCK, n));
            kLast[i] = n == 0 ? 0 : SpecMath.chunkK(density, n - (blocks(n) - 1) * BLOCK);
            kTotal[i] = (int) selected(n, density);
            indices[i] = new char[window * kTotal[i]];
            values[i] = new short[window * kTotal[i]];
            error[i] = new byte[(n + 1) / 2];
            errorMin[i] = new float[buckets(n)];
            errorMax[i] = new float[buckets(n)];
            units += blocks(n);
        }
        unitParam = new int[units];
        unitBlock = new int[units];
        int u = 0;
        for (int i = 0; i < count; i++) {
            for (int b = 0; b < blocks(params[i].size()); b++) {
                unitParam[u] = i;
                unitBlock[u] = b;
                u++;
            }
        }
        coefM = new float[this.groups.length][window];
        coefV = new float[this.groups.length][window];
        int workers = pool.size();
        scratchA = new float[workers][BLOCK];
        scratchM = new float[workers][BLOCK];
        scratchV = new float[workers][BLOCK];
        scratchHeap = new int[workers][BLOCK];
        scratchMark = new boolean[workers][BLOCK];
    }

    private static int blocks(int n) {
        return (n + BLOCK - 1) / BLOCK;
    }

    private static int buckets(int n) {
        return (n + BUCKET - 1) / BUCKET;
    }

    /** K: entries selected per step in a parameter of {@code n} entries. */
    static long selected(int n, double density) {
        if (n == 0) {
            return 0;
        }
        int blocks = blocks(n);
        return (long) (blocks - 1) * SpecMath.chunkK(density, Math.min(BLOCK, n))
                + SpecMath.chunkK(density, n - (blocks - 1) * BLOCK);
    }

    /** State bytes of one parameter of {@code n} entries: see the class comment. */
    public static long stateBytesOf(int n, double density, int window) {
        return 4L * window * selected(n, density) + (n + 1L) / 2 + 8L * buckets(n);
    }

    /** A new builder with the paper's defaults (density 0.01, window 10). */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public long stateBytes() {
        ensureOpen();
        long bytes = 0;
        for (Parameter p : params) {
            bytes += stateBytesOf(p.size(), density, window);
        }
        return bytes;
    }

    @Override
    public long allocatedStateBytes() {
        ensureOpen();
        long bytes = 0;
        for (int i = 0; i < params.length; i++) {
            bytes += 2L * indices[i].length + 2L * values[i].length + error[i].length
                    + 4L * (errorMin[i].length + errorMax[i].length);
        }
        return bytes;
    }

    /** The dequantized error feedback of a parameter (a copy). */
    public float[] error(Parameter p) {
        ensureOpen();
        int i = params.length;
        for (int j = 0; j < params.length; j++) {
            if (params[j] == p) {
                i = j;
            }
        }
        if (i == params.length) {
            throw new IllegalArgumentException("parameter '" + (p == null ? null : p.name())
                    + "' does not belong to this optimizer");
        }
        float[] e = new float[p.size()];
        for (int j = 0; j < e.length; j++) {
            e[j] = errorAt(i, j);
        }
        return e;
    }

    private float errorAt(int i, int p) {
        int q = (error[i][p >>> 1] >>> ((p & 1) * 4)) & 0xF;
        float lo = errorMin[i][p / BUCKET];
        float hi = errorMax[i][p / BUCKET];
        float u = (hi - lo) / 15f;
        return lo + q * u;
    }

    @Override
    void update() {
        int rows = (int) Math.min(t + 1, window);
        for (Group g : groups) {
            for (int age = 0; age < rows; age++) {
                coefM[g.index][age] = (float) ((1.0 - g.beta1) * g.beta1Power.of(age));
                coefV[g.index][age] = (float) ((1.0 - g.beta2) * g.beta2Power.of(age));
            }
        }
        int units = unitParam.length;
        pool.run(pool.tasksFor(units, 1, units), job);
    }

    private final class Job implements WorkerPool.Job {
        @Override
        public void run(int task, int worker) {
            int units = unitParam.length;
            int tasks = pool.tasksFor(units, 1, units);
            int from = (int) ((long) task * units / tasks);
            int to = (int) ((long) (task + 1) * units / tasks);
            for (int u = from; u < to; u++) {
                block(unitParam[u], unitBlock[u], worker);
            }
        }
    }

    /** Algorithm 1 on block b of parameter i. */
    private void block(int i, int b, int worker) {
        Parameter p = params[i];
        float[] w = p.data();
        float[] g = p.grad();
        int n = p.size();
        int base = b * BLOCK;
        int length = Math.min(BLOCK, n - base);
        boolean last = base + length == n;
        int k = last ? kLast[i] : kFull[i];
        int K = kTotal[i];
        float[] a = scratchA[worker];
        float[] mh = scratchM[worker];
        float[] vh = scratchV[worker];
        int[] sel = scratchHeap[worker];

        // 1. error feedback, bucket by bucket: errorAt's arithmetic with the bucket's step hoisted
        byte[] codes = error[i];
        for (int s = 0; s < length; s += BUCKET) {
            int end = Math.min(length, s + BUCKET);
            float lo = errorMin[i][(base + s) / BUCKET];
            float u = (errorMax[i][(base + s) / BUCKET] - lo) / 15f;
            for (int j = s; j < end; j++) {
                int at = base + j;
                int q = (codes[at >>> 1] >>> ((at & 1) * 4)) & 0xF;
                a[j] = g[at] + (lo + q * u);
            }
        }
        // 2. top-k of |a|, then ascending order; into row t mod window
        topK(a, length, k, sel);
        ascending(sel, k, scratchMark[worker]);
        int row = (int) (t % window);
        int at = row * K + b * kFull[i];
        char[] ix = indices[i];
        short[] vals = values[i];
        for (int e = 0; e < k; e++) {
            ix[at + e] = (char) sel[e];
            vals[at + e] = SpecMath.bf16(a[sel[e]]);
            a[sel[e]] = 0f;
        }
        // 3. the rest is the new error, 4 bits per entry
        quantizeError(i, base, a, length);
        // 4. Adam statistics from the window, newest row first
        int rows = (int) Math.min(t + 1, window);
        for (int age = 0; age < rows; age++) {
            int r = (int) Math.floorMod(t - age, (long) window);
            int start = r * K + b * kFull[i];
            float cm = coefM[groupOf[i]][age];
            float cv = coefV[groupOf[i]][age];
            for (int e = 0; e < k; e++) {
                int j = ix[start + e];
                float v = SpecMath.bf16ToFloat(vals[start + e]);
                mh[j] = mh[j] + cm * v;
                vh[j] = vh[j] + cv * (v * v);
            }
        }
        // 5. the update (SPEC.md §6's last lines), every entry: an untouched one gets m̂ = 0
        DenseAdam.applyMoments(w, base, mh, vh, length, constants(i));
    }

    /**
     * The k entries of largest {@code |a|} among the first {@code length}: SPEC.md §4's key, larger
     * first, ties to the lower index. A heap of the k best so far with the worst on top; scanning in
     * ascending index, a later entry with an equal key never displaces an earlier one.
     */
    static void topK(float[] a, int length, int k, int[] heap) {
        int size = 0;
        for (int j = 0; j < length; j++) {
            int key = SpecMath.magnitudeKey(a[j]);
            if (size < k) {
                heap[size] = j;
                siftUp(a, heap, size++);
            } else if (key > SpecMath.magnitudeKey(a[heap[0]])) {
                heap[0] = j;
                siftDown(a, heap, k);
            }
        }
    }

    /** Puts the k selected indices in ascending order (a scan of marks: allocation-free, O(block)). */
    private static void ascending(int[] sel, int k, boolean[] mark) {
        int max = 0;
        for (int e = 0; e < k; e++) {
            mark[sel[e]] = true;
            max = Math.max(max, sel[e]);
        }
        int e = 0;
        for (int j = 0; j <= max && e < k; j++) {
            if (mark[j]) {
                sel[e++] = j;
                mark[j] = false;
            }
        }
    }

    /** True when entry x ranks below entry y (smaller key, or equal key and higher index). */
    private static boolean worse(float[] a, int x, int y) {
        int kx = SpecMath.magnitudeKey(a[x]);
        int ky = SpecMath.magnitudeKey(a[y]);
        return kx < ky || (kx == ky && x > y);
    }

    private static void siftUp(float[] a, int[] heap, int at) {
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (!worse(a, heap[at], heap[parent])) {
                return;
            }
            int s = heap[at];
            heap[at] = heap[parent];
            heap[parent] = s;
            at = parent;
        }
    }

    private static void siftDown(float[] a, int[] heap, int size) {
        int at = 0;
        while (true) {
            int l = 2 * at + 1;
            if (l >= size) {
                return;
            }
            int worst = l;
            if (l + 1 < size && worse(a, heap[l + 1], heap[l])) {
                worst = l + 1;
            }
            if (!worse(a, heap[worst], heap[at])) {
                return;
            }
            int s = heap[at];
            heap[at] = heap[worst];
            heap[worst] = s;
            at = worst;
        }
    }

    private void quantizeError(int i, int base, float[] a, int length) {
        byte[] codes = error[i];
        for (int s = 0; s < length; s += BUCKET) {
            int end = Math.min(length, s + BUCKET);
            float lo = a[s];
            float hi = a[s];
            for (int j = s + 1; j < end; j++) {
                lo = Math.min(lo, a[j]);
                hi = Math.max(hi, a[j]);
            }
            float u = (hi - lo) / 15f;
            for (int j = s; j < end; j++) {
                int q = u > 0f ? Math.clamp(Math.round((a[j] - lo) / u), 0, 15) : 0;
                int p = base + j;
                int shift = (p & 1) * 4;
                codes[p >>> 1] = (byte) ((codes[p >>> 1] & ~(0xF << shift)) | (q << shift));
            }
            errorMin[i][(base + s) / BUCKET] = lo;
            errorMax[i][(base + s) / BUCKET] = hi;
        }
    }

    // ---- checkpoint ------------------------------------------------------------------------------

    @Override
    void writeState(DataOutputStream out) throws IOException {
        out.writeDouble(density);
        out.writeInt(window);
        out.writeInt(BLOCK);
        out.writeInt(BUCKET);
        for (int i = 0; i < params.length; i++) {
            StateFile.writeChars(out, indices[i]);
            StateFile.writeShorts(out, values[i]);
            StateFile.writeBytes(out, error[i]);
            StateFile.writeFloats(out, errorMin[i]);
            StateFile.writeFloats(out, errorMax[i]);
        }
    }

    @Override
    Runnable readState(StateFile.Reader in) throws IOException {
        double d = in.readDouble();
        int wnd = in.readInt();
        int block = in.readInt();
        int bucket = in.readInt();
        if (d != density || wnd != window || block != BLOCK || bucket != BUCKET) {
            throw in.fail("was saved with density " + d + ", window " + wnd + ", block " + block + ", bucket " + bucket
                    + "; this optimizer has density " + density + ", window " + window + ", block " + BLOCK
                    + ", bucket " + BUCKET);
        }
        int count = params.length;
        char[][] ix = new char[count][];
        short[][] vals = new short[count][];
        byte[][] err = new byte[count][];
        float[][] lo = new float[count][];
        float[][] hi = new float[count][];
        for (int i = 0; i < count; i++) {
            int n = params[i].size();
            String name = "'" + params[i].name() + "'";
            ix[i] = in.readChars(window * kTotal[i], "window indices of " + name);
            vals[i] = in.readShorts(window * kTotal[i], "window values of " + name);
            err[i] = in.readBytes((n + 1) / 2, "error of " + name);
            lo[i] = in.readFloats(buckets(n), "error minima of " + name);
            hi[i] = in.readFloats(buckets(n), "error maxima of " + name);
            for (int r = 0; r < window; r++) {
                for (int b = 0; b < blocks(n); b++) {
                    int length = Math.min(BLOCK, n - b * BLOCK);
                    int k = b == blocks(n) - 1 ? kLast[i] : kFull[i];
                    for (int e = 0; e < k; e++) {
                        int j = ix[i][r * kTotal[i] + b * kFull[i] + e];
                        if (j >= length) {
                            throw in.fail("window index " + j + " of " + name + " (row " + r + ", block " + b
                                    + ") is outside its block of " + length);
                        }
                    }
                }
            }
        }
        return () -> {
            indices = ix;
            values = vals;
            error = err;
            errorMin = lo;
            errorMax = hi;
        };
    }

    @Override
    String how(int i) {
        return "K = " + kTotal[i] + " of " + params[i].size() + " per step, window " + window;
    }

    @Override
    long stateBytes(int i) {
        return stateBytesOf(params[i].size(), density, window);
    }

    @Override
    public String toString() {
        return "MicroAdam[cpu, t=" + t + ", density=" + density + ", window=" + window + ", parameters="
                + params.length + "]";
    }

    /** Builds {@link MicroAdam} optimizers; reusable, each {@code build} validates every field. */
    public static final class Builder extends CommonBuilder<Builder> {
        private double density = 0.01;
        private int window = 10;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** Share of each block's entries selected per step, in (0, 1] (default 0.01). */
        public Builder density(double density) { this.density = density; return this; }
        /** Sliding-window length m, >= 1 (default 10). */
        public Builder window(int window) { this.window = window; return this; }

        /** Builds over every parameter, one group. */
        public MicroAdam build(List<Parameter> parameters) {
            return new MicroAdam(c, density, window, flatten(groups, parameters), List.of());
        }

        /** Builds over the groups added with {@link #group}, in that order. */
        public MicroAdam build() {
            List<ParameterGroup> g = requireGroups();
            return new MicroAdam(c, density, window, flatten(g, null), g);
        }
    }
}
