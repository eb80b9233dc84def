package dev.nanoadam.experiments.minilm;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Transformer;
import dev.nanoadam.models.onnx.BertWeights;
import dev.nanoadam.models.onnx.MiniLmL6V2;
import dev.nanoadam.models.text.MeanPooling;
import dev.nanoadam.models.text.WordPieceTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 as the experiment's pretrained encoder: each classifier is a {@link Transformer}
 * with the pretrained weights copied in and a new head on the {@code [CLS]} state.
 */
public final class MiniLmEncoder implements PretrainedTextEncoder {
    private final BertWeights weights;
    private final WordPieceTokenizer tokenizer;

    private MiniLmEncoder(BertWeights weights, WordPieceTokenizer tokenizer) {
        this.weights = weights;
        this.tokenizer = tokenizer;
    }

    /** Loads the weights and the tokenizer from the classpath (see {@link MiniLmL6V2}). */
    public static MiniLmEncoder load() throws IOException {
        return new MiniLmEncoder(MiniLmL6V2.loadWeights(), MiniLmL6V2.loadTokenizer());
    }

    @Override
    public String description() {
        long n = 0;
        for (Map.Entry<String, float[]> e : weights.tensors().entrySet()) {
            if (!e.getKey().startsWith("pooler.")) {
                n += e.getValue().length;
            }
        }
        BertWeights.Config c = weights.config();
        return String.format(Locale.ROOT, "all-MiniLM-L6-v2 (%d layers, hidden %d, %.1fM encoder weights)", c.numLayers(),
                c.hiddenSize(), n / 1e6);
    }

    @Override
    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public TextClassifier newClassifier(int numClasses, long seed) {
        return new Classifier(MiniLmL6V2.loadTransformer(weights, numClasses, seed));
    }

    @Override
    public float[] pretrained(String name) {
        if (name.startsWith("pooler.") || !weights.tensors().containsKey(name)) {
            throw new IllegalArgumentException("no encoder parameter '" + name + "' in " + weights.source());
        }
        return weights.get(name);
    }

    /** The transformer seen as a {@link TextClassifier}: sentence embeddings by mean pooling. */
    static final class Classifier implements TextClassifier {
        private final Transformer model;
        private final List<Parameter> encoder;
        private float[] hidden = new float[0]; // [batch, seqLen, hidden] of the last embedding call

        Classifier(Transformer model) {
            this.model = model;
            List<Parameter> e = new ArrayList<>();
            for (Parameter p : model.namedParameters().values()) {
                if (!p.name().startsWith("classifier.")) {
                    e.add(p);
                }
            }
            this.encoder = List.copyOf(e);
        }

        /** The wrapped transformer. */
        Transformer transformer() {
            return model;
        }

        @Override
        public int hiddenSize() {
            return model.config().hiddenSize();
        }

        @Override
        public void sentenceEmbeddings(Batch batch, float[] out) {
            int n = batch.size() * batch.seqLen() * hiddenSize();
            if (hidden.length < n) {
                hidden = new float[n];
            }
            model.lastHiddenState(batch, hidden);
            MeanPooling.meanPool(hidden, batch.attentionMask(), batch.size(), batch.seqLen(), hiddenSize(), out);
            MeanPooling.normalize(out, batch.size(), hiddenSize());
        }

        @Override
        public List<Parameter> encoderParameters() {
            return encoder;
        }

        @Override
        public int numClasses() {
            return model.numClasses();
        }

        @Override
        public float lossAndGradients(Batch batch) {
            return model.lossAndGradients(batch);
        }

        @Override
        public void predict(Batch batch, int[] out) {
            model.predict(batch, out);
        }

        @Override
        public List<Parameter> sparseParameters() {
            return model.sparseParameters();
        }

        @Override
        public List<Parameter> denseParameters() {
            return model.denseParameters();
        }

        @Override
        public Map<String, float[]> buffers() {
            return model.buffers();
        }

        @Override
        public void train(boolean training) {
            model.train(training);
        }
    }
}
