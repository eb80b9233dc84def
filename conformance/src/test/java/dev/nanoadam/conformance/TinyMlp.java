package dev.nanoadam.conformance;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Classifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small real classifier for testing the engine: images flattened, or token ids mean-pooled
 * through an embedding, into {@code hidden = relu(W1 x + b1)}, then {@code logits = W2 hidden + b2}
 * and softmax cross-entropy. Single-threaded loops in a fixed order, so it is deterministic. In
 * training mode it keeps a running mean of the hidden activations as a buffer, as BatchNorm keeps
 * its statistics.
 *
 * <p>Groups: the model puts {@code hidden.weight} (and {@code embedding.weight}) in SPARSE and the
 * rest in DENSE; SPEC.md §1's name rule would put {@code hidden.bias} in SPARSE, so the default and
 * the explicit groups differ.
 */
final class TinyMlp implements Classifier {
    private final boolean tokens;
    private final int inputs;     // D: pixels per image, or the embedding width
    private final int hidden;     // H
    private final int classes;    // C
    private final Parameter embedding;   // [V, D] or null for images
    private final Parameter w1;   // [H, D]
    private final Parameter b1;   // [H]
    private final Parameter w2;   // [C, H]
    private final Parameter b2;   // [C]
    private final float[] runningMean;   // [H]
    private boolean training = true;

    // Workspaces, sized for the last batch size.
    private float[] x;       // [B, D] inputs (pooled embeddings for tokens)
    private float[] h;       // [B, H] hidden activations after relu
    private float[] dh;      // [B, H]
    private float[] dx;      // [B, D]
    private float[] logits;  // [B, C]

    private TinyMlp(boolean tokens, int vocabulary, int inputs, int hidden, int classes, long seed) {
        this.tokens = tokens;
        this.inputs = inputs;
        this.hidden = hidden;
        this.classes = classes;
        SplittableRandom r = new SplittableRandom(seed);
        this.embedding = tokens ? Parameter.of("embedding.weight", gaussian(r, vocabulary * inputs, 0.5), vocabulary, inputs)
                : null;
        this.w1 = Parameter.of("hidden.weight", gaussian(r, hidden * inputs, Math.sqrt(2.0 / inputs)), hidden, inputs);
        this.b1 = Parameter.of("hidden.bias", gaussian(r, hidden, 0.01), hidden);
        this.w2 = Parameter.of("classifier.weight", gaussian(r, classes * hidden, Math.sqrt(1.0 / hidden)), classes, hidden);
        this.b2 = Parameter.of("classifier.bias", new float[classes], classes);
        this.runningMean = new float[hidden];
    }

    /** An MLP over {@code channels * height * width} pixels. */
    static TinyMlp images(int pixels, int hidden, int classes, long seed) {
        return new TinyMlp(false, 0, pixels, hidden, classes, seed);
    }

    /** An embedding bag over {@code vocabulary} tokens of width {@code width}, then the MLP. */
    static TinyMlp tokens(int vocabulary, int width, int hidden, int classes, long seed) {
        return new TinyMlp(true, vocabulary, width, hidden, classes, seed);
    }

    private static float[] gaussian(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double u1 = r.nextDouble();
            double u2 = r.nextDouble();
            a[i] = (float) (Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2) * scale);
        }
        return a;
    }

    @Override
    public List<Parameter> sparseParameters() {
        return tokens ? List.of(embedding, w1) : List.of(w1);
    }

    @Override
    public List<Parameter> denseParameters() {
        return List.of(b1, w2, b2);
    }

    @Override
    public Map<String, float[]> buffers() {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("hidden.running_mean", runningMean);
        return m;
    }

    @Override
    public void train(boolean on) {
        training = on;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    private void ensure(int b) {
        if (x == null || x.length != b * inputs) {
            x = new float[b * inputs];
            dx = new float[b * inputs];
            h = new float[b * hidden];
            dh = new float[b * hidden];
            logits = new float[b * classes];
        }
    }

    private void forward(Batch batch) {
        int b = batch.size();
        ensure(b);
        if (tokens) {
            int len = batch.seqLen();
            float[] e = embedding.data();
            java.util.Arrays.fill(x, 0f);
            for (int i = 0; i < b; i++) {
                int count = 0;
                for (int t = 0; t < len; t++) {
                    if (batch.attentionMask()[i * len + t] != 0) {
                        int id = batch.tokenIds()[i * len + t];
                        for (int d = 0; d < inputs; d++) {
                            x[i * inputs + d] += e[id * inputs + d];
                        }
                        count++;
                    }
                }
                float inv = 1f / Math.max(1, count);
                for (int d = 0; d < inputs; d++) {
                    x[i * inputs + d] *= inv;
                }
            }
        } else {
            if (batch.images().length < b * inputs) {
                throw new IllegalArgumentException("batch holds " + batch.images().length + " pixels, the model needs "
                        + b * inputs);
            }
            System.arraycopy(batch.images(), 0, x, 0, b * inputs);
        }
        float[] w = w1.data();
        float[] bias = b1.data();
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < hidden; j++) {
                float s = bias[j];
                for (int d = 0; d < inputs; d++) {
                    s = Math.fma(w[j * inputs + d], x[i * inputs + d], s);
                }
                h[i * hidden + j] = Math.max(0f, s);
            }
        }
        float[] v = w2.data();
        for (int i = 0; i < b; i++) {
            for (int c = 0; c < classes; c++) {
                float s = b2.data()[c];
                for (int j = 0; j < hidden; j++) {
                    s = Math.fma(v[c * hidden + j], h[i * hidden + j], s);
                }
                logits[i * classes + c] = s;
            }
        }
        if (training) {
            for (int j = 0; j < hidden; j++) {
                float mean = 0f;
                for (int i = 0; i < b; i++) {
                    mean += h[i * hidden + j];
                }
                runningMean[j] = 0.9f * runningMean[j] + 0.1f * (mean / b);
            }
        }
    }

    @Override
    public float lossAndGradients(Batch batch) {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
        forward(batch);
        int b = batch.size();
        int[] labels = batch.labels();
        double loss = 0;
        // logits become d(loss)/d(logits) in place: (softmax - onehot) / B
        for (int i = 0; i < b; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[i * classes + c]);
            }
            float sum = 0f;
            for (int c = 0; c < classes; c++) {
                float e = (float) Math.exp(logits[i * classes + c] - max);
                logits[i * classes + c] = e;
                sum += e;
            }
            loss -= Math.log(logits[i * classes + labels[i]] / sum);
            for (int c = 0; c < classes; c++) {
                float p = logits[i * classes + c] / sum;
                logits[i * classes + c] = (p - (c == labels[i] ? 1f : 0f)) / b;
            }
        }
        float[] gv = w2.grad();
        float[] gb2 = b2.grad();
        float[] v = w2.data();
        java.util.Arrays.fill(dh, 0f);
        for (int i = 0; i < b; i++) {
            for (int c = 0; c < classes; c++) {
                float d = logits[i * classes + c];
                gb2[c] += d;
                for (int j = 0; j < hidden; j++) {
                    gv[c * hidden + j] = Math.fma(d, h[i * hidden + j], gv[c * hidden + j]);
                    dh[i * hidden + j] = Math.fma(d, v[c * hidden + j], dh[i * hidden + j]);
                }
            }
        }
        float[] gw = w1.grad();
        float[] gb1 = b1.grad();
        float[] w = w1.data();
        java.util.Arrays.fill(dx, 0f);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < hidden; j++) {
                float d = h[i * hidden + j] > 0f ? dh[i * hidden + j] : 0f;
                gb1[j] += d;
                for (int k = 0; k < inputs; k++) {
                    gw[j * inputs + k] = Math.fma(d, x[i * inputs + k], gw[j * inputs + k]);
                    dx[i * inputs + k] = Math.fma(d, w[j * inputs + k], dx[i * inputs + k]);
                }
            }
        }
        if (tokens) {
            int len = batch.seqLen();
            float[] ge = embedding.grad();
            for (int i = 0; i < b; i++) {
                int count = 0;
                for (int t = 0; t < len; t++) {
                    count += batch.attentionMask()[i * len + t] != 0 ? 1 : 0;
                }
                float inv = 1f / Math.max(1, count);
                for (int t = 0; t < len; t++) {
                    if (batch.attentionMask()[i * len + t] != 0) {
                        int id = batch.tokenIds()[i * len + t];
                        for (int d = 0; d < inputs; d++) {
                            ge[id * inputs + d] = Math.fma(dx[i * inputs + d], inv, ge[id * inputs + d]);
                        }
                    }
                }
            }
        }
        return (float) (loss / b);
    }

    @Override
    public void predict(Batch batch, int[] out) {
        forward(batch);
        for (int i = 0; i < batch.size(); i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[i * classes + c] > logits[i * classes + best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
    }
}
