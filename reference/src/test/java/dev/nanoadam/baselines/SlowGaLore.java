package dev.nanoadam.baselines;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * GaLore written straight from Zhao et al. (2024), Algorithm 1 with Adam, for one {@code rows x cols}
 * matrix: the projector from a fresh SVD every {@code gap} steps, the low-rank gradient, Adam on it,
 * the update projected back and scaled. Whole matrices, naive loops. The oracle for
 * {@code dev.nanoadam.GaLore}.
 */
public final class SlowGaLore {
    final int rows;
    final int cols;
    final int r;
    final int gap;
    final double scale;
    final boolean left;       // rows < cols: P = U[:, :r], R = P^T G; else Q = V[:, :r], R = G Q
    public float[][] projector;      // small x r
    public float[][] m;              // left: r x cols; right: rows x r
    public float[][] v;

    public SlowGaLore(int rows, int cols, int rank, int gap, double scale) {
        this.rows = rows;
        this.cols = cols;
        this.r = Math.min(rank, Math.min(rows, cols));
        this.gap = gap;
        this.scale = scale;
        this.left = rows < cols;
        this.projector = new float[Math.min(rows, cols)][r];
        this.m = left ? new float[r][cols] : new float[rows][r];
        this.v = left ? new float[r][cols] : new float[rows][r];
    }

    /** One step t (0-based); tau = t + 1. */
    public void step(float[] w, float[] g, long t, double lr, double beta1, double beta2, double eps, double wd) {
        if (t % gap == 0) {
            DMatrixRMaj gm = new DMatrixRMaj(rows, cols);
            for (int i = 0; i < rows * cols; i++) {
                gm.data[i] = g[i];
            }
            SingularValueDecomposition_F64<DMatrixRMaj> svd =
                    DecompositionFactory_DDRM.svd(rows, cols, left, !left, true);
            if (!svd.decompose(gm)) {
                throw new AssertionError("svd failed");
            }
            double[] sv = svd.getSingularValues();
            DMatrixRMaj vec = left ? svd.getU(null, false) : svd.getV(null, false);
            boolean[] used = new boolean[svd.numberOfSingularValues()];
            for (int j = 0; j < r; j++) {          // the j-th largest singular value, lowest index on ties
                int best = -1;
                for (int k = 0; k < used.length; k++) {
                    if (!used[k] && (best < 0 || sv[k] > sv[best])) {
                        best = k;
                    }
                }
                used[best] = true;
                for (int s = 0; s < projector.length; s++) {
                    projector[s][j] = (float) vec.get(s, best);
                }
            }
        }
        Adam c = new Adam(lr, beta1, beta2, eps, wd, t + 1);
        float alpha = (float) scale;
        if (left) {
            // R = P^T G  (r x cols)
            float[][] n = new float[r][cols];
            for (int j = 0; j < r; j++) {
                for (int l = 0; l < cols; l++) {
                    double acc = 0;
                    for (int s = 0; s < rows; s++) {
                        acc += (double) projector[s][j] * g[s * cols + l];
                    }
                    float rg = (float) acc;
                    float m1 = c.b1 * m[j][l] + c.c1 * rg;
                    float v1 = c.b2 * v[j][l] + c.c2 * (rg * rg);
                    n[j][l] = m1 / ((float) Math.sqrt(v1) / c.bc2 + c.e);
                    m[j][l] = m1;
                    v[j][l] = v1;
                }
            }
            // W -= step * scale * (P N)
            for (int s = 0; s < rows; s++) {
                for (int l = 0; l < cols; l++) {
                    double acc = 0;
                    for (int j = 0; j < r; j++) {
                        acc += (double) projector[s][j] * n[j][l];
                    }
                    float x = c.decayOn ? w[s * cols + l] * c.decay : w[s * cols + l];
                    w[s * cols + l] = x - c.step * (alpha * (float) acc);
                }
            }
        } else {
            // R = G Q  (rows x r)
            float[][] n = new float[rows][r];
            for (int l = 0; l < rows; l++) {
                for (int j = 0; j < r; j++) {
                    double acc = 0;
                    for (int s = 0; s < cols; s++) {
                        acc += (double) projector[s][j] * g[l * cols + s];
                    }
                    float rg = (float) acc;
                    float m1 = c.b1 * m[l][j] + c.c1 * rg;
                    float v1 = c.b2 * v[l][j] + c.c2 * (rg * rg);
                    n[l][j] = m1 / ((float) Math.sqrt(v1) / c.bc2 + c.e);
                    m[l][j] = m1;
                    v[l][j] = v1;
                }
            }
            // W -= step * scale * (N Q^T)
            for (int l = 0; l < rows; l++) {
                for (int s = 0; s < cols; s++) {
                    double acc = 0;
                    for (int j = 0; j < r; j++) {
                        acc += (double) projector[s][j] * n[l][j];
                    }
                    float x = c.decayOn ? w[l * cols + s] * c.decay : w[l * cols + s];
                    w[l * cols + s] = x - c.step * (alpha * (float) acc);
                }
            }
        }
    }

    /** m as the fast optimizer lays it out: r x large, row-major. */
    public float[] flatM() {
        return flat(m);
    }

    public float[] flatV() {
        return flat(v);
    }

    private float[] flat(float[][] a) {
        int large = Math.max(rows, cols);
        float[] f = new float[r * large];
        for (int j = 0; j < r; j++) {
            for (int l = 0; l < large; l++) {
                f[j * large + l] = left ? a[j][l] : a[l][j];
            }
        }
        return f;
    }

    public float[] flatProjector() {
        float[] f = new float[projector.length * r];
        for (int s = 0; s < projector.length; s++) {
            for (int j = 0; j < r; j++) {
                f[s * r + j] = projector[s][j];
            }
        }
        return f;
    }
}
