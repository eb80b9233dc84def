package dev.nanoadam.bench;

import dev.nanoadam.cpu.WorkerPool;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the time of a masked step goes: the phases of the {@code cpu} backend's masked update
 * (SPEC.md §6, §7) taken apart, each phase adding one piece to the one before, over {@code n}
 * weights in chunks of {@code chunk} with {@code density * chunk} sorted random indices per chunk
 * (the access pattern of a bottom-k mask), on every core through the shared worker pool. The
 * arithmetic is §6's (same operations per element as the backend), on fixed step constants.
 *
 * <ul>
 *   <li>{@code widen}: the 16-bit mask widened to ints, block by block;</li>
 *   <li>{@code checkGather}: plus a vector gather of the masked gradients into the compact
 *       buffer, each vector tested for NaN and infinity (the ERROR policy's check);</li>
 *   <li>{@code checkScalarGather}: the same with scalar loads, then a vector test of the buffer;</li>
 *   <li>{@code updateNoStore}: widen, gather the weights, read the compact gradients and moments,
 *       the arithmetic, moments written back; the new weights are left in a block buffer;</li>
 *   <li>{@code updateScatter}: plus a vector scatter of the weights (the {@code scatter} kernel);</li>
 *   <li>{@code updateScalarStore}: plus scalar stores of the weights (the {@code gather} kernel);</li>
 *   <li>{@code updateScalarGatherStore}: scalar loads of the weights into a block, the arithmetic
 *       on the block as on dense data, scalar stores back (the {@code staged} kernel).</li>
 * </ul>
 *
 * <p>The difference between two neighbouring lines is the cost of what the second adds. Run with
 * {@code ./nanoadam bench MaskedStepPhasesBench -p density=0.1,0.01}.
 *
 * <p>Run alone, one phase over and over keeps its scattered lines in the last-level cache once they
 * fit (at density 0.01 the check touches 15 % of the gradients' cache lines, 10 MB at the default
 * {@code n}), which a step, whose check and update touch twice as many lines, does not. Two
 * operations therefore run both passes of a step back to back, as {@code OptimizerStepBench} does,
 * and a third measures another way to make the check:
 * <ul>
 *   <li>{@code stepStaged}: {@code checkScalarGather}, then {@code updateScalarGatherStore}: the
 *       {@code staged} kernel's step without the optimizer around it;</li>
 *   <li>{@code stepTraffic}: the same loads and stores with no arithmetic (the compact moments are
 *       read and written, the weights stored back unchanged): the floor of this access order, as
 *       {@code BandwidthBench.adamwTraffic} is AdamW's;</li>
 *   <li>{@code checkStreamed}: not a step; the check a streaming kernel would make: every
 *       vector of the chunk's gradients loaded densely, a lane mask per vector from a byte map of
 *       the chunk's mask, the masked lanes tested and compressed into the staged buffer.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MaskedStepPhasesBench {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> HALF =
            VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 2)));
    private static final VectorSpecies<Byte> LANE_BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, F.length() * 8)));
    private static final int BLOCK = 1024;
    private static final int EXPONENT = 0x7f800000;
    // Step constants of a typical step: b1, b2, their complements, bias corrections, step size.
    private static final float B1 = 0.9f;
    private static final float B2 = 0.999f;
    private static final float C1 = 0.1f;
    private static final float C2 = 0.001f;
    private static final float BC2 = 0.0447f;
    private static final float EPS = 1e-8f;
    private static final float STEP = 1e-3f;
    private static final float DECAY = 0.9999f;

    @Param({"16777216"})
    public int n;

    @Param({"4096"})
    public int chunk;

    @Param({"0.1", "0.01"})
    public double density;

    private float[] w;
    private float[] g;
    private float[] m;
    private float[] v;
    private float[] staged;
    private char[] mask;
    private int kc;
    private int chunks;
    private int tasks;
    private int[][] ix;
    private float[][] block;
    private byte[][] selected;   // [chunk] per worker: 1 where the chunk's mask selects the element
    private final WorkerPool pool = WorkerPool.shared();
    private final int[] bad = new int[256];

    private enum Phase {
        WIDEN, CHECK_GATHER, CHECK_SCALAR, CHECK_STREAMED, UPDATE_NO_STORE, UPDATE_SCATTER, UPDATE_SCALAR_STORE,
        UPDATE_SCALAR_BOTH, UPDATE_TRAFFIC
    }

    private Phase phase;
    private final WorkerPool.Job job = this::runTask;

    @Setup
    public void setup() {
        chunks = n / chunk;
        kc = Math.max(1, (int) Math.ceil(density * chunk));
        w = new float[n];
        g = new float[n];
        m = new float[chunks * kc];
        v = new float[chunks * kc];
        staged = new float[chunks * kc];
        mask = new char[chunks * kc];
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < n; i++) {
            w[i] = (float) (r.nextGaussian() * 0.02);
            g[i] = (float) (r.nextGaussian() * 0.001);
        }
        boolean[] taken = new boolean[chunk];
        for (int c = 0; c < chunks; c++) {
            java.util.Arrays.fill(taken, false);
            for (int k = 0; k < kc; ) {
                int i = r.nextInt(chunk);
                if (!taken[i]) {
                    taken[i] = true;
                    k++;
                }
            }
            int o = c * kc;
            for (int i = 0; i < chunk; i++) {
                if (taken[i]) {
                    mask[o++] = (char) i;
                }
            }
        }
        ix = new int[pool.size()][BLOCK];
        block = new float[pool.size()][BLOCK];
        selected = new byte[pool.size()][chunk];
        tasks = pool.tasksFor(n, 1 << 15, chunks);
        validate();
    }

    /**
     * The streamed check stages the same gradients as the scalar one, and the store kernels leave
     * the same weights and moments as a scalar loop (STYLE.md rule 9).
     */
    private void validate() {
        checkScalarGather();
        float[] scalar = staged.clone();
        java.util.Arrays.fill(staged, Float.NaN);
        checkStreamed();
        if (!java.util.Arrays.equals(staged, scalar)) {
            throw new IllegalStateException("checkStreamed stages other gradients than checkScalarGather");
        }
        float[] w0 = w.clone();
        float[] m0 = m.clone();
        float[] v0 = v.clone();
        checkGather();
        float[] expected = w0.clone();
        float[] em = m0.clone();
        float[] ev = v0.clone();
        for (int c = 0; c < chunks; c++) {
            for (int j = 0; j < kc; j++) {
                int e = c * chunk + mask[c * kc + j];
                expected[e] = arithmeticScalar(expected[e], g[e], em, ev, c * kc + j);
            }
        }
        for (Phase p : new Phase[] {Phase.UPDATE_SCATTER, Phase.UPDATE_SCALAR_STORE, Phase.UPDATE_SCALAR_BOTH}) {
            System.arraycopy(w0, 0, w, 0, n);
            System.arraycopy(m0, 0, m, 0, m.length);
            System.arraycopy(v0, 0, v, 0, v.length);
            run(p);
            if (!java.util.Arrays.equals(w, expected) || !java.util.Arrays.equals(m, em)
                    || !java.util.Arrays.equals(v, ev)) {
                throw new IllegalStateException(p + " differs from the scalar loop");
            }
        }
    }

    private void run(Phase p) {
        phase = p;
        pool.run(tasks, job);
    }

    @Benchmark
    public float[] widen() {
        run(Phase.WIDEN);
        return w;
    }

    @Benchmark
    public float[] checkGather() {
        run(Phase.CHECK_GATHER);
        return staged;
    }

    @Benchmark
    public float[] checkScalarGather() {
        run(Phase.CHECK_SCALAR);
        return staged;
    }

    @Benchmark
    public float[] checkStreamed() {
        run(Phase.CHECK_STREAMED);
        return staged;
    }

    @Benchmark
    public float[] stepStaged() {
        run(Phase.CHECK_SCALAR);
        run(Phase.UPDATE_SCALAR_BOTH);
        return w;
    }

    @Benchmark
    public float[] stepTraffic() {
        run(Phase.CHECK_SCALAR);
        run(Phase.UPDATE_TRAFFIC);
        return w;
    }

    @Benchmark
    public float[] updateNoStore() {
        run(Phase.UPDATE_NO_STORE);
        return w;
    }

    @Benchmark
    public float[] updateScatter() {
        run(Phase.UPDATE_SCATTER);
        return w;
    }

    @Benchmark
    public float[] updateScalarGatherStore() {
        run(Phase.UPDATE_SCALAR_BOTH);
        return w;
    }

    @Benchmark
    public float[] updateScalarStore() {
        run(Phase.UPDATE_SCALAR_STORE);
        return w;
    }

    private void runTask(int task, int worker) {
        int c0 = (int) ((long) task * chunks / tasks);
        int c1 = (int) ((long) (task + 1) * chunks / tasks);
        int[] x = ix[worker];
        float[] out = block[worker];
        bad[task] = -1;
        for (int c = c0; c < c1; c++) {
            int base = c * chunk;
            if (phase == Phase.CHECK_STREAMED) {
                bad[task] = Math.max(bad[task], checkStreamed(base, c * kc, selected[worker]));
                continue;
            }
            for (int b = 0; b < kc; b += BLOCK) {
                int j = c * kc + b;
                int len = Math.min(BLOCK, kc - b);
                widen(j, len, x);
                switch (phase) {
                    case WIDEN -> { }
                    case CHECK_GATHER -> bad[task] = Math.max(bad[task], checkGather(base, x, len, j));
                    case CHECK_SCALAR -> bad[task] = Math.max(bad[task], checkScalar(base, x, len, j));
                    case UPDATE_NO_STORE -> update(base, x, len, j, out);
                    case UPDATE_SCATTER -> {
                        update(base, x, len, j, out);
                        scatter(base, x, len, out);
                    }
                    case UPDATE_SCALAR_BOTH -> {
                        for (int i = 0; i < len; i++) {
                            out[i] = w[base + x[i]];
                        }
                        updateCompact(len, j, out);
                        for (int i = 0; i < len; i++) {
                            w[base + x[i]] = out[i];
                        }
                    }
                    case UPDATE_TRAFFIC -> {
                        for (int i = 0; i < len; i++) {
                            out[i] = w[base + x[i]];
                        }
                        traffic(len, j);
                        for (int i = 0; i < len; i++) {
                            w[base + x[i]] = out[i];
                        }
                    }
                    case CHECK_STREAMED -> throw new AssertionError("handled per chunk");
                    case UPDATE_SCALAR_STORE -> {
                        update(base, x, len, j, out);
                        for (int i = 0; i < len; i++) {
                            w[base + x[i]] = out[i];
                        }
                    }
                }
            }
        }
    }

    private void widen(int j, int len, int[] x) {
        int i = 0;
        if (HALF.length() == I.length()) {
            for (int bound = I.loopBound(len); i < bound; i += I.length()) {
                ((IntVector) ShortVector.fromCharArray(HALF, mask, j + i)
                        .convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0)).intoArray(x, i);
            }
        }
        for (; i < len; i++) {
            x[i] = mask[j + i];
        }
    }

    private int checkGather(int base, int[] x, int len, int so) {
        int i = 0;
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            FloatVector gv = FloatVector.fromArray(F, g, base, x, i);
            gv.intoArray(staged, so + i);
            if (gv.reinterpretAsInts().and(EXPONENT).compare(VectorOperators.EQ, EXPONENT).anyTrue()) {
                return so + i;
            }
        }
        for (; i < len; i++) {
            float y = g[base + x[i]];
            staged[so + i] = y;
            if (!Float.isFinite(y)) {
                return so + i;
            }
        }
        return -1;
    }

    private int checkScalar(int base, int[] x, int len, int so) {
        for (int i = 0; i < len; i++) {
            staged[so + i] = g[base + x[i]];
        }
        int i = 0;
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            IntVector e = FloatVector.fromArray(F, staged, so + i).reinterpretAsInts().and(EXPONENT);
            if (e.compare(VectorOperators.EQ, EXPONENT).anyTrue()) {
                return so + i;
            }
        }
        for (; i < len; i++) {
            if (!Float.isFinite(staged[so + i])) {
                return so + i;
            }
        }
        return -1;
    }

    /**
     * The streamed check of one chunk whose mask starts at {@code so}: marks the chunk's selected
     * elements in {@code sel}, walks the gradients vector by vector, skipping vectors with no
     * selected lane, tests the selected lanes and compresses them into the staged buffer; clears
     * {@code sel} behind it.
     */
    private int checkStreamed(int base, int so, byte[] sel) {
        for (int i = 0; i < kc; i++) {
            sel[mask[so + i]] = 1;
        }
        int o = so;
        int found = -1;
        for (int p = 0; p < chunk; p += F.length()) {
            long bits = ByteVector.fromArray(LANE_BYTES, sel, p).compare(VectorOperators.NE, (byte) 0).toLong();
            if (bits == 0) {
                continue;
            }
            ByteVector.zero(LANE_BYTES).intoArray(sel, p);
            VectorMask<Float> lanes = VectorMask.fromLong(F, bits);
            FloatVector gv = FloatVector.fromArray(F, g, base + p);
            if (found < 0 && gv.reinterpretAsInts().and(EXPONENT)
                    .compare(VectorOperators.EQ, EXPONENT, lanes.cast(I)).anyTrue()) {
                found = o;
            }
            int count = Long.bitCount(bits);
            gv.compress(lanes).intoArray(staged, o, VectorMask.fromLong(F, (1L << count) - 1));
            o += count;
        }
        return found;
    }

    /** The update's traffic besides the weights: the compact moments read and written, no arithmetic. */
    private void traffic(int len, int mo) {
        int i = 0;
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            FloatVector gv = FloatVector.fromArray(F, staged, mo + i);
            FloatVector.fromArray(F, m, mo + i).add(gv).intoArray(m, mo + i);
            FloatVector.fromArray(F, v, mo + i).sub(gv).intoArray(v, mo + i);
        }
        for (; i < len; i++) {
            m[mo + i] += staged[mo + i];
            v[mo + i] -= staged[mo + i];
        }
    }

    /** Gathers the weights, runs the arithmetic with the staged gradients, leaves new weights in {@code out}. */
    private void update(int base, int[] x, int len, int mo, float[] out) {
        int i = 0;
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            FloatVector wv = FloatVector.fromArray(F, w, base, x, i).mul(DECAY);
            FloatVector gv = FloatVector.fromArray(F, staged, mo + i);
            FloatVector m1 = FloatVector.broadcast(F, B1).mul(FloatVector.fromArray(F, m, mo + i)).add(gv.mul(C1));
            FloatVector v1 = FloatVector.broadcast(F, B2).mul(FloatVector.fromArray(F, v, mo + i))
                    .add(gv.mul(gv).mul(C2));
            FloatVector den = v1.sqrt().div(BC2).add(EPS);
            m1.intoArray(m, mo + i);
            v1.intoArray(v, mo + i);
            wv.sub(m1.div(den).mul(STEP)).intoArray(out, i);
        }
        for (; i < len; i++) {
            out[i] = arithmeticScalar(w[base + x[i]], staged[mo + i], m, v, mo + i);
        }
    }

    /** The arithmetic on weights already in {@code out}, in place. */
    private void updateCompact(int len, int mo, float[] out) {
        int i = 0;
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            FloatVector wv = FloatVector.fromArray(F, out, i).mul(DECAY);
            FloatVector gv = FloatVector.fromArray(F, staged, mo + i);
            FloatVector m1 = FloatVector.broadcast(F, B1).mul(FloatVector.fromArray(F, m, mo + i)).add(gv.mul(C1));
            FloatVector v1 = FloatVector.broadcast(F, B2).mul(FloatVector.fromArray(F, v, mo + i))
                    .add(gv.mul(gv).mul(C2));
            FloatVector den = v1.sqrt().div(BC2).add(EPS);
            m1.intoArray(m, mo + i);
            v1.intoArray(v, mo + i);
            wv.sub(m1.div(den).mul(STEP)).intoArray(out, i);
        }
        for (; i < len; i++) {
            out[i] = arithmeticScalar(out[i], staged[mo + i], m, v, mo + i);
        }
    }

    private void scatter(int base, int[] x, int len, float[] out) {
        int i = 0;
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            FloatVector.fromArray(F, out, i).intoArray(w, base, x, i);
        }
        for (; i < len; i++) {
            w[base + x[i]] = out[i];
        }
    }

    private static float arithmeticScalar(float x, float gi, float[] m, float[] v, int o) {
        float wi = x * DECAY;
        float m1 = B1 * m[o] + gi * C1;
        float v1 = B2 * v[o] + gi * gi * C2;
        float den = (float) Math.sqrt(v1) / BC2 + EPS;
        m[o] = m1;
        v[o] = v1;
        return wi - m1 / den * STEP;
    }
}
