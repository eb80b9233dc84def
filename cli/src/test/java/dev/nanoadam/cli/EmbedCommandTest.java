package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.onnx.MiniLmL6V2;
import dev.nanoadam.models.oracle.MiniLmOracle;
import dev.nanoadam.models.text.BatchEncoding;
import dev.nanoadam.models.text.MeanPooling;
import dev.nanoadam.models.text.SentenceEncoder;
import dev.nanoadam.models.text.WordPieceTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code nanoadam embed} against ONNX Runtime's last hidden states of the original model, pooled the same way. */
class EmbedCommandTest {
    /**
     * The Java encoder's hidden states agree with ONNX Runtime's within 1e-5 (models'
     * TransformerOracleTest, largest seen 3.8e-6); mean and normalisation keep that size.
     */
    private static final double ATOL = 1e-5;



    @Test
    void printsOneLineOf384NumbersPerTextMatchingOnnxRuntime() throws Exception {
        List<String> texts = List.of("Never trust a computer you can't throw out a window.",
                "And the evening and the morning were the first day.", "héllo, WORLD!");
        Cli.Result r = Cli.run("embed", texts.get(0), texts.get(1), texts.get(2));
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(texts.size(), lines.length, r.out());

        WordPieceTokenizer tokenizer = MiniLmL6V2.loadTokenizer();
        try (MiniLmOracle oracle = MiniLmOracle.open()) {
            for (int row = 0; row < texts.size(); row++) {
                String[] numbers = lines[row].trim().split(" ");
                assertEquals(384, numbers.length, "line " + row);
                float[] mine = new float[384];
                for (int j = 0; j < 384; j++) {
                    mine[j] = Float.parseFloat(numbers[j]);
                }
                BatchEncoding enc = tokenizer.encodeBatch(List.of(texts.get(row)), SentenceEncoder.MINILM_MAX_LENGTH);
                float[] ort = MeanPooling.sentenceEmbeddings(oracle.lastHiddenState(enc), enc.attentionMask(), 1,
                        enc.seqLen(), 384);
                double norm = 0;
                for (int j = 0; j < 384; j++) {
                    assertTrue(Math.abs(mine[j] - ort[j]) <= ATOL, "'" + texts.get(row) + "' dim " + j + ": printed "
                            + numbers[j] + ", onnxruntime " + ort[j]);
                    norm += (double) mine[j] * mine[j];
                }
                assertEquals(1.0, Math.sqrt(norm), 1e-6, "line " + row + " is not unit length");
            }
        }
    }

    @Test
    void aTokenLimitBelowTwoIsRefusedInOneLine() {
        Cli.Result r = Cli.run("embed", "--max-tokens", "1", "hello");
        assertEquals(2, r.status(), r.out());
        assertTrue(r.err().startsWith("nanoadam embed: maxLength 1 is outside [2, 512]"), r.err());
        assertEquals("", r.out());
    }
}
