package dev.nanoadam.models.text;

import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Transformer;
import java.util.List;
import java.util.Objects;

/**
 * Sentence embeddings from a WordPiece tokenizer and a {@link Transformer} encoder, computed as
 * sentence-transformers does for all-MiniLM-L6-v2: tokenise (cut to {@link #maxLength()} ids,
 * {@code [CLS]} and {@code [SEP]} included), run the encoder, {@link MeanPooling mean-pool} the
 * last hidden states over the real tokens and L2-normalise.
 *
 * <pre>{@code
 * SentenceEncoder enc = new SentenceEncoder(MiniLmL6V2.loadTokenizer(), MiniLmL6V2.loadTransformer(1, 0), 256);
 * float[] e = enc.embed("The quick brown fox.");   // 384 values, unit length
 * }</pre>
 */
public final class SentenceEncoder {
    /** sentence-transformers' {@code max_seq_length} for all-MiniLM-L6-v2: longer inputs are cut. */
    public static final int MINILM_MAX_LENGTH = 256;

    private final WordPieceTokenizer tokenizer;
    private final Transformer model;
    private final int maxLength;

    /**
     * @param maxLength most ids per text, at least 2 and at most the model's positions
     */
    public SentenceEncoder(WordPieceTokenizer tokenizer, Transformer model, int maxLength) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.model = Objects.requireNonNull(model, "model");
        if (maxLength < 2 || maxLength > model.config().maxPositions()) {
            throw new IllegalArgumentException("maxLength " + maxLength + " is outside [2, "
                    + model.config().maxPositions() + "] (the model's positions)");
        }
        if (tokenizer.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException(tokenizer.source() + " has " + tokenizer.vocabSize()
                    + " ids, the model's vocabulary only " + model.config().vocabSize());
        }
        this.maxLength = maxLength;
    }

    /** Width of an embedding: the model's hidden size. */
    public int dimension() {
        return model.config().hiddenSize();
    }

    /** Most ids a text is cut to. */
    public int maxLength() {
        return maxLength;
    }

    /** The tokenizer. */
    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** The encoder. */
    public Transformer model() {
        return model;
    }

    /** The embedding of one text, unit length. */
    public float[] embed(String text) {
        return embed(List.of(text));
    }

    /** The embeddings of {@code texts}, [texts.size(), dimension()] row-major, encoded as one padded batch. */
    public float[] embed(List<String> texts) {
        BatchEncoding enc = tokenizer.encodeBatch(texts, maxLength);
        return MeanPooling.sentenceEmbeddings(lastHiddenState(enc), enc.attentionMask(), enc.batchSize(), enc.seqLen(),
                dimension());
    }

    /** The encoder's last hidden states of a tokenised batch, [batch, seqLen, dimension()] row-major. */
    public float[] lastHiddenState(BatchEncoding enc) {
        float[] out = new float[Math.multiplyExact(enc.batchSize() * enc.seqLen(), dimension())];
        Batch batch = Batch.tokens(enc.batchSize(), enc.seqLen(), enc.inputIds(), enc.attentionMask(), new int[enc.batchSize()]);
        boolean training = model.isTraining();
        model.train(false);
        try {
            model.lastHiddenState(batch, out);
        } finally {
            model.train(training);
        }
        return out;
    }
}
