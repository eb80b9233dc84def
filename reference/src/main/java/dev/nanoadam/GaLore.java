package dev.nanoadam;

import dev.nanoadam.cpu.DenseAdam;
import dev.nanoadam.cpu.LowRank;
import dev.nanoadam.cpu.WorkerPool;
import dev.nanoadam.spi.StepConstants;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * GaLore: Zhao, Zhang, Chen, Wang, Anandkumar and Tian, "GaLore: Memory-Efficient LLM Training by
 * Gradient Low-Rank Projection" (ICML 2024), Algorithm 1, with Adam as the inner optimizer.
 *
 * <p>A projected parameter is a matrix {@code rows x cols} (shape of rank 2). Let {@code small} be
 * its smaller side, {@code large} the other and {@code r = min(rank, small)}. Every {@code updateGap}
 * steps (at {@code t % updateGap == 0}, so at step 0) the projector {@code S} ({@code small x r}) becomes
 * the top-r singular vectors of the current gradient on its smaller side (left singular vectors when
 * {@code rows < cols}, right ones otherwise, as GaLore's projector chooses), computed by EJML's SVD in
 * double precision and stored in float32; Adam's moments are kept across projector changes, as in
 * GaLore's code. Every step, for each element of the low-rank gradient ({@code r x large}),
 * <pre>
 * R[j,l] = Σ_s S[s,j]·G(s,l)               (double, ascending s, rounded once to float)
 * m1 = b1*m + c1*R;  v1 = b2*v + c2*(R*R);  N = m1/(sqrt(v1)/bc2 + e)     (SPEC.md §6, tau = t + 1)
 * U(s,l) = Σ_j S[s,j]·N[j,l]               (double, ascending j, rounded once to float)
 * w = x - step*(scale*U)                    (x = w times the decoupled decay)
 * </pre>
 * where {@code G(s,l)} is the gradient entry at row s, column l when {@code rows < cols} and at row l,
 * column s otherwise. Parameters that are not projected get {@link AdamW}'s update.
 *
 * <p>Defaults: rank 128, update gap 200, scale 0.25 (GaLore's paper and its README), lr 1e-3, betas
 * (0.9, 0.999), eps 1e-8, weight decay 0. {@link Builder#build(List)} projects the parameters of rank
 * 2 whose names are not dense by {@link NanoAdam#isDenseByDefault} and do not contain {@code embed}
 * (GaLore's scripts project the attention and MLP matrices only); {@link Builder#build(List, List)}
 * takes the two groups explicitly.
 *
 * <p>State bytes: per projected parameter {@code 4*small*r + 8*r*large} (projector and moments,
 * float32); per other parameter {@code 8n}. {@code step()} allocates nothing except at a projector
 * refresh (the SVD's matrices). Runs on all cores of the {@code cpu} worker pool; the projections
 * use the Vector API ({@link LowRank}) with the sums in the order above.
 */
public final class GaLore extends BaselineOptimizer {
    /** Columns of the large side per parallel unit. */
    private static final int COLUMNS = 16;
    /** Entries of an unprojected parameter per parallel unit. */
    private static final int UNIT = 4096;

    private final int rank;
    private final int updateGap;
    private final double scale;
    private final boolean[] projected;   // [param]
    private final int[] small;           // [param] smaller side (projected only)
    private final int[] large;           // [param] larger side
    private final int[] r;               // [param] min(rank, small)
    private final boolean[] left;        // [param] rows < cols: S holds left singular vectors
    private float[][] projector;         // [param][small*r] S, row-major
    private float[][] m;                 // [param][r*large] or [n]
    private float[][] v;

    private final int[] unitParam;       // [units]
    private final int[] unitFrom;        // [units] first column (projected) or entry
    private final int[] unitTo;
    private final double[][] scratchAcc; // [workers][r * COLUMNS] the projected gradient R of one unit
    private final double[][] scratchN;   // [workers][r * COLUMNS] Adam's N of one unit
    private final double[][] scratchBlock; // [workers][small * COLUMNS] G's columns of one unit, then U's
    private final WorkerPool pool = WorkerPool.shared();
    private final Job job = new Job();

    private GaLore(Common c, int rank, int updateGap, double scale, List<Parameter> projectedList,
                   List<Parameter> others, List<ParameterGroup> groups) {
        super(KIND_GALORE, c, concat(projectedList, others), groups);
        if (rank < 1) {
            throw new IllegalArgumentException("rank = " + rank + ": must be >= 1");
        }
        if (updateGap < 1) {
            throw new IllegalArgumentException("updateGap = " + updateGap + ": must be >= 1");
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale = " + scale + ": must be finite and > 0");
        }
        this.rank = rank;
        this.updateGap = updateGap;
        this.scale = scale;
        int count = params.length;
        projected = new boolean[count];
        small = new int[count];
        large = new int[count];
        r = new int[count];
        left = new boolean[count];
        projector = new float[count][];
        m = new float[count][];
        v = new float[count][];
        int units = 0;
        int accSize = 1;
        int nSize = 1;
        int blockSize = 1;
        for (int i = 0; i < count; i++) {
            Parameter p = params[i];
            if (i < projectedList.size()) {
                int[] shape = p.shape();
                if (shape.length != 2) {
                    throw new IllegalArgumentException("parameter '" + p.name() + "': shape "
                            + Arrays.toString(shape) + " is not a matrix; GaLore projects only rank-2 parameters");
                }
                projected[i] = shape[0] > 0 && shape[1] > 0;
                left[i] = shape[0] < shape[1];
                small[i] = Math.min(shape[0], shape[1]);
                large[i] = Math.max(shape[0], shape[1]);
                r[i] = Math.min(rank, small[i]);
            }
            if (projected[i]) {
                projector[i] = new float[small[i] * r[i]];
                m[i] = new float[r[i] * large[i]];
                v[i] = new float[r[i] * large[i]];
                units += (large[i] + COLUMNS - 1) / COLUMNS;
                accSize = Math.max(accSize, r[i] * COLUMNS);
                nSize = Math.max(nSize, r[i] * COLUMNS);
                blockSize = Math.max(blockSize, small[i] * COLUMNS);
            } else {
                m[i] = new float[p.size()];
                v[i] = new float[p.size()];
                units += (p.size() + UNIT - 1) / UNIT;
            }
        }
        unitParam = new int[units];
        unitFrom = new int[units];
        unitTo = new int[units];
        int u = 0;
        for (int i = 0; i < count; i++) {
            int end = projected[i] ? large[i] : params[i].size();
            int step = projected[i] ? COLUMNS : UNIT;
            for (int s = 0; s < end; s += step) {
                unitParam[u] = i;
                unitFrom[u] = s;
                unitTo[u] = Math.min(end, s + step);
                u++;
            }
        }
        scratchAcc = new double[pool.size()][accSize];
        scratchN = new double[pool.size()][nSize];
        scratchBlock = new double[pool.size()][blockSize];
    }

    private static List<Parameter> concat(List<Parameter> a, List<Parameter> b) {
        Objects.requireNonNull(a, "projected");
        Objects.requireNonNull(b, "others");
        List<Parameter> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Whether {@link Builder#build(List)} projects a parameter of this name and shape. */
    public static boolean isProjectedByDefault(String name, int[] shape) {
        return shape.length == 2 && !NanoAdam.isDenseByDefault(name)
                && !name.toLowerCase(Locale.ROOT).contains("embed");
    }

    /** State bytes of a projected {@code rows x cols} parameter at this rank: see the class comment. */
    public static long projectedStateBytesOf(int rows, int cols, int rank) {
        long s = Math.min(rows, cols);
        long l = Math.max(rows, cols);
        long rr = Math.min(rank, s);
        return rows == 0 || cols == 0 ? 0 : 4 * s * rr + 8 * rr * l;
    }

    /** A new builder with GaLore's defaults (rank 128, update gap 200, scale 0.25). */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public long stateBytes() {
        ensureOpen();
        long bytes = 0;
        for (int i = 0; i < params.length; i++) {
            bytes += stateBytes(i);
        }
        return bytes;
    }

    @Override
    long stateBytes(int i) {
        int[] shape = params[i].shape();
        return projected[i] ? projectedStateBytesOf(shape[0], shape[1], rank) : 8L * params[i].size();
    }

    @Override
    String how(int i) {
        return projected[i] ? "projected, rank " + r[i] + (left[i] ? " (left)" : " (right)") : "AdamW";
    }

    @Override
    public long allocatedStateBytes() {
        ensureOpen();
        long bytes = 0;
        for (int i = 0; i < params.length; i++) {
            bytes += 4L * (m[i].length + v[i].length) + (projector[i] == null ? 0 : 4L * projector[i].length);
        }
        return bytes;
    }

    /** A copy of a projected parameter's projector S ({@code small x r}, row-major). */
    public float[] projector(Parameter p) {
        ensureOpen();
        int i = indexOf(p);
        if (!projected[i]) {
            throw new IllegalArgumentException("parameter '" + p.name() + "' is not projected");
        }
        return projector[i].clone();
    }

    /** A copy of a parameter's moments ({@code r x large} for a projected one, n otherwise). */
    public Moments moments(Parameter p) {
        ensureOpen();
        int i = indexOf(p);
        return new Moments(m[i].clone(), v[i].clone());
    }

    @Override
    void update() {
        if (t % updateGap == 0) {
            for (int i = 0; i < params.length; i++) {
                if (projected[i]) {
                    refreshProjector(i);
                }
            }
        }
        int units = unitParam.length;
        pool.run(pool.tasksFor(units, 1, units), job);
    }

    /** S = the top-r singular vectors of the gradient on its smaller side (EJML, double). */
    private void refreshProjector(int i) {
        Parameter p = params[i];
        int[] shape = p.shape();
        float[] gf = p.grad();
        DMatrixRMaj g = new DMatrixRMaj(shape[0], shape[1]);
        for (int k = 0; k < gf.length; k++) {
            g.data[k] = gf[k];
        }
        topSingularVectors(g, left[i], r[i], projector[i]);
    }

    /**
     * Writes the top-{@code r} left ({@code left}) or right singular vectors of {@code g} as the
     * columns of {@code out} ({@code small x r}, row-major, float). Singular values are ordered
     * descending, ties to the lower index of EJML's output.
     */
    static void topSingularVectors(DMatrixRMaj g, boolean left, int r, float[] out) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(g.numRows, g.numCols, left, !left, true);
        if (!svd.decompose(g)) {
            throw new IllegalStateException("GaLore: the SVD of a " + g.numRows + " x " + g.numCols
                    + " gradient did not converge");
        }
        double[] sv = svd.getSingularValues();
        int count = svd.numberOfSingularValues();
        DMatrixRMaj vectors = left ? svd.getU(null, false) : svd.getV(null, false);   // small x count
        Integer[] order = new Integer[count];
        for (int k = 0; k < count; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> sv[a] != sv[b] ? Double.compare(sv[b], sv[a]) : Integer.compare(a, b));
        int small = vectors.numRows;
        for (int s = 0; s < small; s++) {
            for (int j = 0; j < r; j++) {
                out[s * r + j] = (float) vectors.get(s, order[j]);
            }
        }
    }

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
                if (projected[i]) {
                    columns(i, unitFrom[u], unitTo[u], scratchAcc[worker], scratchN[worker], scratchBlock[worker]);
                } else {
                    DenseAdam.update(p.data(), p.grad(), m[i], v[i], unitFrom[u], unitTo[u], constants(i));
                }
            }
        }
    }

    /**
     * Project, Adam, project back and update, for columns [from, to) of the large side. The two
     * projections run in {@link LowRank}, one column per vector lane, each sum in the formula's order.
     */
    private void columns(int i, int from, int to, double[] acc, double[] nbuf, double[] block) {
        float[] w = params[i].data();
        float[] S = projector[i];
        float[] mi = m[i];
        float[] vi = v[i];
        int rr = r[i];
        int sm = small[i];
        int lg = large[i];
        int cols = left[i] ? lg : sm;   // the row length of w
        boolean isLeft = left[i];
        int width = to - from;
        StepConstants c = constants(i);

        // R[j, l] = Σ_s S[s, j] * G(s, l), ascending s, into acc[j * width + (l - from)]
        LowRank.project(S, sm, rr, params[i].grad(), isLeft, cols, from, width, acc, block);
        // Adam in the low-rank space (SPEC.md §6), N into nbuf[j * width + (l - from)]
        float b1 = c.b1(), b2 = c.b2(), c1 = c.c1(), c2 = c.c2(), bc2 = c.bc2(), e = c.eps();
        for (int j = 0; j < rr; j++) {
            for (int l = from; l < to; l++) {
                int a = j * width + (l - from);
                int at = j * lg + l;
                float rg = (float) acc[a];
                float m1 = b1 * mi[at] + c1 * rg;
                float v1 = b2 * vi[at] + c2 * (rg * rg);
                float d = (float) Math.sqrt(v1) / bc2 + e;
                nbuf[a] = m1 / d;
                mi[at] = m1;
                vi[at] = v1;
            }
        }
        // U(s, l) = Σ_j S[s, j] * N[j, l], ascending j; then the weight update
        float step = c.stepSize(), decay = c.decay(), alpha = (float) scale;
        boolean decayOn = c.decayOn();
        LowRank.back(S, sm, rr, nbuf, width, block);
        for (int s = 0; s < sm; s++) {
            for (int l = from; l < to; l++) {
                int p = isLeft ? s * cols + l : l * cols + s;
                float x = w[p];
                if (decayOn) {
                    x = x * decay;
                }
                w[p] = x - step * (alpha * (float) block[s * width + l - from]);
            }
        }
    }

    // ---- checkpoint ------------------------------------------------------------------------------

    @Override
    void writeState(DataOutputStream out) throws IOException {
        out.writeInt(rank);
        out.writeInt(updateGap);
        out.writeDouble(scale);
        for (int i = 0; i < params.length; i++) {
            out.writeBoolean(projected[i]);
            if (projected[i]) {
                StateFile.writeFloats(out, projector[i]);
            }
            StateFile.writeFloats(out, m[i]);
            StateFile.writeFloats(out, v[i]);
        }
    }

    @Override
    Runnable readState(StateFile.Reader in) throws IOException {
        int savedRank = in.readInt();
        int gap = in.readInt();
        double savedScale = in.readDouble();
        if (savedRank != rank || gap != updateGap || savedScale != scale) {
            throw in.fail("was saved with rank " + savedRank + ", updateGap " + gap + ", scale " + savedScale
                    + "; this optimizer has rank " + rank + ", updateGap " + updateGap + ", scale " + scale);
        }
        int count = params.length;
        float[][] pr = new float[count][];
        float[][] mm = new float[count][];
        float[][] vv = new float[count][];
        for (int i = 0; i < count; i++) {
            String name = "'" + params[i].name() + "'";
            boolean wasProjected = in.readBoolean();
            if (wasProjected != projected[i]) {
                throw in.fail(name + " was " + (wasProjected ? "" : "not ") + "projected when saved, and is "
                        + (projected[i] ? "" : "not ") + "projected here");
            }
            if (projected[i]) {
                pr[i] = in.readFloats(projector[i].length, "projector of " + name);
            }
            mm[i] = in.readFloats(m[i].length, "m of " + name);
            vv[i] = in.readFloats(v[i].length, "v of " + name);
        }
        return () -> {
            projector = pr;
            m = mm;
            v = vv;
        };
    }

    @Override
    public String toString() {
        return "GaLore[cpu, t=" + t + ", rank=" + rank + ", updateGap=" + updateGap + ", scale=" + scale + "]";
    }

    /** Builds {@link GaLore} optimizers; reusable, each {@code build} validates every field. */
    public static final class Builder extends CommonBuilder<Builder> {
        private int rank = 128;
        private int updateGap = 200;
        private double scale = 0.25;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** Projection rank r, >= 1 (default 128); a matrix with a smaller side below r uses that side. */
        public Builder rank(int rank) { this.rank = rank; return this; }
        /** Steps between projector refreshes T, >= 1 (default 200). */
        public Builder updateGap(int updateGap) { this.updateGap = updateGap; return this; }
        /** Scale alpha of the projected-back update, finite and > 0 (default 0.25). */
        public Builder scale(double scale) { this.scale = scale; return this; }

        /** Builds over explicit lists: {@code projected} (each of rank 2) and {@code others} (AdamW). */
        public GaLore build(List<Parameter> projected, List<Parameter> others) {
            if (!groups.isEmpty()) {
                throw new IllegalArgumentException("groups: " + groups.size() + " added with group(...); build them"
                        + " with build(), not build(projected, others)");
            }
            return new GaLore(c, rank, updateGap, scale, projected, others, List.of());
        }

        /** Builds over one list, projecting what {@link #isProjectedByDefault} says. */
        public GaLore build(List<Parameter> parameters) {
            List<Parameter> all = flatten(groups, parameters);
            return new GaLore(c, rank, updateGap, scale, split(all, true), split(all, false), List.of());
        }

        /**
         * Builds over the groups added with {@link #group}, in that order, projecting what
         * {@link #isProjectedByDefault} says in every group.
         */
        public GaLore build() {
            List<ParameterGroup> g = requireGroups();
            List<Parameter> all = flatten(g, null);
            return new GaLore(c, rank, updateGap, scale, split(all, true), split(all, false), g);
        }

        private static List<Parameter> split(List<Parameter> all, boolean projected) {
            List<Parameter> out = new ArrayList<>();
            for (Parameter p : all) {
                Objects.requireNonNull(p, "parameters: null parameter");
                if (isProjectedByDefault(p.name(), p.shape()) == projected) {
                    out.add(p);
                }
            }
            return out;
        }
    }
}
