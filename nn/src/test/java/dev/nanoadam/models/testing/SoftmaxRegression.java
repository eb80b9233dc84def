package dev.nanoadam.models.testing;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Classifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multinomial logistic regression on flattened images, for tests of the training loop:
 * {@code logits = W (x - mean) + b}, where {@code mean} is a running average of the inputs kept
 * as a buffer and updated only in training mode (like BatchNorm's statistics), so that checkpoints
 * must restore buffers too. {@code W} is the sparse group, {@code b} the dense one. Allocation-free
 * after the first batch of each size.
 */
public final class SoftmaxRegression implements Classifier {
    private static final float MOMENTUM = 0.1f;

    private final int features;
    private final int classes;
    private final Parameter weight;        // [classes, features]
    private final Parameter bias;          // [classes]
    private final float[] runningMean;     // [features]
    private boolean training = true;
    private float[] batchMean;             // [features]
    private float[] centered;              // [features]
    private float[] probs;                 // [classes]

    public SoftmaxRegression(int features, int classes, long seed) {
        this.features = features;
        this.classes = classes;
        float[] w = new float[classes * features];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.01);
        }
        this.weight = Parameter.of("linear.weight", w, classes, features);
        this.bias = Parameter.of("head.bias", new float[classes], classes);
        this.runningMean = new float[features];
        this.batchMean = new float[features];
        this.centered = new float[features];
        this.probs = new float[classes];
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public float[] runningMean() {
        return runningMean;
    }

    @Override
    public List<Parameter> sparseParameters() {
        return List.of(weight);
    }

    @Override
    public List<Parameter> denseParameters() {
        return List.of(bias);
    }

    @Override
    public Map<String, float[]> buffers() {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("input.running_mean", runningMean);
        return m;
    }

    @Override
    public void train(boolean training) {
        this.training = training;
    }

    /** Whether the model is in training mode. */
    public boolean isTraining() {
        return training;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    private void logits(float[] x, int offset) {
        for (int j = 0; j < features; j++) {
            centered[j] = x[offset + j] - runningMean[j];
        }
        float[] w = weight.data();
        float[] b = bias.data();
        for (int c = 0; c < classes; c++) {
            float s = b[c];
            for (int j = 0; j < features; j++) {
                s += w[c * features + j] * centered[j];
            }
            probs[c] = s;
        }
    }

    @Override
    public float lossAndGradients(Batch batch) {
        weight.zeroGrad();
        bias.zeroGrad();
        int n = batch.size();
        float[] x = batch.images();
        if (training) {
            java.util.Arrays.fill(batchMean, 0f);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < features; j++) {
                    batchMean[j] += x[i * features + j];
                }
            }
            for (int j = 0; j < features; j++) {
                runningMean[j] = (1 - MOMENTUM) * runningMean[j] + MOMENTUM * (batchMean[j] / n);
            }
        }
        float[] gw = weight.grad();
        float[] gb = bias.grad();
        float loss = 0f;
        for (int i = 0; i < n; i++) {
            logits(x, i * features);
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, probs[c]);
            }
            float sum = 0f;
            for (int c = 0; c < classes; c++) {
                probs[c] = (float) StrictMath.exp(probs[c] - max);
                sum += probs[c];
            }
            int y = batch.labels()[i];
            for (int c = 0; c < classes; c++) {
                probs[c] /= sum;
            }
            loss -= (float) StrictMath.log(probs[y]);
            for (int c = 0; c < classes; c++) {
                float d = (probs[c] - (c == y ? 1f : 0f)) / n;
                gb[c] += d;
                for (int j = 0; j < features; j++) {
                    gw[c * features + j] += d * centered[j];
                }
            }
        }
        return loss / n;
    }

    @Override
    public void predict(Batch batch, int[] out) {
        float[] x = batch.images();
        for (int i = 0; i < batch.size(); i++) {
            logits(x, i * features);
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (probs[c] > probs[best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
    }
}
