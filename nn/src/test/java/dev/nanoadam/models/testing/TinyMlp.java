package dev.nanoadam.models.testing;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Classifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The one small model of the tests that need a real classifier: those of the training loop
 * (resumption bit for bit, evaluation), of the commands ({@code --model tiny-mlp}) and of the
 * lock-step engine. Small enough to train in milliseconds, with every feature those tests
 * exercise: both groups of parameters, a buffer that checkpoints must restore, a training mode,
 * image and token inputs.
 *
 * <p>Per example: the input {@code x} is the image row, or for tokens the mean of the embedding
 * rows of the attended tokens; it is centred by {@code mean}, the running mean of the inputs as it
 * stands at the start of the step; then {@code logits = fc(relu(layer1(x - mean)))}, or
 * {@code fc(x - mean)} when {@code hidden == 0} (softmax regression); the loss is the softmax
 * cross-entropy, averaged over the batch. At the end of a step in training mode, {@code mean}
 * (buffer {@code input.running_mean}) moves a tenth of the way to the batch's mean input, like
 * BatchNorm's statistics: a resumed run matches an uninterrupted one only if the checkpoint
 * restored the buffer.
 *
 * <p>Parameters: {@code embedding.weight} (tokens only), {@code layer1.weight}, {@code layer1.bias}
 * ({@code hidden > 0} only), {@code fc.weight}, {@code fc.bias}. SPARSE holds the matrices before
 * the head ({@code embedding.weight}, {@code layer1.weight}), or {@code fc.weight} when there is no
 * hidden layer; the rest is DENSE. SPEC.md §1's name rule would put {@code layer1.bias} in SPARSE,
 * so the explicit groups differ from the default ones, which the lock-step tests use.
 *
 * <p>Deterministic: single-threaded loops in a fixed order, {@link Math#fma} in the dot products
 * and gradient sums, {@link StrictMath} for exp, log and the initial draws. Allocation-free after
 * construction: the workspaces are per example, whatever the batch size.
 */
public final class TinyMlp implements Classifier {
    private static final float MOMENTUM = 0.1f;

    private final boolean tokens;
    private final int features;           // F: pixels per image, or the embedding width
    private final int hidden;             // H, 0 for none
    private final int classes;            // C
    private final int headInputs;         // H, or F when hidden == 0
    private final Parameter embedding;    // [V, F], tokens only
    private final Parameter w1;           // [H, F], hidden > 0 only
    private final Parameter b1;           // [H], hidden > 0 only
    private final Parameter w2;           // [C, headInputs]
    private final Parameter b2;           // [C]
    private final List<Parameter> sparse;
    private final List<Parameter> dense;
    private final Parameter[] all;
    private final float[] runningMean;    // [F]
    private boolean training = true;

    // Workspaces for one example.
    private final float[] x;              // [F] the input
    private final float[] centred;        // [F] x - runningMean
    private final float[] inputSum;       // [F] sum of the batch's inputs
    private final float[] h;              // [H] hidden activations after relu
    private final float[] dHead;          // [headInputs] d(loss)/d(head input)
    private final float[] dx;             // [F] d(loss)/d(x), tokens only
    private final float[] logits;         // [C] logits, then probabilities, then d(loss)/d(logits)

    private TinyMlp(boolean tokens, int vocabulary, int features, int hidden, int classes, long seed) {
        if (features < 1 || hidden < 0 || classes < 1 || (tokens && vocabulary < 1)) {
            throw new IllegalArgumentException("TinyMlp needs vocabulary >= 1 (tokens), features >= 1, hidden >= 0, classes >= 1;"
                    + " got vocabulary " + vocabulary + ", features " + features + ", hidden " + hidden + ", classes " + classes);
        }
        this.tokens = tokens;
        this.features = features;
        this.hidden = hidden;
        this.classes = classes;
        this.headInputs = hidden > 0 ? hidden : features;
        SplittableRandom r = new SplittableRandom(seed);
        this.embedding = tokens ? Parameter.of("embedding.weight", gaussian(r, vocabulary * features, 0.5), vocabulary, features)
                : null;
        this.w1 = hidden > 0 ? Parameter.of("layer1.weight", gaussian(r, hidden * features, Math.sqrt(2.0 / features)),
                hidden, features) : null;
        this.b1 = hidden > 0 ? Parameter.of("layer1.bias", new float[hidden], hidden) : null;
        this.w2 = Parameter.of("fc.weight", gaussian(r, classes * headInputs, Math.sqrt(1.0 / headInputs)), classes, headInputs);
        this.b2 = Parameter.of("fc.bias", new float[classes], classes);
        List<Parameter> s = new ArrayList<>();
        List<Parameter> d = new ArrayList<>();
        if (tokens) {
            s.add(embedding);
        }
        if (hidden > 0) {
            s.add(w1);
            d.add(b1);
            d.add(w2);
        } else {
            s.add(w2);
        }
        d.add(b2);
        this.sparse = List.copyOf(s);
        this.dense = List.copyOf(d);
        s.addAll(d);
        this.all = s.toArray(new Parameter[0]);
        this.runningMean = new float[features];
        this.x = new float[features];
        this.centred = new float[features];
        this.inputSum = new float[features];
        this.h = new float[hidden];
        this.dHead = new float[headInputs];
        this.dx = new float[tokens ? features : 0];
        this.logits = new float[classes];
    }

    /** A model of images of {@code features} pixels; {@code hidden == 0} for softmax regression. */
    public static TinyMlp images(int features, int hidden, int classes, long seed) {
        return new TinyMlp(false, 0, features, hidden, classes, seed);
    }

    /** A model of token ids below {@code vocabulary}, mean-pooled through an embedding of {@code width}. */
    public static TinyMlp tokens(int vocabulary, int width, int hidden, int classes, long seed) {
        return new TinyMlp(true, vocabulary, width, hidden, classes, seed);
    }

    /** Normal draws by Box-Muller in {@link StrictMath}, the same on every machine. */
    private static float[] gaussian(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double u1 = r.nextDouble();
            double u2 = r.nextDouble();
            a[i] = (float) (StrictMath.sqrt(-2 * StrictMath.log(1 - u1)) * StrictMath.cos(2 * StrictMath.PI * u2) * scale);
        }
        return a;
    }

    /** The parameter named {@code name} (the names are listed in the class comment). */
    public Parameter parameter(String name) {
        for (Parameter p : all) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("TinyMlp has no parameter '" + name + "'; it has "
                + Arrays.stream(all).map(Parameter::name).toList());
    }

    /** The live buffer {@code input.running_mean}. */
    public float[] runningMean() {
        return runningMean;
    }

    /** Whether the model is in training mode. */
    public boolean isTraining() {
        return training;
    }

    @Override
    public List<Parameter> sparseParameters() {
        return sparse;
    }

    @Override
    public List<Parameter> denseParameters() {
        return dense;
    }

    @Override
    public Map<String, float[]> buffers() {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("input.running_mean", runningMean);
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

    private void check(Batch batch) {
        if (tokens ? batch.tokenIds() == null : batch.images() == null) {
            throw new IllegalArgumentException("TinyMlp of " + (tokens ? "tokens" : "images") + " given a batch of "
                    + (tokens ? "images" : "tokens"));
        }
        if (!tokens && batch.images().length < batch.size() * features) {
            throw new IllegalArgumentException("batch holds " + batch.images().length + " pixels, the model needs "
                    + batch.size() * features);
        }
    }

    /** Fills {@code x}, {@code centred}, {@code h} and {@code logits} for example {@code i}. */
    private void forward(Batch batch, int i) {
        if (tokens) {
            int len = batch.seqLen();
            float[] e = embedding.data();
            int vocabulary = embedding.shape()[0];
            Arrays.fill(x, 0f);
            int count = 0;
            for (int t = 0; t < len; t++) {
                if (batch.attentionMask()[i * len + t] != 0) {
                    int id = batch.tokenIds()[i * len + t];
                    if (id < 0 || id >= vocabulary) {
                        throw new IllegalArgumentException("token id " + id + " at example " + i + ", position " + t
                                + " is outside the vocabulary of " + vocabulary);
                    }
                    for (int d = 0; d < features; d++) {
                        x[d] += e[id * features + d];
                    }
                    count++;
                }
            }
            float inv = 1f / Math.max(1, count);
            for (int d = 0; d < features; d++) {
                x[d] *= inv;
            }
        } else {
            System.arraycopy(batch.images(), i * features, x, 0, features);
        }
        for (int d = 0; d < features; d++) {
            centred[d] = x[d] - runningMean[d];
        }
        float[] in = centred;
        if (hidden > 0) {
            float[] w = w1.data();
            float[] b = b1.data();
            for (int u = 0; u < hidden; u++) {
                float s = b[u];
                for (int d = 0; d < features; d++) {
                    s = Math.fma(w[u * features + d], centred[d], s);
                }
                h[u] = Math.max(0f, s);
            }
            in = h;
        }
        float[] v = w2.data();
        float[] b = b2.data();
        for (int c = 0; c < classes; c++) {
            float s = b[c];
            for (int u = 0; u < headInputs; u++) {
                s = Math.fma(v[c * headInputs + u], in[u], s);
            }
            logits[c] = s;
        }
    }

    @Override
    public float lossAndGradients(Batch batch) {
        check(batch);
        for (Parameter p : all) {
            p.zeroGrad();
        }
        int n = batch.size();
        int[] labels = batch.labels();
        Arrays.fill(inputSum, 0f);
        double loss = 0;
        for (int i = 0; i < n; i++) {
            forward(batch, i);
            for (int d = 0; d < features; d++) {
                inputSum[d] += x[d];
            }
            loss += softmaxGradient(labels[i], n);
            backward(batch, i);
        }
        if (training) {
            for (int d = 0; d < features; d++) {
                runningMean[d] = (1 - MOMENTUM) * runningMean[d] + MOMENTUM * (inputSum[d] / n);
            }
        }
        return (float) (loss / n);
    }

    /** Turns {@code logits} into {@code (softmax - onehot(y)) / n} and returns this example's loss. */
    private double softmaxGradient(int y, int n) {
        if (y < 0 || y >= classes) {
            throw new IllegalArgumentException("label " + y + " is outside the " + classes + " classes");
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[c]);
        }
        float label = logits[y] - max;
        float sum = 0f;
        for (int c = 0; c < classes; c++) {
            logits[c] = (float) StrictMath.exp(logits[c] - max);
            sum += logits[c];
        }
        for (int c = 0; c < classes; c++) {
            logits[c] = (logits[c] / sum - (c == y ? 1f : 0f)) / n;
        }
        return StrictMath.log(sum) - label;
    }

    /** Adds example {@code i}'s gradients, from {@code logits} holding d(loss)/d(logits). */
    private void backward(Batch batch, int i) {
        float[] in = hidden > 0 ? h : centred;
        float[] v = w2.data();
        float[] gv = w2.grad();
        float[] gb2 = b2.grad();
        Arrays.fill(dHead, 0f);
        for (int c = 0; c < classes; c++) {
            float d = logits[c];
            gb2[c] += d;
            for (int u = 0; u < headInputs; u++) {
                gv[c * headInputs + u] = Math.fma(d, in[u], gv[c * headInputs + u]);
                dHead[u] = Math.fma(d, v[c * headInputs + u], dHead[u]);
            }
        }
        if (!tokens && hidden == 0) {
            return;
        }
        float[] dInput = dHead;
        if (hidden > 0) {
            float[] w = w1.data();
            float[] gw = w1.grad();
            float[] gb1 = b1.grad();
            if (tokens) {
                Arrays.fill(dx, 0f);
            }
            for (int u = 0; u < hidden; u++) {
                if (h[u] <= 0f) {
                    continue;
                }
                float d = dHead[u];
                gb1[u] += d;
                for (int k = 0; k < features; k++) {
                    gw[u * features + k] = Math.fma(d, centred[k], gw[u * features + k]);
                }
                if (tokens) {
                    for (int k = 0; k < features; k++) {
                        dx[k] = Math.fma(d, w[u * features + k], dx[k]);
                    }
                }
            }
            dInput = dx;
        }
        if (tokens) {
            int len = batch.seqLen();
            int count = 0;
            for (int t = 0; t < len; t++) {
                count += batch.attentionMask()[i * len + t] != 0 ? 1 : 0;
            }
            float inv = 1f / Math.max(1, count);
            float[] ge = embedding.grad();
            for (int t = 0; t < len; t++) {
                if (batch.attentionMask()[i * len + t] != 0) {
                    int id = batch.tokenIds()[i * len + t];
                    for (int d = 0; d < features; d++) {
                        ge[id * features + d] = Math.fma(dInput[d], inv, ge[id * features + d]);
                    }
                }
            }
        }
    }

    @Override
    public void predict(Batch batch, int[] out) {
        check(batch);
        for (int i = 0; i < batch.size(); i++) {
            forward(batch, i);
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[c] > logits[best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
    }
}
