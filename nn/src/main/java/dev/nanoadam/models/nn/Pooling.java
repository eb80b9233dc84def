package dev.nanoadam.models.nn;

import dev.nanoadam.models.math.Im2col;
import dev.nanoadam.cpu.WorkerPool;

/**
 * Spatial pooling of {@code [C, N, H, W]} activations: max or average over square windows with
 * stride and padding, as PyTorch's {@code MaxPool2d} (padding never wins) and {@code AvgPool2d}
 * (padding counted, {@code count_include_pad=True}). For global average pooling to
 * {@code [N, C]} see {@link GlobalAvgPool}.
 */
public final class Pooling {
    /** Which reduction a window applies. */
    public enum Kind { MAX, AVERAGE }

    private final Kind kind;
    private final int kernel;
    private final int stride;
    private final int pad;

    // For max pooling: flat input index of each output's maximum, [C, N, OH, OW].
    private int[] argMax = new int[0];

    private float[] argX;
    private float[] argY;
    private int argN;
    private int argH;
    private int argW;
    private boolean argAccumulate;
    private final WorkerPool.Job forwardBody = this::forwardChannel;
    private final WorkerPool.Job backwardBody = this::backwardChannel;

    /** A pooling layer; the padding must be at most half the kernel, as PyTorch requires. */
    public Pooling(Kind kind, int kernel, int stride, int padding) {
        if (kernel < 1 || stride < 1 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException("pooling: invalid kernel=" + kernel + " stride=" + stride
                    + " padding=" + padding + " (need padding <= kernel/2)");
        }
        this.kind = kind;
        this.kernel = kernel;
        this.stride = stride;
        this.pad = padding;
    }

    /** Output height (or width) for an input of this height (or width). */
    public int outputSize(int in) {
        int o = Im2col.outputSize(in, kernel, stride, pad);
        if (o < 1) {
            throw new IllegalArgumentException("pooling: input size " + in + " too small for kernel " + kernel);
        }
        return o;
    }

    /** {@code y[C, n, oh, ow] = pool(x[C, n, h, w])}. */
    public void forward(float[] x, float[] y, int channels, int n, int h, int w) {
        int outs = channels * n * outputSize(h) * outputSize(w);
        if (kind == Kind.MAX && argMax.length < outs) {
            argMax = new int[outs];
        }
        argX = x;
        argY = y;
        argN = n;
        argH = h;
        argW = w;
        WorkerPool.shared().run(channels, forwardBody);
        argX = null;
        argY = null;
    }

    /** Writes (or, with {@code accumulate}, adds) {@code dx[C, n, h, w]} from {@code dy}. */
    public void backward(float[] dy, float[] dx, int channels, int n, int h, int w, boolean accumulate) {
        argX = dy;
        argY = dx;
        argN = n;
        argH = h;
        argW = w;
        argAccumulate = accumulate;
        WorkerPool.shared().run(channels, backwardBody);
        argX = null;
        argY = null;
    }

    private void forwardChannel(int c, int worker) {
        float[] x = argX;
        float[] y = argY;
        int n = argN;
        int h = argH;
        int w = argW;
        int oh = outputSize(h);
        int ow = outputSize(w);
        float inv = 1f / (kernel * kernel);
        for (int img = 0; img < n; img++) {
            int in = (c * n + img) * h * w;
            int out = (c * n + img) * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int bestAt = -1;
                    float sum = 0f;
                    for (int ky = 0; ky < kernel; ky++) {
                        int iy = oy * stride - pad + ky;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        for (int kx = 0; kx < kernel; kx++) {
                            int ix = ox * stride - pad + kx;
                            if (ix < 0 || ix >= w) {
                                continue;
                            }
                            int at = in + iy * w + ix;
                            float v = x[at];
                            sum += v;
                            if (bestAt < 0 || v > best || Float.isNaN(v)) {
                                best = v;
                                bestAt = at;
                            }
                        }
                    }
                    int o = out + oy * ow + ox;
                    if (kind == Kind.MAX) {
                        y[o] = best;
                        argMax[o] = bestAt;
                    } else {
                        y[o] = sum * inv;
                    }
                }
            }
        }
    }

    private void backwardChannel(int c, int worker) {
        float[] dy = argX;
        float[] dx = argY;
        int n = argN;
        int h = argH;
        int w = argW;
        int oh = outputSize(h);
        int ow = outputSize(w);
        if (!argAccumulate) {
            java.util.Arrays.fill(dx, c * n * h * w, (c + 1) * n * h * w, 0f);
        }
        float inv = 1f / (kernel * kernel);
        for (int img = 0; img < n; img++) {
            int in = (c * n + img) * h * w;
            int out = (c * n + img) * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int o = out + oy * ow + ox;
                    if (kind == Kind.MAX) {
                        dx[argMax[o]] += dy[o];
                        continue;
                    }
                    float g = dy[o] * inv;
                    for (int ky = 0; ky < kernel; ky++) {
                        int iy = oy * stride - pad + ky;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        for (int kx = 0; kx < kernel; kx++) {
                            int ix = ox * stride - pad + kx;
                            if (ix >= 0 && ix < w) {
                                dx[in + iy * w + ix] += g;
                            }
                        }
                    }
                }
            }
        }
    }
}
