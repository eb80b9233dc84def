package dev.nanoadam;

import dev.nanoadam.cpu.DenseAdam;
import dev.nanoadam.cpu.WorkerPool;
import dev.nanoadam.spi.StepConstants;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * AdamW with 8-bit block-wise quantized moments: Dettmers, Lewis, Shleifer and Zettlemoyer, "8-bit
 * Optimizers via Block-wise Quantization" (ICLR 2022), as bitsandbytes' {@code AdamW8bit} runs it.
 *
 * <p>For a parameter of at least {@value #MIN_8BIT_SIZE} entries, {@code m} is stored as 8-bit codes
 * of the signed dynamic map and {@code v} as codes of the unsigned one ({@link DynamicMap}), in
 * blocks of {@value #BLOCK} entries, each block with one float32 absmax per moment. Each step, block
 * by block: dequantize ({@code map[code] * absmax}), apply SPEC.md §6's update in float32 (the same
 * arithmetic as {@link AdamW}, with {@code tau = t + 1}), take the new absmax of each moment over the
 * block, and requantize each value to the nearest code of {@code value / absmax} (ties to the lower
 * code). Smaller parameters keep float32 moments and get exactly {@link AdamW}'s update, as
 * bitsandbytes does ({@code min_8bit_size = 4096}).
 *
 * <p>Block size 256 is bitsandbytes' current default for its 8-bit optimizers (the paper used 2048):
 * a smaller block confines an outlier's loss of resolution to fewer values, for 4 bytes of absmax per
 * 256 entries per moment.
 *
 * <p>State bytes ({@link #stateBytes()}): per parameter of n entries, {@code 2n + 8*ceil(n/256)} when
 * {@code n >= 4096}, else {@code 8n}.
 *
 * <p>Lifecycle as for every {@link Optimizer}: build, fill gradients, {@link #step()}, {@link #save}
 * / {@link #load}, {@link #close()}. Runs on all cores of the {@code cpu} backend's worker pool;
 * {@code step()} allocates nothing. Not thread-safe.
 */
public final class AdamW8bit extends BaselineOptimizer {
    /** Entries per quantization block (bitsandbytes' current default). */
    public static final int BLOCK = 256;
    /** Parameters with fewer entries keep float32 moments. */
    public static final int MIN_8BIT_SIZE = 4096;
    /** Entries per parallel task (16 blocks). */
    private static final int UNIT = 4096;

    // per parameter: either quantized (codes + absmax) or float32 moments; the others are null
    private byte[][] mCodes;    // [param][n] signed-map codes of m
    private byte[][] vCodes;    // [param][n] unsigned-map codes of v
    private float[][] mMax;     // [param][ceil(n/256)] absmax of m per block
    private float[][] vMax;     // [param][ceil(n/256)] absmax of v per block
    private float[][] m32;      // [param][n] float32 m of a small parameter
    private float[][] v32;      // [param][n] float32 v of a small parameter

    private final int[] unitParam;   // [units] parameter of each parallel unit
    private final int[] unitStart;   // [units] first entry (a multiple of 256)
    private final int[] unitEnd;     // [units] one past the last entry
    private final float[][] scratchM;   // [workers][256] the block's new m before requantizing
    private final float[][] scratchV;   // [workers][256]
    private final WorkerPool pool = WorkerPool.shared();
    private final Job job = new Job();

    private AdamW8bit(Common c, List<Parameter> parameters, List<ParameterGroup> groups) {
        super(KIND_ADAMW8BIT, c, parameters, groups);
        int count = params.length;
        mCodes = new byte[count][];
        vCodes = new byte[count][];
        mMax = new float[count][];
        vMax = new float[count][];
        m32 = new float[count][];
        v32 = new float[count][];
        int units = 0;
        for (int i = 0; i < count; i++) {
            int n = params[i].size();
            if (quantized(n)) {
                int blocks = blocks(n);
                mCodes[i] = new byte[n];
                vCodes[i] = new byte[n];
                java.util.Arrays.fill(mCodes[i], (byte) DynamicMap.SIGNED_ZERO);
                java.util.Arrays.fill(vCodes[i], (byte) DynamicMap.UNSIGNED_ZERO);
                mMax[i] = new float[blocks];
                vMax[i] = new float[blocks];
            } else {
                m32[i] = new float[n];
                v32[i] = new float[n];
            }
            units += (n + UNIT - 1) / UNIT;
        }
        unitParam = new int[units];
        unitStart = new int[units];
        unitEnd = new int[units];
        int u = 0;
        for (int i = 0; i < count; i++) {
            int n = params[i].size();
            for (int s = 0; s < n; s += UNIT) {
                unitParam[u] = i;
                unitStart[u] = s;
                unitEnd[u] = Math.min(n, s + UNIT);
                u++;
            }
        }
        scratchM = new float[pool.size()][BLOCK];
        scratchV = new float[pool.size()][BLOCK];
    }

    static boolean quantized(int n) {
        return n >= MIN_8BIT_SIZE;
    }

    static int blocks(int n) {
        return (n + BLOCK - 1) / BLOCK;
    }

    /** A new builder: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0, nonFinite ERROR. */
    public static Builder builder() {
        return new Builder();
    }

    /** The state bytes of one parameter of {@code n} entries: see the class comment. */
    public static long stateBytesOf(int n) {
        return quantized(n) ? 2L * n + 8L * blocks(n) : 8L * n;
    }

    @Override
    public long stateBytes() {
        ensureOpen();
        long bytes = 0;
        for (Parameter p : params) {
            bytes += stateBytesOf(p.size());
        }
        return bytes;
    }

    @Override
    public long allocatedStateBytes() {
        ensureOpen();
        long bytes = 0;
        for (int i = 0; i < params.length; i++) {
            if (mCodes[i] != null) {
                bytes += mCodes[i].length + vCodes[i].length + 4L * (mMax[i].length + vMax[i].length);
            } else {
                bytes += 4L * (m32[i].length + v32[i].length);
            }
        }
        return bytes;
    }

    /** A copy of a parameter's moments, dequantized ({@code map[code] * absmax}) where stored in 8 bits. */
    public Moments moments(Parameter p) {
        ensureOpen();
        int i = indexOf(p);
        int n = p.size();
        if (m32[i] != null) {
            return new Moments(m32[i].clone(), v32[i].clone());
        }
        float[] m = new float[n];
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
            m[j] = DynamicMap.SIGNED[mCodes[i][j] & 0xFF] * mMax[i][j / BLOCK];
            v[j] = DynamicMap.UNSIGNED[vCodes[i][j] & 0xFF] * vMax[i][j / BLOCK];
        }
        return new Moments(m, v);
    }

    @Override
    void update() {
        pool.run(pool.tasksFor(unitParam.length, 1, unitParam.length), job);
    }

    /** Units [task*U/tasks, (task+1)*U/tasks) of the step. */
    private final class Job implements WorkerPool.Job {
        @Override
        public void run(int task, int worker) {
            int units = unitParam.length;
            int tasks = pool.tasksFor(units, 1, units);
            int from = (int) ((long) task * units / tasks);
            int to = (int) ((long) (task + 1) * units / tasks);
            for (int u = from; u < to; u++) {
                int i = unitParam[u];
                Parameter p = params[i];
                if (m32[i] != null) {
                    DenseAdam.update(p.data(), p.grad(), m32[i], v32[i], unitStart[u], unitEnd[u], constants(i));
                } else {
                    for (int s = unitStart[u]; s < unitEnd[u]; s += BLOCK) {
                        block(p.data(), p.grad(), i, s, Math.min(unitEnd[u], s + BLOCK), scratchM[worker],
                                scratchV[worker]);
                    }
                }
            }
        }
    }

    /** One quantization block [from, to) of parameter i: dequantize, update, new absmax, requantize. */
    private void block(float[] w, float[] g, int i, int from, int to, float[] nm, float[] nv) {
        StepConstants k = constants(i);
        float b1 = k.b1(), b2 = k.b2(), c1 = k.c1(), c2 = k.c2(), step = k.stepSize(), bc2 = k.bc2(), e = k.eps();
        float decay = k.decay();
        boolean decayOn = k.decayOn();
        byte[] mc = mCodes[i];
        byte[] vc = vCodes[i];
        int b = from / BLOCK;
        float am = mMax[i][b];
        float av = vMax[i][b];
        float newAm = 0f;
        float newAv = 0f;
        for (int p = from; p < to; p++) {
            float m = DynamicMap.SIGNED[mc[p] & 0xFF] * am;
            float v = DynamicMap.UNSIGNED[vc[p] & 0xFF] * av;
            float gp = g[p];
            float x = w[p];
            if (decayOn) {
                x = x * decay;
            }
            float m1 = b1 * m + c1 * gp;
            float v1 = b2 * v + c2 * (gp * gp);
            float d = (float) Math.sqrt(v1) / bc2 + e;
            w[p] = x - step * (m1 / d);
            nm[p - from] = m1;
            nv[p - from] = v1;
            newAm = Math.max(newAm, Math.abs(m1));
            newAv = Math.max(newAv, v1);
        }
        for (int p = from; p < to; p++) {
            mc[p] = (byte) (newAm == 0f ? DynamicMap.SIGNED_ZERO : DynamicMap.quantize(DynamicMap.SIGNED, nm[p - from] / newAm));
            vc[p] = (byte) (newAv == 0f ? DynamicMap.UNSIGNED_ZERO
                    : DynamicMap.quantize(DynamicMap.UNSIGNED, nv[p - from] / newAv));
        }
        mMax[i][b] = newAm;
        vMax[i][b] = newAv;
    }

    // ---- checkpoint ------------------------------------------------------------------------------

    @Override
    void writeState(DataOutputStream out) throws IOException {
        out.writeInt(BLOCK);
        out.writeInt(MIN_8BIT_SIZE);
        for (int i = 0; i < params.length; i++) {
            if (mCodes[i] != null) {
                StateFile.writeBytes(out, mCodes[i]);
                StateFile.writeBytes(out, vCodes[i]);
                StateFile.writeFloats(out, mMax[i]);
                StateFile.writeFloats(out, vMax[i]);
            } else {
                StateFile.writeFloats(out, m32[i]);
                StateFile.writeFloats(out, v32[i]);
            }
        }
    }

    @Override
    Runnable readState(StateFile.Reader in) throws IOException {
        int block = in.readInt();
        int min = in.readInt();
        if (block != BLOCK || min != MIN_8BIT_SIZE) {
            throw in.fail("block size " + block + " and 8-bit threshold " + min + ", this library uses " + BLOCK
                    + " and " + MIN_8BIT_SIZE);
        }
        int count = params.length;
        byte[][] mc = new byte[count][];
        byte[][] vc = new byte[count][];
        float[][] ma = new float[count][];
        float[][] va = new float[count][];
        float[][] m = new float[count][];
        float[][] v = new float[count][];
        for (int i = 0; i < count; i++) {
            int n = params[i].size();
            String name = "'" + params[i].name() + "'";
            if (quantized(n)) {
                mc[i] = in.readBytes(n, "m codes of " + name);
                vc[i] = in.readBytes(n, "v codes of " + name);
                ma[i] = in.readFloats(blocks(n), "m absmax of " + name);
                va[i] = in.readFloats(blocks(n), "v absmax of " + name);
            } else {
                m[i] = in.readFloats(n, "m of " + name);
                v[i] = in.readFloats(n, "v of " + name);
            }
        }
        return () -> {
            mCodes = mc;
            vCodes = vc;
            mMax = ma;
            vMax = va;
            m32 = m;
            v32 = v;
        };
    }

    @Override
    String how(int i) {
        return mCodes[i] != null ? "8-bit, " + blocks(params[i].size()) + " blocks" : "float32 (below " + MIN_8BIT_SIZE + ")";
    }

    @Override
    long stateBytes(int i) {
        return stateBytesOf(params[i].size());
    }

    @Override
    public String toString() {
        return "AdamW8bit[cpu, t=" + t + ", parameters=" + params.length + "]";
    }

    /** Builds {@link AdamW8bit} optimizers; reusable, each {@code build} validates every field. */
    public static final class Builder extends CommonBuilder<Builder> {

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }


        /** Builds over every parameter, one group. */
        public AdamW8bit build(List<Parameter> parameters) {
            return new AdamW8bit(c, flatten(groups, parameters), List.of());
        }

        /** Builds over the groups added with {@link #group}, in that order. */
        public AdamW8bit build() {
            List<ParameterGroup> g = requireGroups();
            return new AdamW8bit(c, flatten(g, null), g);
        }
    }
}
