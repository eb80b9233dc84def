package dev.nanoadam.models.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.oracle.MiniLmOracle;
import dev.nanoadam.models.text.BatchEncoding;
import dev.nanoadam.models.text.MeanPooling;
import dev.nanoadam.models.text.WordPieceTokenizer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sentence embeddings ({@link MeanPooling} over last hidden states) of ONNX Runtime's encoder
 * against the float64 reference forward pass, on a padded batch; and the property the model is
 * published for: paraphrases sit closer than unrelated sentences.
 */
class SentenceEmbeddingOracleTest {
    /**
     * Hidden states agree to 1e-5 (see MiniLmOracleTest); a mean of such values and its division
     * by a norm of about 3 to 6 keeps errors of that size, so 1e-5 on unit-length embeddings.
     */
    private static final double ATOL = 1e-5;

    private static MiniLmOracle oracle;
    private static WordPieceTokenizer tokenizer;
    private static BertReferenceForward reference;

    @BeforeAll
    static void load() throws Exception {
        oracle = MiniLmOracle.open();
        tokenizer = MiniLmL6V2.loadTokenizer();
        reference = new BertReferenceForward(MiniLmL6V2.loadWeights());
    }

    @AfterAll
    static void close() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void pooledOnnxRuntimeMatchesPooledReferenceOnAPaddedBatch() throws Exception {
        List<String> texts = List.of("A man is eating food.",
                "Never trust a computer you can't throw out a window.",
                "And God said, Let there be light: and there was light.");
        BatchEncoding enc = tokenizer.encodeBatch(texts, 128);
        float[] hidden = oracle.lastHiddenState(enc);
        float[] pooled = MeanPooling.sentenceEmbeddings(hidden, enc.attentionMask(), enc.batchSize(), enc.seqLen(), 384);
        for (int row = 0; row < texts.size(); row++) {
            int[] ids = enc.ids(row);
            int[] ones = new int[ids.length];
            Arrays.fill(ones, 1);
            double[][] ref = reference.forward(ids, ones);
            double[] mean = new double[384];
            for (double[] token : ref) {
                for (int j = 0; j < 384; j++) {
                    mean[j] += token[j] / ref.length;
                }
            }
            double norm = 0;
            for (double v : mean) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            double worst = 0;
            int worstAt = -1;
            for (int j = 0; j < 384; j++) {
                double err = Math.abs(pooled[row * 384 + j] - mean[j] / norm);
                if (err > worst) {
                    worst = err;
                    worstAt = j;
                }
            }
            assertTrue(worst <= ATOL, "'" + texts.get(row) + "': worst difference " + worst + " at dim " + worstAt
                    + " (padded to " + enc.seqLen() + ", " + ids.length + " real tokens)");
        }
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedSentences() throws Exception {
        List<String> texts = List.of("A man is eating food.", "A man is eating a piece of bread.",
                "The girl is carrying a baby.", "A monkey is playing drums.");
        BatchEncoding enc = tokenizer.encodeBatch(texts, 128);
        float[] e = MeanPooling.sentenceEmbeddings(oracle.lastHiddenState(enc), enc.attentionMask(), enc.batchSize(),
                enc.seqLen(), 384);
        double paraphrase = MeanPooling.cosine(e, 0, e, 384, 384);
        double unrelated1 = MeanPooling.cosine(e, 0, e, 2 * 384, 384);
        double unrelated2 = MeanPooling.cosine(e, 0, e, 3 * 384, 384);
        assertTrue(paraphrase > 0.5 && paraphrase > unrelated1 + 0.3 && paraphrase > unrelated2 + 0.3,
                "cosine(food, bread) " + paraphrase + ", cosine(food, baby) " + unrelated1 + ", cosine(food, drums) " + unrelated2);
        assertEquals(1.0, MeanPooling.cosine(e, 384, e, 384, 384), 1e-12);
    }
}
