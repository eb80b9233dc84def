package dev.nanoadam.models.nn;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.math.Gemm;
import dev.nanoadam.models.math.Im2col;
import dev.nanoadam.cpu.WorkerPool;

/**
 * 2-D convolution without bias (as torchvision's ResNet convolutions), square kernel, stride and
 * zero padding; weight {@code <name>} stored {@code [out, in, k, k]} as PyTorch.
 *
 * <p>Activations are channel-major {@code [C, N, H, W]}. The whole batch is one product
 * {@code y[out, N*OH*OW] = W[out, in*k*k] col[in*k*k, N*OH*OW]} ({@link Im2col}), computed in
 * blocks of output columns so that the lowered block stays below {@value #COL_BUDGET} floats.
 * A 1x1 convolution with stride 1 and no padding needs no lowering and multiplies the input directly.
 */
public final class Conv2d {
    /** Largest lowered block, in floats (1 MiB): small enough to stay in L2 between lowering and product. */
    static final int COL_BUDGET = 1 << 18;

    private final int inC;
    private final int outC;
    private final int kernel;
    private final int stride;
    private final int pad;
    private final Parameter weight;

    // Lowered input block [in*k*k, cols] and its gradient, sized on first use.
    private float[] col = new float[0];
    private float[] dcol = new float[0];

    // Arguments of the call in progress.
    private float[] argX;
    private float[] argDx;
    private int argN;
    private int argH;
    private int argW;
    private int argQ0;
    private int argCols;
    private final WorkerPool.Job lowerBody = this::lowerRows;
    private final WorkerPool.Job raiseBody = this::raiseChannel;

    /** A zero-initialised convolution; the owning model initialises it. */
    public Conv2d(String name, int inChannels, int outChannels, int kernel, int stride, int padding) {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException(name + ": invalid convolution in=" + inChannels + " out=" + outChannels
                    + " kernel=" + kernel + " stride=" + stride + " padding=" + padding);
        }
        this.inC = inChannels;
        this.outC = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.pad = padding;
        this.weight = Parameter.of(name, new float[outChannels * inChannels * kernel * kernel],
                outChannels, inChannels, kernel, kernel);
    }

    /** The weight, {@code [out, in, k, k]}. */
    public Parameter weight() {
        return weight;
    }

    /** Input channels. */
    public int inChannels() {
        return inC;
    }

    /** Output channels. */
    public int outChannels() {
        return outC;
    }

    /** Output height (or width) for an input of this height (or width). */
    public int outputSize(int in) {
        int o = Im2col.outputSize(in, kernel, stride, pad);
        if (o < 1) {
            throw new IllegalArgumentException(weight.name() + ": input size " + in + " is too small for kernel "
                    + kernel + " with padding " + pad);
        }
        return o;
    }

    private boolean direct() {
        return kernel == 1 && stride == 1 && pad == 0;
    }

    private int blockColumns(int total) {
        int rows = inC * kernel * kernel;
        return Math.max(1, Math.min(total, COL_BUDGET / rows));
    }

    private void ensureCol(int total, boolean gradient) {
        int need = inC * kernel * kernel * blockColumns(total);
        if (col.length < need) {
            col = new float[need];
        }
        if (gradient && dcol.length < need) {
            dcol = new float[need];
        }
    }

    /** {@code y[out, n, oh, ow] = conv(x[in, n, h, w])}. */
    public void forward(float[] x, float[] y, int n, int h, int w) {
        int q = n * outputSize(h) * outputSize(w);
        int rows = inC * kernel * kernel;
        float[] wt = weight.data();
        if (direct()) {
            Gemm.gemm(false, false, outC, q, inC, wt, 0, inC, x, 0, q, y, 0, q, false);
            return;
        }
        ensureCol(q, false);
        int block = blockColumns(q);
        for (int q0 = 0; q0 < q; q0 += block) {
            int cols = Math.min(block, q - q0);
            lower(x, n, h, w, q0, cols);
            Gemm.gemm(false, false, outC, cols, rows, wt, 0, rows, col, 0, cols, y, q0, q, false);
        }
    }

    /**
     * Adds to the weight gradient and writes (or, with {@code accumulate}, adds) the input
     * gradient {@code dx[in, n, h, w]} unless dx is null. {@code x} is the forward input.
     */
    public void backward(float[] x, float[] dy, float[] dx, int n, int h, int w, boolean accumulate) {
        int q = n * outputSize(h) * outputSize(w);
        int rows = inC * kernel * kernel;
        float[] wt = weight.data();
        float[] gw = weight.grad();
        if (direct()) {
            Gemm.gemm(false, true, outC, inC, q, dy, 0, q, x, 0, q, gw, 0, inC, true);
            if (dx != null) {
                Gemm.gemm(true, false, inC, q, outC, wt, 0, inC, dy, 0, q, dx, 0, q, accumulate);
            }
            return;
        }
        if (dx != null && !accumulate) {
            java.util.Arrays.fill(dx, 0, inC * n * h * w, 0f);
        }
        ensureCol(q, dx != null);
        int block = blockColumns(q);
        for (int q0 = 0; q0 < q; q0 += block) {
            int cols = Math.min(block, q - q0);
            lower(x, n, h, w, q0, cols);
            Gemm.gemm(false, true, outC, rows, cols, dy, q0, q, col, 0, cols, gw, 0, rows, true);
            if (dx != null) {
                Gemm.gemm(true, false, rows, cols, outC, wt, 0, rows, dy, q0, q, dcol, 0, cols, false);
                argDx = dx;
                argN = n;
                argH = h;
                argW = w;
                argQ0 = q0;
                argCols = cols;
                WorkerPool.shared().run(inC, raiseBody);
                argDx = null;
            }
        }
    }

    private void lower(float[] x, int n, int h, int w, int q0, int cols) {
        argX = x;
        argN = n;
        argH = h;
        argW = w;
        argQ0 = q0;
        argCols = cols;
        WorkerPool.shared().run(inC * kernel * kernel, lowerBody);
        argX = null;
    }

    private void lowerRows(int r, int worker) {
        Im2col.lower(argX, argN, argH, argW, kernel, kernel, stride, pad, argQ0, argCols, r, r + 1, col);
    }

    private void raiseChannel(int c, int worker) {
        Im2col.raise(dcol, argN, argH, argW, kernel, kernel, stride, pad, argQ0, argCols, c, c + 1, argDx);
    }
}
