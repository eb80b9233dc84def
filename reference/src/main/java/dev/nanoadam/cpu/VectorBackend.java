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
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code "cpu"}: SPEC.md's kernels on the Vector API and all cores, bit-identical to
 * {@link ScalarBackend}. Lanewise add, subtract, multiply, divide and sqrt round exactly as scalar
 * Java does, and no FMA is used, so only the loop structure differs from the oracle; loop tails go
 * through the oracle's own routine.
 *
 * <p>Selection (§4), chunk by chunk on every core: the keys of a chunk are computed into a
 * per-thread scratch; neighbouring chunks have similar thresholds, so one branch-free vector pass
 * counts the keys below a bracket around the previous chunk's threshold and compresses the few
 * inside it into a candidate list, the K_c-th key is found among the candidates by a small radix
 * select, and one vector compression writes the mask. When the threshold falls outside the
 * bracket (the bracket widens and narrows to keep it rare), a 9-bit histogram of all keys finds
 * the threshold's bin instead. The weights are read once; the rest runs in the scratch.
 *
 * <p>Masked update (§6): the non-finite check loads the step's K gradients into a compact buffer
 * ({@code staged}) and checks it with vector compares; the update then loads the weights by the
 * mask, block by block, runs the vector kernel on them with the compact gradients and moments, and
 * stores the weights back. How the masked entries are loaded and stored ({@link MaskedAccess}:
 * scalar loads and stores, or vector gathers and scatters) is chosen once per JVM by
 * {@code -Dnanoadam.cpu.maskedAccess} and shown by {@link #description()}.
 *
 * <p>The vector width is chosen once per JVM by {@code -Dnanoadam.cpu.vectorBits} ({@code 64},
 * {@code 128}, {@code 256}, {@code 512}, or {@code scalar} to force every loop through the scalar
 * tail); by default the CPU's preferred width.
 */
public final class VectorBackend extends HostBackend {
    static final boolean SCALAR;
    static final VectorSpecies<Float> F;
    static final VectorSpecies<Integer> I;
    /** Shorts, as many lanes as I (except at 64 bits): the mask's 16-bit indices, widened by {@link MaskedCopy#widen}. */
    static final VectorSpecies<Short> HALF;

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
        HALF = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 2)));
    }

    private static final int LEVEL1_SHIFT = 22;   // the first radix level looks at key bits 30..22
    private static final int HIST1 = 1 << 9;      // its bins
    private static final int SMALL = 32;          // candidates insertion-sorted at or below this count
    private static final int BLOCK = 1024;        // mask entries gathered per block in the update
    private static final int MIN_TASK = 1 << 15;  // elements below which a job runs on one thread

    private final WorkerPool pool = WorkerPool.shared();
    private final int workers = pool.size();
    private final int maxTasks = workers * 4;   // the most tasks WorkerPool.tasksFor hands out

    // Per-worker scratch, [worker][...].
    private int[][] keys;        // [C] selection keys of one chunk
    private int[][] candidates;  // [C] candidate keys near the threshold
    private int[][] maskInts;  // [C + lanes] the chunk's mask as ints, before narrowing to char
    private int[][] keys2;       // [C] a copy of the candidate keys that kthSmallest reorders
    private int[] guess;         // [worker] threshold key of the worker's previous chunk, or -1
    private int[] width;         // [worker] half-width of the bracket around the guess
    private int[][] hist;        // [4 * HIST1] four interleaved level-1 histograms; later levels reuse it
    private int[][] flat;        // [BLOCK] chunk-local mask indices of one block, widened for gathers
    private float[][] mBlock;    // [BLOCK] widened BF16 m
    private float[][] vBlock;    // [BLOCK] widened BF16 v
    private float[][] wBlock;    // [BLOCK] the masked weights of one block (staged access)
    private float[][] gBlock;    // [BLOCK] the masked gradients of one block (staged access, unchecked)
    // Per SPARSE parameter: the gradients the check gathered, in mask order; capacity >= K.
    private float[][] staged;
    private final int[] taskBad = new int[maxTasks];   // first bad flat index found by each task, or -1

    private final SelectJob selectJob = new SelectJob();
    private final SparseCheckJob sparseCheckJob = new SparseCheckJob();
    private final SparseUpdateJob sparseUpdateJob = new SparseUpdateJob();
    private final DenseCheckJob denseCheckJob = new DenseCheckJob();
    private final DenseUpdateJob denseUpdateJob = new DenseUpdateJob();
    private final MaskedAccess access;

    /** The backend with the process-wide {@link MaskedAccess#CHOSEN} masked access. */
    public VectorBackend() {
        this(MaskedAccess.CHOSEN);
    }

    /** The backend with the given masked access (tests run every one of them). */
    VectorBackend(MaskedAccess access) {
        this.access = access;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "cpu (Vector API " + (SCALAR ? "forced scalar" : F.vectorBitSize() + "-bit") + ", " + access.label()
                + " masked access, " + workers + " threads)";
    }

    @Override
    public void init(Layout layout) {
        super.init(layout);
        int c = layout.chunkSize();
        keys = new int[workers][c];
        candidates = new int[workers][c + I.length()];
        maskInts = new int[workers][c + I.length()];
        keys2 = new int[workers][c];
        guess = new int[workers];
        width = new int[workers];
        hist = new int[workers][4 * HIST1];
        flat = new int[workers][BLOCK];
        mBlock = new float[workers][BLOCK];
        vBlock = new float[workers][BLOCK];
        wBlock = new float[workers][BLOCK];
        gBlock = new float[workers][BLOCK];
        staged = new float[layout.sparseCount()][0];
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
            this.tasks = pool.tasksFor(sparseN[s], MIN_TASK, chunks);
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
     * counts the keys below {@code guess - width} and keeps the few inside
     * {@code [guess - width, guess + width]} as candidates. When the K_c-th key falls among them
     * (nearly always), it is found among the candidates and one compaction writes the mask;
     * otherwise returns false and the histogram path runs. The result is exact either way; the
     * guess only decides how fast.
     */
    private boolean bracketSelect(int[] key, int length, int kc, char[] out, int o, int worker) {
        int t = guess[worker];
        int delta = width[worker];
        int lo = (int) Math.max(0L, (long) t - delta);
        int hi = (int) Math.min(SpecMath.MAX_KEY, (long) t + delta);
        int[] ck = candidates[worker];
        int below = 0;
        int nc = 0;
        int i = 0;
        if (!SCALAR) {
            int bound = I.loopBound(length);
            for (; i < bound; i += I.length()) {
                IntVector k = IntVector.fromArray(I, key, i);
                VectorMask<Integer> under = k.compare(VectorOperators.LT, lo);
                VectorMask<Integer> inside = k.compare(VectorOperators.LE, hi).andNot(under);
                below += under.trueCount();
                // Unconditional: a branch on "any candidate here" would mispredict about half the time.
                k.compress(inside).intoArray(ck, nc);
                nc += inside.trueCount();
            }
        }
        for (; i < length; i++) {
            int x = key[i];
            if (x < lo) {
                below++;
            } else if (x <= hi) {
                ck[nc++] = x;
            }
        }
        if (below >= kc || kc > below + nc) {
            width[worker] = widen(delta);
            return false;
        }
        int need = kc - below;
        int[] scratch = keys2[worker];
        System.arraycopy(ck, 0, scratch, 0, nc);
        int threshold = kthSmallest(scratch, nc, need, hist[worker]);
        // Every key equal to the threshold lies in the bracket, so the candidates tell how many
        // there are; when all of them are taken (the usual case) no tie needs breaking.
        int ties = need;
        int equal = 0;
        for (int c = 0; c < nc; c++) {
            int x = ck[c];
            ties -= x < threshold ? 1 : 0;
            equal += x == threshold ? 1 : 0;
        }
        int limit = threshold;
        if (ties == equal && threshold < SpecMath.MAX_KEY) {
            limit++;
            ties = 0;
        }
        compact(key, length, limit, ties, maskInts[worker], out, o);
        // Keep about 6 to 16 standard deviations of the K_c-th key's rank inside the bracket: wide
        // enough that the next chunk's threshold nearly always falls in it, narrow enough that
        // few candidates are kept.
        double sd = Math.sqrt(kc * (1.0 - (double) kc / length)) + 1;
        if (nc > 16 * sd) {
            width[worker] = Math.max(1, delta >> 1);
        } else if (nc < 6 * sd) {
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
        compact(key, length, threshold, ties, maskInts[worker], out, o);
        return threshold;
    }

    /**
     * The {@code need}-th smallest (1-based) of {@code a[0, count)}; reorders {@code a}. Each round
     * finds the keys' range (vector min and max), spreads it over about one bin per key (16 to 256
     * bins), keeps the bin holding the answer (branch-free), and stops when a single value or few
     * enough keys for an insertion sort remain.
     */
    private static int kthSmallest(int[] a, int count, int need, int[] h) {
        while (true) {
            if (count <= SMALL) {
                for (int i = 1; i < count; i++) {
                    int x = a[i];
                    int j = i - 1;
                    while (j >= 0 && a[j] > x) {
                        a[j + 1] = a[j];
                        j--;
                    }
                    a[j + 1] = x;
                }
                return a[need - 1];
            }
            int min;
            int max;
            int c = 0;
            if (!SCALAR && count >= I.length()) {
                IntVector lo = IntVector.fromArray(I, a, 0);
                IntVector hi = lo;
                int bound = I.loopBound(count);
                for (c = I.length(); c < bound; c += I.length()) {
                    IntVector x = IntVector.fromArray(I, a, c);
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
                min = lo.reduceLanes(VectorOperators.MIN);
                max = hi.reduceLanes(VectorOperators.MAX);
            } else {
                min = a[0];
                max = a[0];
                c = 1;
            }
            for (; c < count; c++) {
                min = Math.min(min, a[c]);
                max = Math.max(max, a[c]);
            }
            if (min == max) {
                return min;
            }
            int bits = Math.max(4, Math.min(8, 32 - Integer.numberOfLeadingZeros(count - 1)));
            int shift = Math.max(0, 32 - Integer.numberOfLeadingZeros(max - min) - bits);
            Arrays.fill(h, 0, 1 << bits, 0);
            for (c = 0; c < count; c++) {
                h[(a[c] - min) >>> shift]++;
            }
            int b = 0;
            while (h[b] < need) {
                need -= h[b];
                b++;
            }
            int kept = 0;
            for (c = 0; c < count; c++) {
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

    /**
     * Writes to {@code out[o..]}, in ascending order, every index whose key is below {@code t} and
     * the first {@code ties} whose key equals it: vector compression into {@code scratch}
     * (capacity {@code length} + one vector), then one narrowing copy.
     */
    private static void compact(int[] key, int length, int t, int ties, int[] scratch, char[] out, int o) {
        int j = 0;
        int i = 0;
        if (!SCALAR) {
            int bound = I.loopBound(length);
            IntVector idx = IntVector.zero(I).addIndex(1);
            IntVector step = IntVector.broadcast(I, I.length());
            for (; i < bound; i += I.length(), idx = idx.add(step)) {
                IntVector k = IntVector.fromArray(I, key, i);
                VectorMask<Integer> take = k.compare(VectorOperators.LT, t);
                if (ties > 0) {
                    long eq = k.compare(VectorOperators.EQ, t).toLong();
                    if (eq != 0) {
                        long bits = take.toLong();
                        while (eq != 0 && ties > 0) {
                            long lowest = eq & -eq;
                            bits |= lowest;
                            eq ^= lowest;
                            ties--;
                        }
                        take = VectorMask.fromLong(I, bits);
                    }
                }
                idx.compress(take).intoArray(scratch, j);
                j += take.trueCount();
            }
        }
        for (; i < length; i++) {
            int k = key[i];
            if (k < t) {
                scratch[j++] = i;
            } else if (k == t && ties > 0) {
                scratch[j++] = i;
                ties--;
            }
        }
        int c = 0;
        if (!SCALAR && HALF.length() == I.length()) {
            int bound = I.loopBound(j);
            for (; c < bound; c += I.length()) {
                ((ShortVector) IntVector.fromArray(I, scratch, c).convertShape(VectorOperators.I2S, HALF, 0))
                        .intoCharArray(out, o + c);
            }
        }
        for (; c < j; c++) {
            out[o + c] = (char) scratch[c];
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
            this.tasks = pool.tasksFor(m.length, MIN_TASK, chunks);
        }

        @Override
        public void run(int task, int worker) {
            int c0 = (int) ((long) task * chunks / tasks);
            int c1 = (int) ((long) (task + 1) * chunks / tasks);
            float[] st = staged[s];
            int[] ix = flat[worker];
            taskBad[task] = -1;
            for (int c = c0; c < c1; c++) {
                int j0 = c * full;
                int kc = c == chunks - 1 ? last : full;
                int base = c * chunk;
                for (int b = 0; b < kc; b += BLOCK) {
                    int j = j0 + b;
                    int len = Math.min(BLOCK, kc - b);
                    int bad;
                    if (access == MaskedAccess.STAGED) {
                        bad = loadChecked(g, base, m, j, len, st);
                    } else {
                        MaskedCopy.widen(m, j, len, ix);
                        bad = gatherChecked(g, base, ix, len, st, j);
                    }
                    if (bad >= 0) {
                        taskBad[task] = base + m[j + bad];
                        return;
                    }
                }
            }
        }
    }

    /**
     * Gathers {@code g[base + ix[i]]} into {@code st[so + i]} for {@code i < len}, one vector at a
     * time, and returns the first {@code i} whose gradient is NaN or infinite, or -1.
     */
    private static int gatherChecked(float[] g, int base, int[] ix, int len, float[] st, int so) {
        int i = 0;
        if (!SCALAR) {
            int bound = F.loopBound(len);
            for (; i < bound; i += F.length()) {
                FloatVector x = FloatVector.fromArray(F, g, base, ix, i);
                x.intoArray(st, so + i);
                IntVector e = x.reinterpretAsInts().and(SpecMath.EXPONENT_BITS);
                if (e.compare(VectorOperators.EQ, SpecMath.EXPONENT_BITS).anyTrue()) {
                    break;
                }
            }
        }
        for (; i < len; i++) {
            float x = g[base + ix[i]];
            st[so + i] = x;
            if (SpecMath.nonFinite(x)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Loads {@code g[base + m[j + i]]} into {@code st[j + i]} for {@code i < len} with scalar
     * loads, then checks the run with vector compares; returns the first {@code i} whose gradient
     * is NaN or infinite, or -1.
     */
    private static int loadChecked(float[] g, int base, char[] m, int j, int len, float[] st) {
        for (int i = 0; i < len; i++) {
            st[j + i] = g[base + m[j + i]];
        }
        int bad = firstNonFinite(st, j, j + len);
        return bad < 0 ? -1 : bad - j;
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
            this.tasks = pool.tasksFor(n, MIN_TASK, Integer.MAX_VALUE);
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
            this.tasks = pool.tasksFor(mask[s].length, MIN_TASK, chunks);
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
            if (access == MaskedAccess.STAGED) {
                updateStaged(m, base, j, len, worker);
            } else {
                updateGathered(m, base, j, len, worker);
            }
        }

        /**
         * Staged access: the block's weights (and, unchecked, its gradients) are loaded into
         * compact buffers with scalar loads, updated there by the dense kernel, and stored back.
         */
        private void updateStaged(char[] m, int base, int j, int len, int worker) {
            float[] wb = wBlock[worker];
            for (int i = 0; i < len; i++) {
                wb[i] = w[base + m[j + i]];
            }
            // Checked: the gradients wait in mask order in staged; unchecked: loaded here.
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

        /** Gather access: vector gathers through widened indices, vector scatters back. */
        private void updateGathered(char[] m, int base, int j, int len, int worker) {
            int[] ix = flat[worker];
            MaskedCopy.widen(m, j, len, ix);
            // Checked: the gradients wait in mask order in staged; unchecked: gathered here.
            float[] gs = checked ? staged[s] : g;
            int go = checked ? j : base;
            int[] gix = checked ? null : ix;
            if (stateType == StateType.FP32) {
                adamMasked(w, base, ix, gs, go, gix, sparseM32[s], sparseV32[s], j, len, k);
                return;
            }
            float[] mb = mBlock[worker];
            float[] vb = vBlock[worker];
            short[] m16 = sparseM16[s];
            short[] v16 = sparseV16[s];
            for (int i = 0; i < len; i++) {
                mb[i] = SpecMath.bf16ToFloat(m16[j + i]);
                vb[i] = SpecMath.bf16ToFloat(v16[j + i]);
            }
            adamMasked(w, base, ix, gs, go, gix, mb, vb, 0, len, k);
            for (int i = 0; i < len; i++) {
                m16[j + i] = SpecMath.bf16(mb[i]);
                v16[j + i] = SpecMath.bf16(vb[i]);
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
            this.tasks = pool.tasksFor(n, MIN_TASK, Integer.MAX_VALUE);
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
     * {@code g[go..]}, float32 moments {@code m[mo..]}, {@code v[mo..]}.
     */
    static void adam(float[] w, int wo, float[] g, int go, float[] m, float[] v, int mo, int len, StepConstants k) {
        int i = 0;
        if (!SCALAR) {
            // adamLanes' arithmetic written out here rather than called: when the JIT compiles
            // adamLanes on its own first it may not inline it here, and every vector passed to it
            // or returned would then be allocated (the staged masked update, whose blocks run
            // through this loop, allocated 1.8 MB per step so).
            int bound = F.loopBound(len);
            for (; i < bound; i += F.length()) {
                int o = mo + i;
                FloatVector x = FloatVector.fromArray(F, w, wo + i);
                FloatVector gv = FloatVector.fromArray(F, g, go + i);
                if (k.decayOn()) {
                    x = x.mul(k.decay());
                }
                FloatVector m1 = FloatVector.broadcast(F, k.b1()).mul(FloatVector.fromArray(F, m, o)).add(gv.mul(k.c1()));
                FloatVector v1 = FloatVector.broadcast(F, k.b2()).mul(FloatVector.fromArray(F, v, o))
                        .add(gv.mul(gv).mul(k.c2()));
                FloatVector den = v1.sqrt().div(k.bc2()).add(k.eps());
                m1.intoArray(m, o);
                v1.intoArray(v, o);
                x.sub(m1.div(den).mul(k.stepSize())).intoArray(w, wo + i);
            }
            if (i < len) {
                // The tail as one masked vector: a masked block's run is short (41 at C = 4096,
                // k = 0.01), so a scalar tail of up to 15 square roots and divisions would cost as
                // much as the vectors before it. Masked-off lanes are neither read nor written.
                VectorMask<Float> t = F.indexInRange(i, len);
                int o = mo + i;
                FloatVector x = FloatVector.fromArray(F, w, wo + i, t);
                FloatVector gv = FloatVector.fromArray(F, g, go + i, t);
                if (k.decayOn()) {
                    x = x.mul(k.decay());
                }
                FloatVector m1 = FloatVector.broadcast(F, k.b1()).mul(FloatVector.fromArray(F, m, o, t)).add(gv.mul(k.c1()));
                FloatVector v1 = FloatVector.broadcast(F, k.b2()).mul(FloatVector.fromArray(F, v, o, t))
                        .add(gv.mul(gv).mul(k.c2()));
                FloatVector den = v1.sqrt().div(k.bc2()).add(k.eps());
                m1.intoArray(m, o, t);
                v1.intoArray(v, o, t);
                x.sub(m1.div(den).mul(k.stepSize())).intoArray(w, wo + i, t);
                return;
            }
        }
        for (; i < len; i++) {
            ScalarBackend.updateFp32(w, wo + i, g, go + i, m, v, mo + i, k);
        }
    }

    /**
     * SPEC.md §6 on {@code len} masked elements of one chunk: weight {@code i} is
     * {@code w[base + ix[i]]} (gathered, then scattered back), its gradient {@code g[go + i]} or,
     * with an index map {@code gix}, {@code g[go + gix[i]]}; moments {@code m[mo + i]}, {@code v[mo + i]}.
     */
    static void adamMasked(float[] w, int base, int[] ix, float[] g, int go, int[] gix, float[] m, float[] v, int mo,
                           int len, StepConstants k) {
        int i = 0;
        if (!SCALAR) {
            int bound = F.loopBound(len);
            for (; i < bound; i += F.length()) {
                FloatVector gv = gix == null ? FloatVector.fromArray(F, g, go + i) : FloatVector.fromArray(F, g, go, gix, i);
                FloatVector x = adamLanes(FloatVector.fromArray(F, w, base, ix, i), gv, m, v, mo + i, k);
                x.intoArray(w, base, ix, i);
            }
        }
        for (; i < len; i++) {
            ScalarBackend.updateFp32(w, base + ix[i], g, go + (gix == null ? i : gix[i]), m, v, mo + i, k);
        }
    }

    /**
     * The arithmetic of SPEC.md §6 on one vector of weights {@code x} and gradients {@code gv}:
     * updates the moments at {@code m[o..]}, {@code v[o..]} and returns the new weights. Lanewise
     * operations round as the scalar ones do, and no FMA is used, so every lane equals
     * {@link ScalarBackend#updateFp32}.
     */
    private static FloatVector adamLanes(FloatVector x, FloatVector gv, float[] m, float[] v, int o, StepConstants k) {
        if (k.decayOn()) {
            x = x.mul(k.decay());
        }
        FloatVector m1 = FloatVector.broadcast(F, k.b1()).mul(FloatVector.fromArray(F, m, o)).add(gv.mul(k.c1()));
        FloatVector v1 = FloatVector.broadcast(F, k.b2()).mul(FloatVector.fromArray(F, v, o)).add(gv.mul(gv).mul(k.c2()));
        FloatVector den = v1.sqrt().div(k.bc2()).add(k.eps());
        m1.intoArray(m, o);
        v1.intoArray(v, o);
        return x.sub(m1.div(den).mul(k.stepSize()));
    }
}
