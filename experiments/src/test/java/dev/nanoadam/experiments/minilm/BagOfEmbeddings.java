package dev.nanoadam.experiments.minilm;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.text.MeanPooling;
import dev.nanoadam.models.text.WordPieceTokenizer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small stand-in encoder for exercising the experiment quickly: the sentence embedding is the
 * mean of learned token vectors over real tokens, and a linear head classifies it. Gradients are
 * exact (cross-entropy through the head and the mean into the token table), so the optimizers
 * really train it; only the encoder is much smaller than MiniLM.
 */
final class BagOfEmbeddings implements PretrainedTextEncoder {
    static final String TABLE = "embeddings.word_embeddings.weight";
    private final WordPieceTokenizer tokenizer;
    private final int width;
    private final float[] table; // [vocab, width] "pretrained" values

    BagOfEmbeddings(WordPieceTokenizer tokenizer, int width, long seed) {
        this.tokenizer = tokenizer;
        this.width = width;
        this.table = new float[tokenizer.vocabSize() * width];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < table.length; i++) {
            table[i] = (float) (0.1 * rnd.nextGaussian());
        }
    }

    @Override
    public String description() {
        return "bag of embeddings (" + table.length + " weights)";
    }

    @Override
    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public TextClassifier newClassifier(int numClasses, long seed) {
        return new Model(table.clone(), tokenizer.vocabSize(), width, numClasses, seed);
    }

    @Override
    public float[] pretrained(String name) {
        if (!name.equals(TABLE)) {
            throw new IllegalArgumentException("no encoder parameter '" + name + "'");
        }
        return table;
    }

    static final class Model implements TextClassifier {
        private final Parameter table;
        private final Parameter weight;
        private final Parameter bias;
        private final int width;
        private final int classes;
        private float[] pooled = new float[0]; // [batch, width]
        private float[] logits = new float[0]; // [batch, classes]
        private final float[] dPooled;         // [width]: gradient of one row's pooled vector

        Model(float[] values, int vocab, int width, int classes, long seed) {
            this.table = Parameter.of(TABLE, values, vocab, width);
            float[] w = new float[classes * width];
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (rnd.nextGaussian() / Math.sqrt(width));
            }
            this.weight = Parameter.of("classifier.weight", w, classes, width);
            this.bias = Parameter.of("classifier.bias", new float[classes], classes);
            this.width = width;
            this.classes = classes;
            this.dPooled = new float[width];
        }

        @Override
        public int hiddenSize() {
            return width;
        }

        @Override
        public void sentenceEmbeddings(Batch batch, float[] out) {
            pool(batch);
            System.arraycopy(pooled, 0, out, 0, batch.size() * width);
            MeanPooling.normalize(out, batch.size(), width);
        }

        @Override
        public List<Parameter> encoderParameters() {
            return List.of(table);
        }

        @Override
        public int numClasses() {
            return classes;
        }

        @Override
        public float lossAndGradients(Batch batch) {
            for (Parameter p : parameters()) {
                p.zeroGrad();
            }
            int n = batch.size();
            pool(batch);
            head(n);
            double loss = 0;
            for (int b = 0; b < n; b++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, logits[b * classes + c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(logits[b * classes + c] - max);
                }
                int y = batch.labels()[b];
                loss += Math.log(sum) + max - logits[b * classes + y];
                java.util.Arrays.fill(dPooled, 0f);
                for (int c = 0; c < classes; c++) {
                    float d = (float) ((Math.exp(logits[b * classes + c] - max) / sum - (c == y ? 1 : 0)) / n);
                    bias.grad()[c] += d;
                    for (int j = 0; j < width; j++) {
                        weight.grad()[c * width + j] += d * pooled[b * width + j];
                        dPooled[j] += d * weight.data()[c * width + j];
                    }
                }
                int count = tokens(batch, b);
                for (int t = 0; t < batch.seqLen(); t++) {
                    if (batch.attentionMask()[b * batch.seqLen() + t] != 0) {
                        int id = batch.tokenIds()[b * batch.seqLen() + t];
                        for (int j = 0; j < width; j++) {
                            table.grad()[id * width + j] += dPooled[j] / count;
                        }
                    }
                }
            }
            return (float) (loss / n);
        }

        @Override
        public void predict(Batch batch, int[] out) {
            pool(batch);
            head(batch.size());
            for (int b = 0; b < batch.size(); b++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (logits[b * classes + c] > logits[b * classes + best]) {
                        best = c;
                    }
                }
                out[b] = best;
            }
        }

        private void pool(Batch batch) {
            int n = batch.size();
            if (pooled.length < n * width) {
                pooled = new float[n * width];
                logits = new float[n * classes];
            }
            for (int b = 0; b < n; b++) {
                int count = tokens(batch, b);
                for (int j = 0; j < width; j++) {
                    float s = 0;
                    for (int t = 0; t < batch.seqLen(); t++) {
                        if (batch.attentionMask()[b * batch.seqLen() + t] != 0) {
                            s += table.data()[batch.tokenIds()[b * batch.seqLen() + t] * width + j];
                        }
                    }
                    pooled[b * width + j] = s / Math.max(count, 1);
                }
            }
        }

        private void head(int n) {
            for (int b = 0; b < n; b++) {
                for (int c = 0; c < classes; c++) {
                    float s = bias.data()[c];
                    for (int j = 0; j < width; j++) {
                        s += weight.data()[c * width + j] * pooled[b * width + j];
                    }
                    logits[b * classes + c] = s;
                }
            }
        }

        private static int tokens(Batch batch, int b) {
            int count = 0;
            for (int t = 0; t < batch.seqLen(); t++) {
                count += batch.attentionMask()[b * batch.seqLen() + t];
            }
            return count;
        }

        @Override
        public List<Parameter> sparseParameters() {
            return List.of(table);
        }

        @Override
        public List<Parameter> denseParameters() {
            return List.of(weight, bias);
        }

        @Override
        public Map<String, float[]> buffers() {
            return Map.of();
        }

        @Override
        public void train(boolean training) {
        }
    }
}
