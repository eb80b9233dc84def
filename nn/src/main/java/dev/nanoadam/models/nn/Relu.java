package dev.nanoadam.models.nn;

import dev.nanoadam.cpu.WorkerPool;

/** {@code y = max(x, 0)}; the backward pass masks by {@code y > 0}, so y may overwrite x. */
public final class Relu {
    private static final int CHUNK = 16384;

    private float[] argA;
    private float[] argB;
    private float[] argC;
    private int argN;
    private final WorkerPool.Job forwardBody = this::forwardChunk;
    private final WorkerPool.Job backwardBody = this::backwardChunk;

    /** {@code y[i] = max(x[i], 0)}; y may alias x. */
    public void forward(float[] x, float[] y, int n) {
        argA = x;
        argB = y;
        argN = n;
        WorkerPool.shared().run((n + CHUNK - 1) / CHUNK, forwardBody);
        argA = null;
        argB = null;
    }

    /** {@code dx[i] = y[i] > 0 ? dy[i] : 0}, y the forward output; dx may alias dy. */
    public void backward(float[] y, float[] dy, float[] dx, int n) {
        argA = y;
        argB = dy;
        argC = dx;
        argN = n;
        WorkerPool.shared().run((n + CHUNK - 1) / CHUNK, backwardBody);
        argA = null;
        argB = null;
        argC = null;
    }

    private void forwardChunk(int chunk, int worker) {
        float[] x = argA;
        float[] y = argB;
        int end = Math.min(argN, (chunk + 1) * CHUNK);
        for (int i = chunk * CHUNK; i < end; i++) {
            y[i] = Math.max(x[i], 0f);
        }
    }

    private void backwardChunk(int chunk, int worker) {
        float[] y = argA;
        float[] dy = argB;
        float[] dx = argC;
        int end = Math.min(argN, (chunk + 1) * CHUNK);
        for (int i = chunk * CHUNK; i < end; i++) {
            dx[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }
}
