package dev.nanoadam.models.nn;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.math.ArrayMath;
import dev.nanoadam.models.math.Gemm;

/**
 * Fully connected layer {@code y = x W^T + b}, weight stored {@code [out, in]} as PyTorch's
 * {@code nn.Linear}. Parameters are named {@code <prefix>.weight} and {@code <prefix>.bias}.
 */
public final class Linear {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A zero-initialised layer; the owning model initialises it.
     *
     * @param prefix name prefix, e.g. {@code "encoder.layer.0.attention.self.query"}
     * @param hasBias whether there is a bias parameter
     */
    public Linear(String prefix, int in, int out, boolean hasBias) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException(prefix + ": in and out must be >= 1, got in=" + in + " out=" + out);
        }
        this.in = in;
        this.out = out;
        this.weight = Parameter.of(prefix + ".weight", new float[out * in], out, in);
        this.bias = hasBias ? Parameter.of(prefix + ".bias", new float[out], out) : null;
    }

    /** Input features. */
    public int in() {
        return in;
    }

    /** Output features. */
    public int out() {
        return out;
    }

    /** The weight, {@code [out, in]}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias, {@code [out]}, or null. */
    public Parameter bias() {
        return bias;
    }

    /** {@code y[rows, out] = x[rows, in] W^T + b}. */
    public void forward(float[] x, float[] y, int rows) {
        Gemm.gemm(false, true, rows, out, in, x, 0, in, weight.data(), 0, in, y, 0, out, false,
                bias == null ? null : bias.data());
    }

    /**
     * Adds {@code dy^T x} to the weight gradient and the column sums of {@code dy} to the bias
     * gradient; writes {@code dx = dy W} (or adds it, when {@code accumulate}) unless dx is null.
     *
     * @param x the forward input {@code [rows, in]}
     * @param dy the output gradient {@code [rows, out]}
     * @param dx the input gradient {@code [rows, in]}, or null when not needed
     */
    public void backward(float[] x, float[] dy, float[] dx, int rows, boolean accumulate) {
        Gemm.gemm(true, false, out, in, rows, dy, 0, out, x, 0, in, weight.grad(), 0, in, true);
        if (bias != null) {
            ArrayMath.addColumnSums(dy, rows, out, bias.grad());
        }
        if (dx != null) {
            Gemm.gemm(false, false, rows, in, out, dy, 0, out, weight.data(), 0, in, dx, 0, in, accumulate);
        }
    }
}
