package dev.nanoadam.cpu;

import dev.nanoadam.Criterion;
import dev.nanoadam.StateType;
import dev.nanoadam.spi.Layout;
import dev.nanoadam.spi.Selection;
import dev.nanoadam.spi.SpecMath;
import dev.nanoadam.spi.StepConstants;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code "cpu"}: SPEC.md's kernels on the Vector API and all cores, bit-identical to
 * {@link ScalarBackend}. Lanewise add, subtract, multiply, divide and sqrt round exactly as scalar
 * Java does, and no FMA is used, so only the loop structure differs from the oracle; loop tails go
 * through the oracle's own routine.
 *
 * <p>Selection (§4) is a radix select on the 31-bit keys of each chunk: a 9-bit histogram of all
 * keys, then 8-bit histograms over the few candidates in the threshold's bin, then one vectorised
 * compaction that writes every index whose key is below the threshold and the lowest-index ties.
 * The weights are read once; the rest runs in a per-thread scratch of one chunk.
 *
 * <p>Masked update (§6): the non-finite check gathers the step's K gradients into a compact buffer
 * ({@code staged}); the update then gathers K weights block by block, runs the vector kernel on the
 * compact data and scatters the weights back.
 *
 * <p>The vector width is chosen once per JVM by {@code -Dnanoadam.cpu.vectorBits} ({@code 64},
 * {@code 128}, {@code 256}, {@code 512}, or {@code scalar} to force every loop through the scalar
 * tail); by default the CPU's preferred width.
 */
public final class VectorBackend extends HostBackend {
    static final boolean SCALAR;
    static final VectorSpecies<Float> F;
    static final VectorSpecies<Integer> I;

    static {
        String bits = System.getProperty("nanoadam.cpu.vectorBits", "preferred");
        SCALAR = bits.equals("scalar");
        F = switch (bits) {
            case "preferred", "scalar" -> FloatVector.SPECIES_PREFERRED;
            case "64" -> FloatVector.SPECIES_64;
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException(
                    "nanoadam.cpu.vectorBits = " + bits + ": must be 64, 128, 256, 512, scalar or preferred");
        };
        I = VectorSpecies.of(int.class, F.vectorShape());
    }

    private static final int LEVEL1_SHIFT = 22;   // the first radix level looks at key bits 30..22
    private static final int HIST1 = 1 << 9;      // its bins
    private static final int SMALL = 32;          // candidates sorted directly below this count
    private static final int BLOCK = 1024;        // mask entries gathered per block in the update
    private static final int MIN_TASK = 1 << 15;  // elements below which a job runs on one thread

    private final WorkerPool pool = WorkerPool.shared();
    private final int workers = pool.size();
    private final int maxTasks = workers * 4;

    // Per-worker scratch, [worker][...].
    private int[][] keys;        // [C] selection keys of one chunk
    private int[][] candidates;  // [C] candidate keys near the threshold
    private int[][] candidateIndex; // [C + lanes] their chunk-local indices (bracket path)
    private int[][] definiteIndex;  // [C + lanes] indices certainly in the mask (bracket path)
    private int[][] keys2;       // [C] a copy of the candidate keys that kthSmallest reorders
    private int[] guess;         // [worker] threshold key of the worker's previous chunk, or -1
    private int[] width;         // [worker] half-width of the bracket around the guess
    private int[][] hist;        // [4 * HIST1] four interleaved level-1 histograms; later levels reuse it
    private float[][] wBlock;    // [BLOCK] gathered weights
    private float[][] gBlock;    // [BLOCK] gathered gradients when the step was not checked
    private float[][] mBlock;    // [BLOCK] widened BF16 m
    private float[][] vBlock;    // [BLOCK] widened BF16 v
    // Per SPARSE parameter: the gradients the check gathered, in mask order; capacity >= K.
    private float[][] staged;
    private final int[] taskBad = new int[maxTasks];   // first bad flat index found by each task, or -1

    private final SelectJob selectJob = new SelectJob();
    private final SparseCheckJob sparseCheckJob = new SparseCheckJob();
    private final SparseUpdateJob sparseUpdateJob = new SparseUpdateJob();
    private final DenseCheckJob denseCheckJob = new DenseCheckJob();
    private final DenseUpdateJob denseUpdateJob = new DenseUpdateJob();

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "cpu (Vector API " + (SCALAR ? "forced scalar" : F.vectorBitSize() + "-bit") + ", " + workers
                + " threads)";
    }

    @Override
    public void init(Layout layout) {
        super.init(layout);
        int c = layout.chunkSize();
        keys = new int[workers][c];
        candidates = new int[workers][c + I.length()];
        candidateIndex = new int[workers][c + I.length()];
        definiteIndex = new int[workers][c + I.length()];
        keys2 = new int[workers][c];
        guess = new int[workers];
        width = new int[workers];
        hist = new int[workers][4 * HIST1];
        wBlock = new float[workers][BLOCK];
        gBlock = new float[workers][BLOCK];
        mBlock = new float[workers][BLOCK];
        vBlock = new float[workers][BLOCK];
        staged = new float[layout.sparseCount()][0];
    }

    private static int tasksFor(long work, int limit, int maxTasks) {
        long t = Math.min(work / MIN_TASK, Math.min(limit, maxTasks));
        return (int) Math.max(1, t);
    }

    // ---- §4 selection ----------------------------------------------------------------------------

    @Override
    public void select(int s, float[] w, float[] g, Selection sel) {
        char[] out = pendingFor(s, sel);
        if (staged[s].length < sel.total()) {
            staged[s] = new float[sel.total()];
        }
        int chunks = chunks(s);
        if (chunks == 0) {
            return;
        }
        SelectJob job = selectJob;
        job.set(s, w, g, sel, out, chunks);
        pool.run(job.tasks, job);
    }

    private final class SelectJob implements WorkerPool.Job {
        int s;
        float[] w;
        float[] g;
        Selection sel;
        char[] out;
        int chunks;
        int tasks;

        void set(int s, float[] w, float[] g, Selection sel, char[] out, int chunks) {
            this.s = s;
            this.w = w;
            this.g = g;
            this.sel = sel;
            this.out = out;
            this.chunks = chunks;
            this.tasks = tasksFor(sparseN[s], chunks, maxTasks);
        }

        @Override
        public void run(int task, int worker) {
            int c0 = (int) ((long) task * chunks / tasks);
            int c1 = (int) ((long) (task + 1) * chunks / tasks);
            int n = sparseN[s];
            guess[worker] = -1;
            width[worker] = 1 << 18;
            for (int c = c0; c < c1; c++) {
                int lo = c * chunk;
                int length = Math.min(chunk, n - lo);
                int kc = sel.kOf(c, chunks);
                selectChunk(w, g, sel, lo, length, kc, out, c * sel.kFull(), worker);
            }
        }
    }

    private void selectChunk(float[] w, float[] g, Selection sel, int lo, int length, int kc, char[] out, int o,
                             int worker) {
        if (kc == length) {
            for (int i = 0; i < length; i++) {
                out[o + i] = (char) i;
            }
            return;
        }
        int[] key = keys[worker];
        computeKeys(sel, w, g, lo, length, key);
        if (guess[worker] >= 0 && bracketSelect(key, length, kc, out, o, worker)) {
            return;
        }
        int threshold = histogramSelect(key, length, kc, out, o, worker);
        guess[worker] = threshold;
    }

    /**
     * The fast path: neighbouring chunks of a tensor have similar thresholds, so one vector pass
     * writes every index whose key is below {@code guess - width} straight to the mask and keeps
     * the few keys inside {@code [guess - width, guess + width]} as candidates. When the K_c-th key
     * falls among them (nearly always), it is found among the candidates and the two sorted index
     * lists are merged; otherwise returns false and the histogram path runs. The result is exact
     * either way; the guess only decides how fast.
     */
    private boolean bracketSelect(int[] key, int length, int kc, char[] out, int o, int worker) {
        int t = guess[worker];
        int delta = width[worker];
        int lo = (int) Math.max(0L, (long) t - delta);
        int hi = (int) Math.min(SpecMath.MAX_KEY, (long) t + delta);
        int[] ck = candidates[worker];
        int[] ci = candidateIndex[worker];
        int[] def = definiteIndex[worker];
        int definite = 0;
        int nc = 0;
        int i = 0;
        if (!SCALAR) {
            int bound = I.loopBound(length);
            IntVector idx = IntVector.zero(I).addIndex(1);
            IntVector step = IntVector.broadcast(I, I.length());
            for (; i < bound; i += I.length(), idx = idx.add(step)) {
                IntVector k = IntVector.fromArray(I, key, i);
                VectorMask<Integer> below = k.compare(VectorOperators.LT, lo);
                VectorMask<Integer> inside = k.compare(VectorOperators.LE, hi).andNot(below);
                int nb = below.trueCount();
                if (definite + nb > kc) {
                    width[worker] = widen(delta);
                    return false;
                }
                idx.compress(below).intoArray(def, definite);
                definite += nb;
                if (inside.anyTrue()) {
                    idx.compress(inside).intoArray(ci, nc);
                    k.compress(inside).intoArray(ck, nc);
                    nc += inside.trueCount();
                }
            }
        }
        for (; i < length; i++) {
            int x = key[i];
            if (x < lo) {
                if (definite == kc) {
                    width[worker] = widen(delta);
                    return false;
                }
                def[definite++] = i;
            } else if (x <= hi) {
                ck[nc] = x;
                ci[nc++] = i;
            }
        }
        if (definite >= kc || kc > definite + nc) {
            width[worker] = widen(delta);
            return false;
        }
        int need = kc - definite;
        int[] scratch = keys2[worker];
        System.arraycopy(ck, 0, scratch, 0, nc);
        int threshold = kthSmallest(scratch, nc, need, hist[worker]);
        int ties = need;
        for (int c = 0; c < nc; c++) {
            if (ck[c] < threshold) {
                ties--;
            }
        }
        // The chosen candidates, in index order, compacted to the front of ci (branch-free).
        int chosen = 0;
        for (int c = 0; c < nc; c++) {
            int x = ck[c];
            int tie = x == threshold && ties > 0 ? 1 : 0;
            ties -= tie;
            ci[chosen] = ci[c];
            chosen += x < threshold ? 1 : tie;
        }
        // Merge the two ascending index lists def[0, definite) and ci[0, chosen) into the mask.
        int a = 0;
        int b = 0;
        for (int dst = o; dst < o + kc; dst++) {
            if (b == chosen || (a < definite && def[a] < ci[b])) {
                out[dst] = (char) def[a++];
            } else {
                out[dst] = (char) ci[b++];
            }
        }
        if (nc > 256) {
            width[worker] = Math.max(1, delta >> 1);
        } else if (nc < 48) {
            width[worker] = widen(delta + (delta >> 1));
        }
        guess[worker] = threshold;
        return true;
    }

    private static int widen(int delta) {
        return (int) Math.min(1 << 30, 2L * delta + 1);
    }

    /**
     * The general path: a 9-bit histogram of all keys (four interleaved copies, so that runs of
     * equal keys do not serialise on one counter) finds the bin of the K_c-th key; its keys are
     * gathered and narrowed down; one vectorised compaction writes the mask. Returns the threshold.
     */
    private int histogramSelect(int[] key, int length, int kc, char[] out, int o, int worker) {
        int[] h = hist[worker];
        Arrays.fill(h, 0, 4 * HIST1, 0);
        int i = 0;
        for (; i + 3 < length; i += 4) {
            h[(key[i] >>> LEVEL1_SHIFT) << 2]++;
            h[((key[i + 1] >>> LEVEL1_SHIFT) << 2) + 1]++;
            h[((key[i + 2] >>> LEVEL1_SHIFT) << 2) + 2]++;
            h[((key[i + 3] >>> LEVEL1_SHIFT) << 2) + 3]++;
        }
        for (; i < length; i++) {
            h[(key[i] >>> LEVEL1_SHIFT) << 2]++;
        }
        int need = kc;
        int bin = 0;
        int inBin;
        while ((inBin = h[4 * bin] + h[4 * bin + 1] + h[4 * bin + 2] + h[4 * bin + 3]) < need) {
            need -= inBin;
            bin++;
        }
        int[] cand = candidates[worker];
        int count = gatherBin(key, length, bin, cand);
        int[] scratch = keys2[worker];
        System.arraycopy(cand, 0, scratch, 0, count);
        int threshold = kthSmallest(scratch, count, need, h);
        int ties = need;
        for (int c = 0; c < count; c++) {
            if (cand[c] < threshold) {
                ties--;
            }
        }
        compact(key, length, threshold, ties, out, o);
        return threshold;
    }

    /**
     * The {@code need}-th smallest (1-based) of {@code a[0, count)}; reorders {@code a}. Each round
     * spreads the keys' current range over 256 bins, keeps the bin holding the answer (branch-free),
     * and stops when few keys or a single value remain.
     */
    private static int kthSmallest(int[] a, int count, int need, int[] h) {
        while (true) {
            if (count <= SMALL) {
                Arrays.sort(a, 0, count);
                return a[need - 1];
            }
            int min = a[0];
            int max = a[0];
            for (int c = 1; c < count; c++) {
                min = Math.min(min, a[c]);
                max = Math.max(max, a[c]);
            }
            if (min == max) {
                return min;
            }
            int shift = Math.max(0, 32 - Integer.numberOfLeadingZeros(max - min) - 8);
            Arrays.fill(h, 0, 256, 0);
            for (int c = 0; c < count; c++) {
                h[(a[c] - min) >>> shift]++;
            }
            int b = 0;
            while (h[b] < need) {
                need -= h[b];
                b++;
            }
            int kept = 0;
            for (int c = 0; c < count; c++) {
                int x = a[c];
                a[kept] = x;
                kept += ((x - min) >>> shift) == b ? 1 : 0;
            }
            count = kept;
        }
    }

    /** Keys of SPEC.md §4, transformed so that the selection is always "the smallest (key, index)". */
    private static void computeKeys(Selection sel, float[] w, float[] g, int lo, int length, int[] key) {
        Criterion c = sel.criterion();
        int i = 0;
        if (!SCALAR && c != Criterion.RANDOM) {
            float[] src = c == Criterion.LARGEST_GRADIENT ? g : w;
            boolean descending = c != Criterion.SMALLEST_MAGNITUDE;
            int bound = I.loopBound(length);
            for (; i < bound; i += I.length()) {
                IntVector abs = FloatVector.fromArray(F, src, lo + i).reinterpretAsInts().and(SpecMath.MAX_KEY);
                IntVector k = abs.blend(SpecMath.MAX_KEY, abs.compare(VectorOperators.GT, SpecMath.EXPONENT_BITS));
                if (descending) {
                    k = k.lanewise(VectorOperators.NEG).add(SpecMath.MAX_KEY);
                }
                k.intoArray(key, i);
            }
        }
        for (; i < length; i++) {
            key[i] = ScalarBackend.selectionKey(sel, w, g, lo + i);
        }
    }

    /** Copies the keys whose bits 30..22 equal {@code bin} into {@code cand}; returns their count. */
    private static int gatherBin(int[] key, int length, int bin, int[] cand) {
        int count = 0;
        int i = 0;
        if (!SCALAR) {
            int bound = I.loopBound(length);
            for (; i < bound; i += I.length()) {
                IntVector k = IntVector.fromArray(I, key, i);
                long bits = k.lanewise(VectorOperators.LSHR, LEVEL1_SHIFT).compare(VectorOperators.EQ, bin).toLong();
                while (bits != 0) {
                    cand[count++] = key[i + Long.numberOfTrailingZeros(bits)];
                    bits &= bits - 1;
                }
            }
        }
        for (; i < length; i++) {
            if (key[i] >>> LEVEL1_SHIFT == bin) {
                cand[count++] = key[i];
            }
        }
        return count;
    }

    /** Writes, in ascending order, every index with key below {@code t} and the first {@code ties} equal to it. */
    private static void compact(int[] key, int length, int t, int ties, char[] out, int o) {
        int j = o;
        int i = 0;
        if (!SCALAR) {
            int bound = I.loopBound(length);
            for (; i < bound; i += I.length()) {
                IntVector k = IntVector.fromArray(I, key, i);
                long bits = k.compare(VectorOperators.LT, t).toLong();
                if (ties > 0) {
                    long eq = k.compare(VectorOperators.EQ, t).toLong();
                    while (eq != 0 && ties > 0) {
                        long lowest = eq & -eq;
                        bits |= lowest;
                        eq ^= lowest;
                        ties--;
                    }
                }
                while (bits != 0) {
                    out[j++] = (char) (i + Long.numberOfTrailingZeros(bits));
                    bits &= bits - 1;
                }
            }
        }
        for (; i < length; i++) {
            int k = key[i];
            if (k < t) {
                out[j++] = (char) i;
            } else if (k == t && ties > 0) {
                out[j++] = (char) i;
                ties--;
            }
        }
    }

    // ---- §7 non-finite check ---------------------------------------------------------------------

    @Override
    public int checkSparse(int s, float[] g, boolean usePending) {
        char[] m = usePending ? pending[s] : mask[s];
        if (m.length == 0) {
            return -1;
        }
        SparseCheckJob job = sparseCheckJob;
        job.set(s, g, m, usePending ? pendingKFull[s] : kFull[s], usePending ? pendingKLast[s] : kLast[s]);
        pool.run(job.tasks, job);
        return firstBad(job.tasks);
    }

    private int firstBad(int tasks) {
        for (int t = 0; t < tasks; t++) {
            if (taskBad[t] >= 0) {
                return taskBad[t];
            }
        }
        return -1;
    }

    private final class SparseCheckJob implements WorkerPool.Job {
        int s;
        float[] g;
        char[] m;
        int full;
        int last;
        int chunks;
        int tasks;

        void set(int s, float[] g, char[] m, int full, int last) {
            this.s = s;
            this.g = g;
            this.m = m;
            this.full = full;
            this.last = last;
            this.chunks = chunks(s);
            this.tasks = tasksFor(m.length, chunks, maxTasks);
        }

        @Override
        public void run(int task, int worker) {
            int c0 = (int) ((long) task * chunks / tasks);
            int c1 = (int) ((long) (task + 1) * chunks / tasks);
            float[] st = staged[s];
            taskBad[task] = -1;
            for (int c = c0; c < c1; c++) {
                int j0 = c * full;
                int kc = c == chunks - 1 ? last : full;
                int base = c * chunk;
                for (int j = j0; j < j0 + kc; j++) {
                    st[j] = g[base + m[j]];
                }
                int bad = firstNonFinite(st, j0, j0 + kc);
                if (bad >= 0) {
                    taskBad[task] = base + m[bad];
                    return;
                }
            }
        }
    }

    /** First index in [from, to) of a NaN or infinity, or -1. */
    private static int firstNonFinite(float[] a, int from, int to) {
        int i = from;
        if (!SCALAR) {
            int bound = from + F.loopBound(to - from);
            for (; i < bound; i += F.length()) {
                IntVector e = FloatVector.fromArray(F, a, i).reinterpretAsInts().and(SpecMath.EXPONENT_BITS);
                if (e.compare(VectorOperators.EQ, SpecMath.EXPONENT_BITS).anyTrue()) {
                    break;
                }
            }
        }
        for (; i < to; i++) {
            if (SpecMath.nonFinite(a[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int checkDense(int d, float[] g) {
        DenseCheckJob job = denseCheckJob;
        job.set(g, denseN[d]);
        pool.run(job.tasks, job);
        return firstBad(job.tasks);
    }

    private final class DenseCheckJob implements WorkerPool.Job {
        float[] g;
        int n;
        int tasks;

        void set(float[] g, int n) {
            this.g = g;
            this.n = n;
            this.tasks = tasksFor(n, Integer.MAX_VALUE, maxTasks);
        }

        @Override
        public void run(int task, int worker) {
            int lo = (int) ((long) task * n / tasks);
            int hi = (int) ((long) (task + 1) * n / tasks);
            taskBad[task] = firstNonFinite(g, lo, hi);
        }
    }

    // ---- §5 remap keeps the staged buffer large enough -------------------------------------------

    @Override
    public void writeSparse(int s, char[] newMask, int full, int last, float[] m, float[] v) {
        super.writeSparse(s, newMask, full, last, m, v);
        if (staged[s].length < newMask.length) {
            staged[s] = new float[newMask.length];
        }
    }

    // ---- §6 update ---------------------------------------------------------------------------------

    @Override
    public void updateSparse(int s, float[] w, float[] g, StepConstants k, boolean checked) {
        if (mask[s].length == 0) {
            return;
        }
        SparseUpdateJob job = sparseUpdateJob;
        job.set(s, w, g, k, checked);
        pool.run(job.tasks, job);
    }

    private final class SparseUpdateJob implements WorkerPool.Job {
        int s;
        float[] w;
        float[] g;
        StepConstants k;
        boolean checked;
        int chunks;
        int tasks;

        void set(int s, float[] w, float[] g, StepConstants k, boolean checked) {
            this.s = s;
            this.w = w;
            this.g = g;
            this.k = k;
            this.checked = checked;
            this.chunks = chunks(s);
            this.tasks = tasksFor(mask[s].length, chunks, maxTasks);
        }

        @Override
        public void run(int task, int worker) {
            int c0 = (int) ((long) task * chunks / tasks);
            int c1 = (int) ((long) (task + 1) * chunks / tasks);
            char[] m = mask[s];
            int full = kFull[s];
            for (int c = c0; c < c1; c++) {
                int j0 = c * full;
                int kc = c == chunks - 1 ? kLast[s] : full;
                int base = c * chunk;
                for (int b = 0; b < kc; b += BLOCK) {
                    update(m, base, j0 + b, Math.min(BLOCK, kc - b), worker);
                }
            }
        }

        /** Mask entries {@code j .. j+len} of one chunk starting at flat index {@code base}. */
        private void update(char[] m, int base, int j, int len, int worker) {
            float[] wb = wBlock[worker];
            for (int i = 0; i < len; i++) {
                wb[i] = w[base + m[j + i]];
            }
            float[] gs = staged[s];
            int go = j;
            if (!checked) {
                gs = gBlock[worker];
                go = 0;
                for (int i = 0; i < len; i++) {
                    gs[i] = g[base + m[j + i]];
                }
            }
            if (stateType == StateType.FP32) {
                adam(wb, 0, gs, go, sparseM32[s], sparseV32[s], j, len, k);
            } else {
                float[] mb = mBlock[worker];
                float[] vb = vBlock[worker];
                short[] m16 = sparseM16[s];
                short[] v16 = sparseV16[s];
                for (int i = 0; i < len; i++) {
                    mb[i] = SpecMath.bf16ToFloat(m16[j + i]);
                    vb[i] = SpecMath.bf16ToFloat(v16[j + i]);
                }
                adam(wb, 0, gs, go, mb, vb, 0, len, k);
                for (int i = 0; i < len; i++) {
                    m16[j + i] = SpecMath.bf16(mb[i]);
                    v16[j + i] = SpecMath.bf16(vb[i]);
                }
            }
            for (int i = 0; i < len; i++) {
                w[base + m[j + i]] = wb[i];
            }
        }
    }

    @Override
    public void updateDense(int d, float[] w, float[] g, StepConstants k, boolean checked) {
        DenseUpdateJob job = denseUpdateJob;
        job.set(d, w, g, k);
        pool.run(job.tasks, job);
    }

    private final class DenseUpdateJob implements WorkerPool.Job {
        int d;
        float[] w;
        float[] g;
        StepConstants k;
        int n;
        int tasks;

        void set(int d, float[] w, float[] g, StepConstants k) {
            this.d = d;
            this.w = w;
            this.g = g;
            this.k = k;
            this.n = denseN[d];
            this.tasks = tasksFor(n, Integer.MAX_VALUE, maxTasks);
        }

        @Override
        public void run(int task, int worker) {
            int lo = (int) ((long) task * n / tasks);
            int hi = (int) ((long) (task + 1) * n / tasks);
            if (stateType == StateType.FP32) {
                adam(w, lo, g, lo, denseM32[d], denseV32[d], lo, hi - lo, k);
                return;
            }
            float[] mb = mBlock[worker];
            float[] vb = vBlock[worker];
            short[] m16 = denseM16[d];
            short[] v16 = denseV16[d];
            for (int b = lo; b < hi; b += BLOCK) {
                int len = Math.min(BLOCK, hi - b);
                for (int i = 0; i < len; i++) {
                    mb[i] = SpecMath.bf16ToFloat(m16[b + i]);
                    vb[i] = SpecMath.bf16ToFloat(v16[b + i]);
                }
                adam(w, b, g, b, mb, vb, 0, len, k);
                for (int i = 0; i < len; i++) {
                    m16[b + i] = SpecMath.bf16(mb[i]);
                    v16[b + i] = SpecMath.bf16(vb[i]);
                }
            }
        }
    }

    /**
     * SPEC.md §6 on {@code len} consecutive elements: weights {@code w[wo..]}, gradients
     * {@code g[go..]}, float32 moments {@code m[mo..]}, {@code v[mo..]}. One method, so the JIT keeps
     * every vector in registers; no FMA.
     */
    static void adam(float[] w, int wo, float[] g, int go, float[] m, float[] v, int mo, int len, StepConstants k) {
        int i = 0;
        if (!SCALAR) {
            FloatVector b1 = FloatVector.broadcast(F, k.b1());
            FloatVector b2 = FloatVector.broadcast(F, k.b2());
            FloatVector c1 = FloatVector.broadcast(F, k.c1());
            FloatVector c2 = FloatVector.broadcast(F, k.c2());
            FloatVector bc2 = FloatVector.broadcast(F, k.bc2());
            FloatVector eps = FloatVector.broadcast(F, k.eps());
            FloatVector step = FloatVector.broadcast(F, k.stepSize());
            FloatVector decay = FloatVector.broadcast(F, k.decay());
            boolean decayOn = k.decayOn();
            int bound = F.loopBound(len);
            for (; i < bound; i += F.length()) {
                FloatVector gv = FloatVector.fromArray(F, g, go + i);
                FloatVector x = FloatVector.fromArray(F, w, wo + i);
                if (decayOn) {
                    x = x.mul(decay);
                }
                FloatVector m1 = b1.mul(FloatVector.fromArray(F, m, mo + i)).add(c1.mul(gv));
                FloatVector v1 = b2.mul(FloatVector.fromArray(F, v, mo + i)).add(c2.mul(gv.mul(gv)));
                FloatVector den = v1.sqrt().div(bc2).add(eps);
                x.sub(step.mul(m1.div(den))).intoArray(w, wo + i);
                m1.intoArray(m, mo + i);
                v1.intoArray(v, mo + i);
            }
        }
        for (; i < len; i++) {
            ScalarBackend.updateFp32(w, wo + i, g, go + i, m, v, mo + i, k);
        }
    }
}
