package dev.nanoadam.models.nn;

import dev.nanoadam.models.math.Erf;
import dev.nanoadam.cpu.WorkerPool;

/**
 * GELU in its exact erf form, {@code gelu(x) = x * Phi(x) = x/2 * (1 + erf(x/sqrt(2)))}, as BERT
 * and PyTorch's default {@code nn.GELU()}; derivative {@code Phi(x) + x * phi(x)}. Evaluated in
 * double per element and rounded once.
 */
public final class Gelu {
    private static final int CHUNK = 8192;
    private static final double INV_SQRT2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    private float[] argX;
    private float[] argY;
    private float[] argDy;
    private int argN;
    private final WorkerPool.Job forwardBody = this::forwardChunk;
    private final WorkerPool.Job backwardBody = this::backwardChunk;

    /** gelu of one value, in double. */
    public static double value(double x) {
        return 0.5 * x * (1 + Erf.erf(x * INV_SQRT2));
    }

    /** d gelu / dx at x, in double. */
    public static double derivative(double x) {
        return 0.5 * (1 + Erf.erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    /** {@code y[i] = gelu(x[i])} for i in [0, n). */
    public void forward(float[] x, float[] y, int n) {
        argX = x;
        argY = y;
        argN = n;
        WorkerPool.shared().run((n + CHUNK - 1) / CHUNK, forwardBody);
        argX = null;
        argY = null;
    }

    /** {@code dx[i] = dy[i] * gelu'(x[i])}, x the forward input; dx may alias dy. */
    public void backward(float[] x, float[] dy, float[] dx, int n) {
        argX = x;
        argDy = dy;
        argY = dx;
        argN = n;
        WorkerPool.shared().run((n + CHUNK - 1) / CHUNK, backwardBody);
        argX = null;
        argY = null;
        argDy = null;
    }

    private void forwardChunk(int chunk, int worker) {
        float[] x = argX;
        float[] y = argY;
        int end = Math.min(argN, (chunk + 1) * CHUNK);
        for (int i = chunk * CHUNK; i < end; i++) {
            y[i] = (float) value(x[i]);
        }
    }

    private void backwardChunk(int chunk, int worker) {
        float[] x = argX;
        float[] dy = argDy;
        float[] dx = argY;
        int end = Math.min(argN, (chunk + 1) * CHUNK);
        for (int i = chunk * CHUNK; i < end; i++) {
            dx[i] = (float) (dy[i] * derivative(x[i]));
        }
    }
}
