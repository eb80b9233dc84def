package dev.nanoadam.models.nn;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.math.ArrayMath;
import dev.nanoadam.cpu.WorkerPool;

/**
 * Layer normalisation over the last dimension: {@code y = (x - mean) / sqrt(var + eps) * gamma + beta}
 * with the biased variance, as PyTorch's {@code nn.LayerNorm}. Parameters {@code <prefix>.weight}
 * (gamma, initialised to 1) and {@code <prefix>.bias} (beta, 0).
 */
public final class LayerNorm {
    /** Rows per parallel task; also the grain of the gradient partial sums, so fixed for determinism. */
    private static final int ROWS_PER_TASK = 32;

    private final int dim;
    private final float eps;
    private final Parameter gamma;
    private final Parameter beta;

    // Per-row statistics of the last forward: mean [rows], 1/sqrt(var+eps) [rows].
    private float[] mean = new float[0];
    private float[] rstd = new float[0];
    // Per-task partial parameter gradients of a backward: [tasks, dim] each.
    private float[] partialGamma = new float[0];
    private float[] partialBeta = new float[0];

    // Arguments of the call in progress, read by the loop bodies.
    private float[] argX;
    private float[] argY;
    private float[] argDy;
    private boolean argAccumulate;
    private int argRows;

    private final WorkerPool.Job forwardBody = this::forwardRows;
    private final WorkerPool.Job backwardBody = this::backwardRows;

    /** A layer with gamma 1 and beta 0. */
    public LayerNorm(String prefix, int dim, float eps) {
        if (dim < 1) {
            throw new IllegalArgumentException(prefix + ": dim must be >= 1, got " + dim);
        }
        if (!(eps > 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException(prefix + ": eps must be finite and > 0, got " + eps);
        }
        this.dim = dim;
        this.eps = eps;
        float[] ones = new float[dim];
        java.util.Arrays.fill(ones, 1f);
        this.gamma = Parameter.of(prefix + ".weight", ones, dim);
        this.beta = Parameter.of(prefix + ".bias", new float[dim], dim);
    }

    /** gamma, {@code [dim]}. */
    public Parameter weight() {
        return gamma;
    }

    /** beta, {@code [dim]}. */
    public Parameter bias() {
        return beta;
    }

    /** {@code y[rows, dim] = LayerNorm(x[rows, dim])}; keeps per-row statistics for {@link #backward}. */
    public void forward(float[] x, float[] y, int rows) {
        if (mean.length < rows) {
            mean = new float[rows];
            rstd = new float[rows];
        }
        argX = x;
        argY = y;
        argRows = rows;
        WorkerPool.shared().run(tasks(rows), forwardBody);
        argX = null;
        argY = null;
    }

    /**
     * Backward of the last {@link #forward}: adds to the gamma and beta gradients and writes (or,
     * with {@code accumulate}, adds) the input gradient. {@code x} is the forward input, unchanged.
     */
    public void backward(float[] x, float[] dy, float[] dx, int rows, boolean accumulate) {
        int tasks = tasks(rows);
        if (partialGamma.length < tasks * dim) {
            partialGamma = new float[tasks * dim];
            partialBeta = new float[tasks * dim];
        }
        argX = x;
        argDy = dy;
        argY = dx;
        argAccumulate = accumulate;
        argRows = rows;
        WorkerPool.shared().run(tasks, backwardBody);
        float[] gg = gamma.grad();
        float[] gb = beta.grad();
        for (int t = 0; t < tasks; t++) {
            ArrayMath.addInto(partialGamma, t * dim, gg, 0, dim);
            ArrayMath.addInto(partialBeta, t * dim, gb, 0, dim);
        }
        argX = null;
        argDy = null;
        argY = null;
    }

    private static int tasks(int rows) {
        return (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    }

    private void forwardRows(int task, int worker) {
        float[] x = argX;
        float[] y = argY;
        float[] g = gamma.data();
        float[] b = beta.data();
        int end = Math.min(argRows, (task + 1) * ROWS_PER_TASK);
        for (int r = task * ROWS_PER_TASK; r < end; r++) {
            int o = r * dim;
            float m = ArrayMath.sum(x, o, dim) / dim;
            float var = ArrayMath.sumSquaredDeviation(x, o, dim, m) / dim;
            float s = (float) (1.0 / Math.sqrt(var + (double) eps));
            mean[r] = m;
            rstd[r] = s;
            for (int j = 0; j < dim; j++) {
                y[o + j] = (x[o + j] - m) * s * g[j] + b[j];
            }
        }
    }

    private void backwardRows(int task, int worker) {
        float[] x = argX;
        float[] dy = argDy;
        float[] dx = argY;
        boolean accumulate = argAccumulate;
        float[] g = gamma.data();
        int pg = task * dim;
        java.util.Arrays.fill(partialGamma, pg, pg + dim, 0f);
        java.util.Arrays.fill(partialBeta, pg, pg + dim, 0f);
        int end = Math.min(argRows, (task + 1) * ROWS_PER_TASK);
        for (int r = task * ROWS_PER_TASK; r < end; r++) {
            int o = r * dim;
            float m = mean[r];
            float s = rstd[r];
            // With xhat = (x - m) s and g' = dy * gamma:
            // dx = s * (g' - mean(g') - xhat * mean(g' * xhat)).
            float sumG = 0f;
            float sumGX = 0f;
            for (int j = 0; j < dim; j++) {
                float xhat = (x[o + j] - m) * s;
                float d = dy[o + j];
                partialGamma[pg + j] += d * xhat;
                partialBeta[pg + j] += d;
                float gj = d * g[j];
                sumG += gj;
                sumGX += gj * xhat;
            }
            float meanG = sumG / dim;
            float meanGX = sumGX / dim;
            for (int j = 0; j < dim; j++) {
                float xhat = (x[o + j] - m) * s;
                float v = s * (dy[o + j] * g[j] - meanG - xhat * meanGX);
                dx[o + j] = accumulate ? dx[o + j] + v : v;
            }
        }
    }
}
