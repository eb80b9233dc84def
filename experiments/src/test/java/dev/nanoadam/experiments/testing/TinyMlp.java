package dev.nanoadam.experiments.testing;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Classifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A one-hidden-layer perceptron for fast tests of the commands on real images:
 * {@code logits = fc(relu(layer1(x - mean)))}, with {@code mean} a running average of the inputs
 * kept as a buffer (updated in training mode only, like BatchNorm statistics). {@code layer1.weight}
 * is the SPARSE group; {@code layer1.bias} and the head {@code fc.*} are DENSE. Deterministic, and
 * allocation-free after the first batch of each size.
 */
public final class TinyMlp implements Classifier {
    private static final float MOMENTUM = 0.1f;

    private final int features;
    private final int hidden;
    private final int classes;
    private final Parameter w1;            // [hidden, features]
    private final Parameter b1;            // [hidden]
    private final Parameter w2;            // [classes, hidden]
    private final Parameter b2;            // [classes]
    private final float[] runningMean;     // [features]
    private boolean training = true;
    private final float[] centered;        // [features]
    private final float[] h;               // [hidden] activations of one example
    private final float[] dh;              // [hidden]
    private final float[] p;               // [classes]

    public TinyMlp(int features, int hidden, int classes, long seed) {
        this.features = features;
        this.hidden = hidden;
        this.classes = classes;
        SplittableRandom r = new SplittableRandom(seed);
        this.w1 = Parameter.of("layer1.weight", init(r, hidden * features, features), hidden, features);
        this.b1 = Parameter.of("layer1.bias", new float[hidden], hidden);
        this.w2 = Parameter.of("fc.weight", init(r, classes * hidden, hidden), classes, hidden);
        this.b2 = Parameter.of("fc.bias", new float[classes], classes);
        this.runningMean = new float[features];
        this.centered = new float[features];
        this.h = new float[hidden];
        this.dh = new float[hidden];
        this.p = new float[classes];
    }

    private static float[] init(SplittableRandom r, int n, int fanIn) {
        float[] w = new float[n];
        double scale = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < n; i++) {
            w[i] = (float) (r.nextGaussian() * scale);
        }
        return w;
    }

    @Override
    public List<Parameter> sparseParameters() {
        return List.of(w1);
    }

    @Override
    public List<Parameter> denseParameters() {
        return List.of(b1, w2, b2);
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

    @Override
    public int numClasses() {
        return classes;
    }

    /** Fills {@code h} and {@code p} (logits) for example {@code i}. */
    private void forward(float[] x, int i) {
        int off = i * features;
        for (int j = 0; j < features; j++) {
            centered[j] = x[off + j] - runningMean[j];
        }
        float[] a = w1.data();
        for (int u = 0; u < hidden; u++) {
            float s = b1.data()[u];
            for (int j = 0; j < features; j++) {
                s += a[u * features + j] * centered[j];
            }
            h[u] = Math.max(0f, s);
        }
        float[] b = w2.data();
        for (int c = 0; c < classes; c++) {
            float s = b2.data()[c];
            for (int u = 0; u < hidden; u++) {
                s += b[c * hidden + u] * h[u];
            }
            p[c] = s;
        }
    }

    @Override
    public float lossAndGradients(Batch batch) {
        for (Parameter q : parameters()) {
            q.zeroGrad();
        }
        int n = batch.size();
        float[] x = batch.images();
        if (training) {
            for (int j = 0; j < features; j++) {
                float s = 0f;
                for (int i = 0; i < n; i++) {
                    s += x[i * features + j];
                }
                runningMean[j] = (1 - MOMENTUM) * runningMean[j] + MOMENTUM * (s / n);
            }
        }
        float loss = 0f;
        float[] g1 = w1.grad();
        float[] gb1 = b1.grad();
        float[] g2 = w2.grad();
        float[] gb2 = b2.grad();
        float[] a2 = w2.data();
        for (int i = 0; i < n; i++) {
            forward(x, i);
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, p[c]);
            }
            float sum = 0f;
            for (int c = 0; c < classes; c++) {
                p[c] = (float) StrictMath.exp(p[c] - max);
                sum += p[c];
            }
            int y = batch.labels()[i];
            loss -= (float) StrictMath.log(p[y] / sum);
            java.util.Arrays.fill(dh, 0f);
            for (int c = 0; c < classes; c++) {
                float d = (p[c] / sum - (c == y ? 1f : 0f)) / n;
                gb2[c] += d;
                for (int u = 0; u < hidden; u++) {
                    g2[c * hidden + u] += d * h[u];
                    dh[u] += d * a2[c * hidden + u];
                }
            }
            for (int u = 0; u < hidden; u++) {
                if (h[u] <= 0f) {
                    continue;
                }
                gb1[u] += dh[u];
                for (int j = 0; j < features; j++) {
                    g1[u * features + j] += dh[u] * centered[j];
                }
            }
        }
        return loss / n;
    }

    @Override
    public void predict(Batch batch, int[] out) {
        float[] x = batch.images();
        for (int i = 0; i < batch.size(); i++) {
            forward(x, i);
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
    }
}
