package dev.nanoadam.models;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.math.ArrayMath;
import dev.nanoadam.models.nn.Embedding;
import dev.nanoadam.models.nn.Gelu;
import dev.nanoadam.models.nn.Init;
import dev.nanoadam.models.nn.LayerNorm;
import dev.nanoadam.models.nn.Linear;
import dev.nanoadam.models.nn.MultiHeadSelfAttention;
import dev.nanoadam.models.nn.Residual;
import dev.nanoadam.models.nn.SoftmaxCrossEntropy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A BERT-style encoder with a classification head on the first token ([CLS]).
 *
 * <p>Architecture (Hugging Face {@code BertModel}, post-LayerNorm): embeddings = LayerNorm(word +
 * learned position + token type 0); then per layer {@code h1 = LN(x + Attention(x))},
 * {@code h2 = LN(h1 + W2 gelu(W1 h1))}; logits = {@code classifier(h_L[:, 0])}. No pooler and no
 * dropout, so training and evaluation compute the same function. Position ids are
 * {@code 0..seqLen-1}. Parameter names are exactly Hugging Face's
 * ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.N.attention.self.query.weight},
 * ..., {@code classifier.weight}), Linear weights stored {@code [out, in]}, so pretrained BERT
 * weights such as all-MiniLM-L6-v2 ({@link Config#miniLmL6}) load by name into
 * {@link #namedParameters()}.
 *
 * <p>Initialisation follows BERT: weights and embeddings normal with standard deviation
 * {@code initializerRange}, biases 0, LayerNorm 1 and 0; deterministic for a seed.
 *
 * <p>Workspaces are sized for the largest batch seen and reused, so {@link #lossAndGradients}
 * does not allocate once warmed up. Not thread-safe.
 */
public final class Transformer implements Classifier {
    /**
     * Architecture of a {@link Transformer}.
     *
     * @param vocabSize word-piece vocabulary size
     * @param hiddenSize width of every token's hidden state
     * @param numLayers encoder layers
     * @param numHeads attention heads, dividing hiddenSize
     * @param intermediateSize width of the feed-forward layer
     * @param maxPositions longest sequence (rows of the position table)
     * @param typeVocabSize rows of the token-type table (type 0 is used)
     * @param layerNormEps epsilon of every LayerNorm
     * @param numClasses classes of the head
     * @param causal whether attention is causal (BERT: false)
     * @param initializerRange standard deviation of the initial weights (BERT: 0.02)
     */
    public record Config(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                         int maxPositions, int typeVocabSize, float layerNormEps, int numClasses, boolean causal,
                         float initializerRange) {
        /** Validates every field. */
        public Config {
            require(vocabSize >= 1, "vocabSize", vocabSize);
            require(hiddenSize >= 1, "hiddenSize", hiddenSize);
            require(numLayers >= 0, "numLayers", numLayers);
            require(numHeads >= 1 && hiddenSize % numHeads == 0, "numHeads (must divide hiddenSize " + hiddenSize + ")",
                    numHeads);
            require(intermediateSize >= 1, "intermediateSize", intermediateSize);
            require(maxPositions >= 1, "maxPositions", maxPositions);
            require(typeVocabSize >= 1, "typeVocabSize", typeVocabSize);
            require(layerNormEps > 0 && !Float.isInfinite(layerNormEps), "layerNormEps", layerNormEps);
            require(numClasses >= 1, "numClasses", numClasses);
            require(initializerRange >= 0 && !Float.isInfinite(initializerRange), "initializerRange",
                    initializerRange);
        }

        /**
         * The architecture of sentence-transformers/all-MiniLM-L6-v2: 6 layers, hidden 384, 12
         * heads, FFN 1536, vocabulary 30522, 512 positions, 2 token types, LayerNorm eps 1e-12.
         */
        public static Config miniLmL6(int numClasses) {
            return new Config(30522, 384, 6, 12, 1536, 512, 2, 1e-12f, numClasses, false, 0.02f);
        }

        private static void require(boolean ok, String field, Object value) {
            if (!ok) {
                throw new IllegalArgumentException("Transformer.Config: invalid " + field + ": " + value);
            }
        }
    }

    /** One encoder layer's modules and the activations its backward pass needs. */
    private static final class Layer {
        final MultiHeadSelfAttention attention;
        final LayerNorm attentionNorm;
        final Linear intermediate;
        final Linear output;
        final LayerNorm outputNorm;
        // Activations, [rows, hidden] unless noted: s1 = x + attention(x); h1 = LN(s1);
        // pre = W1 h1 + b1 and act = gelu(pre), [rows, intermediate]; s2 = h1 + W2 act + b2; h2 = LN(s2).
        float[] s1 = new float[0];
        float[] h1 = new float[0];
        float[] pre = new float[0];
        float[] act = new float[0];
        float[] s2 = new float[0];
        float[] h2 = new float[0];
        // The four attention projections in name order: query, key, value, output dense.
        final Linear[] linears;

        Layer(String p, Config c) {
            Linear q = new Linear(p + ".attention.self.query", c.hiddenSize, c.hiddenSize, true);
            Linear k = new Linear(p + ".attention.self.key", c.hiddenSize, c.hiddenSize, true);
            Linear v = new Linear(p + ".attention.self.value", c.hiddenSize, c.hiddenSize, true);
            Linear o = new Linear(p + ".attention.output.dense", c.hiddenSize, c.hiddenSize, true);
            attention = new MultiHeadSelfAttention(q, k, v, o, c.numHeads, c.causal);
            attentionNorm = new LayerNorm(p + ".attention.output.LayerNorm", c.hiddenSize, c.layerNormEps);
            intermediate = new Linear(p + ".intermediate.dense", c.hiddenSize, c.intermediateSize, true);
            output = new Linear(p + ".output.dense", c.intermediateSize, c.hiddenSize, true);
            outputNorm = new LayerNorm(p + ".output.LayerNorm", c.hiddenSize, c.layerNormEps);
            linears = new Linear[] {q, k, v, o};
        }
    }

    private final Config config;
    private final Embedding words;
    private final Embedding positions;
    private final Embedding tokenTypes;
    private final LayerNorm embeddingNorm;
    private final Layer[] layers;
    private final Linear classifier;
    private final Gelu gelu = new Gelu();
    private final SoftmaxCrossEntropy crossEntropy = new SoftmaxCrossEntropy();
    private final Map<String, Parameter> named;
    private final Parameter[] all;
    private final List<Parameter> sparse;
    private final List<Parameter> dense;
    private boolean training = true;

    // Workspaces for up to capacityRows = batch*seq tokens and capacityBatch examples.
    private int capacityRows;
    private int capacityBatch;
    private int[] positionIds = new int[0];   // [rows]: position of each token
    private int[] typeIds = new int[0];       // [rows]: all 0
    private float[] embedded = new float[0];  // [rows, hidden]: word + position + type
    private float[] hidden0 = new float[0];   // [rows, hidden]: LayerNorm of embedded
    private float[] cls = new float[0];       // [batch, hidden]: final hidden state of token 0
    private float[] logits = new float[0];    // [batch, classes]
    private float[] dLogits = new float[0];   // [batch, classes]
    private float[] dCls = new float[0];      // [batch, hidden]
    private float[] dHidden = new float[0];   // [rows, hidden]: gradient of the current layer's output
    private float[] dSum = new float[0];      // [rows, hidden]: gradient of a LayerNorm input
    private float[] dH1 = new float[0];       // [rows, hidden]
    private float[] dFfn = new float[0];      // [rows, intermediate]

    // Shape of the last forward.
    private int batchSize;
    private int seqLen;

    /** A model with BERT initialisation drawn from {@code seed}. */
    public Transformer(Config config, long seed) {
        this.config = config;
        int h = config.hiddenSize;
        words = new Embedding("embeddings.word_embeddings.weight", config.vocabSize, h);
        positions = new Embedding("embeddings.position_embeddings.weight", config.maxPositions, h);
        tokenTypes = new Embedding("embeddings.token_type_embeddings.weight", config.typeVocabSize, h);
        embeddingNorm = new LayerNorm("embeddings.LayerNorm", h, config.layerNormEps);
        layers = new Layer[config.numLayers];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer("encoder.layer." + i, config);
        }
        classifier = new Linear("classifier", h, config.numClasses, true);

        Map<String, Parameter> map = new LinkedHashMap<>();
        add(map, words.table(), positions.table(), tokenTypes.table(), embeddingNorm.weight(), embeddingNorm.bias());
        for (Layer l : layers) {
            for (Linear lin : l.linears) {
                add(map, lin.weight(), lin.bias());
                if (lin == l.linears[3]) {
                    add(map, l.attentionNorm.weight(), l.attentionNorm.bias());
                }
            }
            add(map, l.intermediate.weight(), l.intermediate.bias(), l.output.weight(), l.output.bias(),
                    l.outputNorm.weight(), l.outputNorm.bias());
        }
        add(map, classifier.weight(), classifier.bias());
        named = Collections.unmodifiableMap(map);
        all = map.values().toArray(new Parameter[0]);

        List<Parameter> s = new ArrayList<>();
        List<Parameter> d = new ArrayList<>();
        for (Parameter p : named.values()) {
            boolean isDense = p.name().contains("LayerNorm") || p.name().startsWith("classifier.");
            (isDense ? d : s).add(p);
        }
        sparse = List.copyOf(s);
        dense = List.copyOf(d);

        Random rng = new Random(seed);
        float std = config.initializerRange;
        for (Parameter p : named.values()) {
            String n = p.name();
            if (n.contains("LayerNorm")) {
                continue;
            }
            if (n.endsWith(".weight")) {
                Init.normal(p.data(), std, rng);
            }
        }
    }

    private static void add(Map<String, Parameter> map, Parameter... ps) {
        for (Parameter p : ps) {
            if (map.put(p.name(), p) != null) {
                throw new IllegalStateException("duplicate parameter name " + p.name());
            }
        }
    }

    /** The architecture. */
    public Config config() {
        return config;
    }

    @Override
    public int numClasses() {
        return config.numClasses;
    }

    /** Every parameter by its Hugging Face name, in Hugging Face's state-dict order. */
    public Map<String, Parameter> namedParameters() {
        return named;
    }

    /** Everything but LayerNorms and the classifier, in name order. */
    @Override
    public List<Parameter> sparseParameters() {
        return sparse;
    }

    /** LayerNorm weights and biases and the classifier, in name order. */
    @Override
    public List<Parameter> denseParameters() {
        return dense;
    }

    /** None: the transformer has no non-trainable state. */
    @Override
    public Map<String, float[]> buffers() {
        return Map.of();
    }

    /** Recorded only: without dropout, training and evaluation compute the same function. */
    @Override
    public void train(boolean training) {
        this.training = training;
    }

    /** Whether {@link #train} was last called with true (the initial state). */
    public boolean isTraining() {
        return training;
    }

    @Override
    public float lossAndGradients(Batch batch) {
        checkLabels(batch);
        for (Parameter p : all) {
            p.zeroGrad();
        }
        encode(batch);
        head();
        float loss = crossEntropy.forward(logits, batch.labels(), batchSize, config.numClasses);
        crossEntropy.backward(dLogits);
        backward(batch);
        return loss;
    }

    @Override
    public void predict(Batch batch, int[] out) {
        if (out.length < batch.size()) {
            throw new IllegalArgumentException("predict: output has " + out.length + " slots for " + batch.size()
                    + " examples");
        }
        encode(batch);
        head();
        int c = config.numClasses;
        for (int b = 0; b < batchSize; b++) {
            out[b] = ArrayMath.argMax(logits, b * c, c);
        }
    }

    /**
     * Writes the classifier's logits {@code [size, numClasses]} for the batch into {@code out}.
     */
    public void logits(Batch batch, float[] out) {
        encode(batch);
        head();
        System.arraycopy(logits, 0, out, 0, batchSize * config.numClasses);
    }

    /**
     * Runs the encoder only and writes the last hidden states {@code [size, seqLen, hidden]} into
     * {@code out} (padded positions included), e.g. for mean-pooled sentence embeddings.
     */
    public void lastHiddenState(Batch batch, float[] out) {
        int n = batch.size() * batch.seqLen() * config.hiddenSize;
        if (out.length < n) {
            throw new IllegalArgumentException("lastHiddenState: output has " + out.length + " floats, needs " + n);
        }
        float[] last = encode(batch);
        System.arraycopy(last, 0, out, 0, n);
    }

    private void checkLabels(Batch batch) {
        int[] labels = batch.labels();
        if (labels == null || labels.length < batch.size()) {
            throw new IllegalArgumentException("batch has " + (labels == null ? "no" : labels.length + "")
                    + " labels for " + batch.size() + " examples");
        }
    }

    private void checkTokens(Batch batch) {
        int b = batch.size();
        int s = batch.seqLen();
        if (b < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + b);
        }
        if (batch.tokenIds() == null) {
            throw new IllegalArgumentException("Transformer needs a token batch; tokenIds is null");
        }
        if (s < 1 || s > config.maxPositions) {
            throw new IllegalArgumentException("sequence length " + s + " is outside [1, " + config.maxPositions + "]");
        }
        if (batch.tokenIds().length < b * s) {
            throw new IllegalArgumentException("tokenIds has " + batch.tokenIds().length + " entries, needs "
                    + b + " x " + s);
        }
        if (batch.attentionMask() != null && batch.attentionMask().length < b * s) {
            throw new IllegalArgumentException("attentionMask has " + batch.attentionMask().length
                    + " entries, needs " + b + " x " + s);
        }
        int[] ids = batch.tokenIds();
        for (int i = 0; i < b * s; i++) {
            if (ids[i] < 0 || ids[i] >= config.vocabSize) {
                throw new IllegalArgumentException("token id " + ids[i] + " at example " + i / s + ", position "
                        + i % s + " is outside the vocabulary [0, " + config.vocabSize + ")");
            }
        }
    }

    private void ensure(int rows, int batch) {
        int h = config.hiddenSize;
        int f = config.intermediateSize;
        if (rows > capacityRows) {
            positionIds = new int[rows];
            typeIds = new int[rows];
            embedded = new float[rows * h];
            hidden0 = new float[rows * h];
            dHidden = new float[rows * h];
            dSum = new float[rows * h];
            dH1 = new float[rows * h];
            dFfn = new float[rows * f];
            for (Layer l : layers) {
                l.s1 = new float[rows * h];
                l.h1 = new float[rows * h];
                l.pre = new float[rows * f];
                l.act = new float[rows * f];
                l.s2 = new float[rows * h];
                l.h2 = new float[rows * h];
            }
            capacityRows = rows;
        }
        if (batch > capacityBatch) {
            int c = config.numClasses;
            cls = new float[batch * h];
            logits = new float[batch * c];
            dLogits = new float[batch * c];
            dCls = new float[batch * h];
            capacityBatch = batch;
        }
    }

    /** Runs embeddings and encoder; returns the array holding the last hidden states. */
    private float[] encode(Batch batch) {
        checkTokens(batch);
        int b = batch.size();
        int s = batch.seqLen();
        int rows = b * s;
        int h = config.hiddenSize;
        ensure(rows, b);
        batchSize = b;
        seqLen = s;
        for (int i = 0; i < rows; i++) {
            positionIds[i] = i % s;
        }
        words.forward(batch.tokenIds(), rows, embedded, false);
        positions.forward(positionIds, rows, embedded, true);
        tokenTypes.forward(typeIds, rows, embedded, true);
        embeddingNorm.forward(embedded, hidden0, rows);
        float[] x = hidden0;
        int n = rows * h;
        for (Layer l : layers) {
            l.attention.forward(x, l.s1, b, s, batch.attentionMask());
            Residual.forward(l.s1, x, l.s1, n);
            l.attentionNorm.forward(l.s1, l.h1, rows);
            l.intermediate.forward(l.h1, l.pre, rows);
            gelu.forward(l.pre, l.act, rows * config.intermediateSize);
            l.output.forward(l.act, l.s2, rows);
            Residual.forward(l.s2, l.h1, l.s2, n);
            l.outputNorm.forward(l.s2, l.h2, rows);
            x = l.h2;
        }
        return x;
    }

    private float[] lastHidden() {
        return layers.length == 0 ? hidden0 : layers[layers.length - 1].h2;
    }

    private void head() {
        int h = config.hiddenSize;
        float[] last = lastHidden();
        for (int b = 0; b < batchSize; b++) {
            System.arraycopy(last, b * seqLen * h, cls, b * h, h);
        }
        classifier.forward(cls, logits, batchSize);
    }

    private void backward(Batch batch) {
        int h = config.hiddenSize;
        int rows = batchSize * seqLen;
        int n = rows * h;
        classifier.backward(cls, dLogits, dCls, batchSize, false);
        java.util.Arrays.fill(dHidden, 0, n, 0f);
        for (int b = 0; b < batchSize; b++) {
            System.arraycopy(dCls, b * h, dHidden, b * seqLen * h, h);
        }
        for (int i = layers.length - 1; i >= 0; i--) {
            Layer l = layers[i];
            float[] x = i == 0 ? hidden0 : layers[i - 1].h2;
            l.outputNorm.backward(l.s2, dHidden, dSum, rows, false);
            l.output.backward(l.act, dSum, dFfn, rows, false);
            gelu.backward(l.pre, dFfn, dFfn, rows * config.intermediateSize);
            Residual.backward(dSum, dH1, n, false);
            l.intermediate.backward(l.h1, dFfn, dH1, rows, true);
            l.attentionNorm.backward(l.s1, dH1, dSum, rows, false);
            Residual.backward(dSum, dHidden, n, false);
            l.attention.backward(x, dSum, dHidden, true);
        }
        embeddingNorm.backward(embedded, dHidden, dSum, rows, false);
        words.backward(batch.tokenIds(), rows, dSum);
        positions.backward(positionIds, rows, dSum);
        tokenTypes.backward(typeIds, rows, dSum);
    }
}
