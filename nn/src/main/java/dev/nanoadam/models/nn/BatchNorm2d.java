package dev.nanoadam.models.nn;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.math.ArrayMath;
import dev.nanoadam.cpu.WorkerPool;

/**
 * Batch normalisation over the channels of a {@code [C, N, H, W]} activation, as PyTorch's
 * {@code nn.BatchNorm2d} with its defaults: eps 1e-5, momentum 0.1, affine, running statistics.
 *
 * <p>Training: normalise with the batch mean and biased variance over {@code N*H*W}; update
 * {@code running_mean = 0.9 running_mean + 0.1 mean} and
 * {@code running_var = 0.9 running_var + 0.1 var * m/(m-1)} (unbiased, m = N*H*W).
 * Evaluation: normalise with the running statistics, which stay unchanged. Parameters
 * {@code <prefix>.weight} (1) and {@code <prefix>.bias} (0); buffers {@code <prefix>.running_mean}
 * (0) and {@code <prefix>.running_var} (1). Statistics are summed in double.
 */
public final class BatchNorm2d {
    /** PyTorch's default. */
    public static final float EPS = 1e-5f;
    /** PyTorch's default. */
    public static final float MOMENTUM = 0.1f;

    private final String prefix;
    private final int channels;
    private final Parameter gamma;
    private final Parameter beta;
    private final float[] runningMean;
    private final float[] runningVar;

    // Statistics used by the last forward, per channel: mean [C], 1/sqrt(var+eps) [C].
    private final float[] mean;
    private final float[] rstd;
    private boolean lastTraining;

    private float[] argX;
    private float[] argY;
    private float[] argDy;
    private int argCount;
    private boolean argFlag;
    private final WorkerPool.Job forwardBody = this::forwardChannel;
    private final WorkerPool.Job backwardBody = this::backwardChannel;

    /** A layer with weight 1, bias 0, running mean 0 and running variance 1. */
    public BatchNorm2d(String prefix, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException(prefix + ": channels must be >= 1, got " + channels);
        }
        this.prefix = prefix;
        this.channels = channels;
        float[] ones = new float[channels];
        java.util.Arrays.fill(ones, 1f);
        this.gamma = Parameter.of(prefix + ".weight", ones, channels);
        this.beta = Parameter.of(prefix + ".bias", new float[channels], channels);
        this.runningMean = new float[channels];
        this.runningVar = new float[channels];
        java.util.Arrays.fill(runningVar, 1f);
        this.mean = new float[channels];
        this.rstd = new float[channels];
    }

    /** gamma, {@code [C]}. */
    public Parameter weight() {
        return gamma;
    }

    /** beta, {@code [C]}. */
    public Parameter bias() {
        return beta;
    }

    /** The live running mean, {@code [C]}. */
    public float[] runningMean() {
        return runningMean;
    }

    /** The live running variance, {@code [C]}. */
    public float[] runningVar() {
        return runningVar;
    }

    /** The name prefix, e.g. {@code layer1.0.bn1}. */
    public String prefix() {
        return prefix;
    }

    /**
     * Normalises {@code x[C, n, hw]} into {@code y}; in training mode also updates the running
     * statistics.
     *
     * @throws IllegalArgumentException in training mode with a single value per channel
     */
    public void forward(float[] x, float[] y, int n, int hw, boolean training) {
        int count = n * hw;
        if (training && count < 2) {
            throw new IllegalArgumentException(prefix + ": training needs more than one value per channel, got "
                    + count);
        }
        argX = x;
        argY = y;
        argCount = count;
        argFlag = training;
        lastTraining = training;
        WorkerPool.shared().run(channels, forwardBody);
        argX = null;
        argY = null;
    }

    /**
     * Backward of the last {@link #forward}: adds to the gamma and beta gradients and writes (or,
     * with {@code accumulate}, adds) {@code dx}. {@code x} is the forward input.
     */
    public void backward(float[] x, float[] dy, float[] dx, int n, int hw, boolean accumulate) {
        argX = x;
        argDy = dy;
        argY = dx;
        argCount = n * hw;
        argFlag = accumulate;
        WorkerPool.shared().run(channels, backwardBody);
        argX = null;
        argDy = null;
        argY = null;
    }

    private void forwardChannel(int c, int worker) {
        float[] x = argX;
        float[] y = argY;
        int count = argCount;
        int o = c * count;
        float m;
        float s;
        if (argFlag) {
            double mu = ArrayMath.sumAsDouble(x, o, count) / count;
            m = (float) mu;
            double var = ArrayMath.sumSquaredDeviationAsDouble(x, o, count, m) / count;
            s = (float) (1.0 / Math.sqrt(var + EPS));
            runningMean[c] = (1 - MOMENTUM) * runningMean[c] + MOMENTUM * m;
            runningVar[c] = (float) ((1 - MOMENTUM) * runningVar[c] + MOMENTUM * (var * count / (count - 1)));
        } else {
            m = runningMean[c];
            s = (float) (1.0 / Math.sqrt(runningVar[c] + (double) EPS));
        }
        mean[c] = m;
        rstd[c] = s;
        float scale = s * gamma.data()[c];
        float shift = beta.data()[c] - m * scale;
        for (int i = 0; i < count; i++) {
            y[o + i] = x[o + i] * scale + shift;
        }
    }

    private void backwardChannel(int c, int worker) {
        float[] x = argX;
        float[] dy = argDy;
        float[] dx = argY;
        boolean accumulate = argFlag;
        int count = argCount;
        int o = c * count;
        float m = mean[c];
        float s = rstd[c];
        double sumDy = ArrayMath.sumAsDouble(dy, o, count);
        double sumDyXhat = s * ArrayMath.dotDeviationAsDouble(dy, o, x, o, count, m);
        gamma.grad()[c] += (float) sumDyXhat;
        beta.grad()[c] += (float) sumDy;
        float g = gamma.data()[c];
        if (lastTraining) {
            // dx = g s (dy - mean(dy) - xhat mean(dy xhat)).
            float a = g * s;
            float meanDy = (float) (sumDy / count);
            float k = (float) (sumDyXhat / count) * s;
            for (int i = 0; i < count; i++) {
                float v = a * (dy[o + i] - meanDy - (x[o + i] - m) * k);
                dx[o + i] = accumulate ? dx[o + i] + v : v;
            }
        } else {
            float a = g * s;
            for (int i = 0; i < count; i++) {
                float v = a * dy[o + i];
                dx[o + i] = accumulate ? dx[o + i] + v : v;
            }
        }
    }
}
