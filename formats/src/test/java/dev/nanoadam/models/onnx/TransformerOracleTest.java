package dev.nanoadam.models.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.nanoadam.models.check.Data.widen;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.oracle.MiniLmOracle;
import dev.nanoadam.models.Transformer;
import dev.nanoadam.models.data.BibleKjv;
import dev.nanoadam.models.data.Fortunes;
import dev.nanoadam.models.testing.Fixtures;
import dev.nanoadam.models.text.BatchEncoding;
import dev.nanoadam.models.text.MeanPooling;
import dev.nanoadam.models.text.SentenceEncoder;
import dev.nanoadam.models.text.WordPieceTokenizer;
import dev.nanoadam.testing.Compare;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pure-Java {@link Transformer} loaded with all-MiniLM-L6-v2 against ONNX Runtime running the
 * original ONNX graph: last hidden states on real sentences, and sentence embeddings.
 */
class TransformerOracleTest {
    private static final long SEED = 20251123L;
    /** Texts per batch: padded to the longest, so most rows carry padding. */
    private static final int BATCH = 8;

    /**
     * Both sides compute in float32 from the same float32 weights; they differ only in the order
     * of accumulation (blocked FMA GEMM here, MLAS kernels there) and in erf, exp and rsqrt
     * approximations. Each sum of 384 or 1536 products then differs by a few ulps of its
     * magnitude, about 1e-7 relative; LayerNorm rescales every layer's output to unit variance,
     * so these errors do not grow with depth beyond six layers' worth, and hidden states of
     * magnitude up to about 10 keep absolute differences near 1e-6. 1e-5 plus 1e-5 relative
     * leaves room for another CPU's kernels, while a wrong weight, transposition, head split,
     * mask or epsilon moves values by 1e-2 or more.
     */
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-5;

    private static MiniLmOracle oracle;
    private static WordPieceTokenizer tokenizer;
    private static BertWeights weights;
    private static Transformer model;

    @BeforeAll
    static void load() throws Exception {
        oracle = MiniLmOracle.open();
        tokenizer = MiniLmL6V2.loadTokenizer();
        weights = MiniLmL6V2.loadWeights();
        model = MiniLmL6V2.loadTransformer(weights, 3, SEED);
    }

    @AfterAll
    static void close() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    /** Seeded sample of non-blank fortunes lines and King James verses (the committed excerpts), with a few hand-picked edge cases. */
    private static List<String> realSentences(int fortunes, int verses) throws Exception {
        SplittableRandom rnd = new SplittableRandom(SEED);
        List<String> lines = new ArrayList<>();
        for (String file : Fortunes.names(Fixtures.fortunesDir())) {
            for (String entry : Fortunes.read(Fixtures.fortunesDir(), file)) {
                for (String line : entry.split("\n")) {
                    if (!line.isBlank()) {
                        lines.add(line);
                    }
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < fortunes; i++) {
            out.add(lines.get(rnd.nextInt(lines.size())));
        }
        List<BibleKjv.Verse> kjv = BibleKjv.read(Fixtures.bibleFile());
        for (int i = 0; i < verses; i++) {
            out.add(kjv.get(rnd.nextInt(kjv.size())).text());
        }
        out.add("Café déjà vu — naïve Ærøskøbing, 東京 and ½ of Ωmega!!!");
        out.add(String.join(" ", Fortunes.read(Fixtures.fortunesDir(), "computers").subList(0, 6))); // over 128 ids: cut at the limit
        return out;
    }

    @Test
    void lastHiddenStatesMatchOnnxRuntimeOnRealSentences() throws Exception {
        List<String> texts = realSentences(29, 11);
        double worst = 0;
        String worstAt = "";
        long compared = 0;
        for (int from = 0; from < texts.size(); from += BATCH) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + BATCH));
            BatchEncoding enc = tokenizer.encodeBatch(part, 128);
            float[] ort = oracle.lastHiddenState(enc);
            float[] mine = new SentenceEncoder(tokenizer, model, 128).lastHiddenState(enc);
            assertEquals(ort.length, mine.length);
            int bad = 0;
            for (int row = 0; row < enc.batchSize(); row++) {
                for (int t = 0; t < enc.lengths()[row]; t++) {
                    for (int j = 0; j < 384; j++) {
                        int i = (row * enc.seqLen() + t) * 384 + j;
                        double err = Math.abs(mine[i] - ort[i]);
                        compared++;
                        if (err > ATOL + RTOL * Math.abs(ort[i])) {
                            bad++;
                        }
                        if (err > worst) {
                            worst = err;
                            worstAt = "'" + part.get(row) + "' token " + t + " dim " + j + ": java " + Compare.show(mine[i])
                                    + " onnxruntime " + Compare.show(ort[i]);
                        }
                    }
                }
            }
            assertEquals(0, bad, bad + " values of batch " + from / BATCH + " out of tolerance; worst so far " + worst
                    + " at " + worstAt + " (seed " + SEED + ")");
        }
        System.out.println("Transformer vs ONNX Runtime: " + compared + " hidden values of " + texts.size()
                + " texts, largest difference " + worst);
        assertTrue(compared > 40 * 384 * 5, "compared only " + compared + " values");
    }

    @Test
    void sentenceEmbeddingsMatchOnnxRuntimePooledTheSameWay() throws Exception {
        List<String> texts = realSentences(5, 2);
        SentenceEncoder encoder = new SentenceEncoder(tokenizer, model, SentenceEncoder.MINILM_MAX_LENGTH);
        float[] mine = encoder.embed(texts);
        BatchEncoding enc = tokenizer.encodeBatch(texts, SentenceEncoder.MINILM_MAX_LENGTH);
        float[] ort = MeanPooling.sentenceEmbeddings(oracle.lastHiddenState(enc), enc.attentionMask(), enc.batchSize(),
                enc.seqLen(), 384);
        assertEquals(texts.size() * 384, mine.length);
        for (int row = 0; row < texts.size(); row++) {
            // Means of values that agree to 1e-5, divided by norms of 3 to 6: within 1e-5.
            Compare.close("'" + texts.get(row) + "' embedding, java vs onnxruntime (seed " + SEED + ")",
                    widen(Arrays.copyOfRange(ort, row * 384, (row + 1) * 384)),
                    Arrays.copyOfRange(mine, row * 384, (row + 1) * 384), ATOL, 0);
            assertEquals(1.0, MeanPooling.cosine(mine, row * 384, ort, row * 384, 384), 1e-9, texts.get(row));
        }
        // One text alone gives the same embedding as inside the padded batch.
        float[] alone = encoder.embed(texts.get(0));
        Compare.close("'" + texts.get(0) + "' embedded alone vs in the batch", widen(Arrays.copyOf(mine, 384)), alone,
                ATOL, 0);
    }

    @Test
    void loadingCopiesEveryEncoderTensorAndLeavesTheHeadAlone() throws Exception {
        BertWeights w = weights;
        Transformer a = MiniLmL6V2.loadTransformer(w, 4, 1);
        Transformer b = MiniLmL6V2.loadTransformer(w, 4, 2);
        for (String name : BertWeights.expectedNames(6)) {
            float[] loaded = a.namedParameters().get(name).data();
            Compare.exact(name, w.get(name), loaded);
            assertTrue(loaded != w.get(name), name + " shares its array with the weights");
        }
        assertTrue(!Arrays.equals(a.namedParameters().get("classifier.weight").data(),
                b.namedParameters().get("classifier.weight").data()), "heads of seeds 1 and 2 are equal");
        assertEquals(w.config().hiddenSize(), a.config().hiddenSize());
        assertEquals(1e-12f, a.config().layerNormEps());
    }
}
