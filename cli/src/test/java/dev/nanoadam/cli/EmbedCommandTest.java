package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.onnx.MiniLmL6V2;
import dev.nanoadam.models.onnx.MiniLmOracle;
import dev.nanoadam.models.text.BatchEncoding;
import dev.nanoadam.models.text.MeanPooling;
import dev.nanoadam.models.text.SentenceEncoder;
import dev.nanoadam.models.text.WordPieceTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code nanoadam embed} against ONNX Runtime's last hidden states of the original model, pooled the same way. */
class EmbedCommandTest {
    /**
     * The Java encoder's hidden states agree with ONNX Runtime's within 1e-5 (models'
     * TransformerOracleTest, largest seen 3.8e-6); mean and normalisation keep that size.
     */
    private static final double ATOL = 1e-5;

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void printsOneLineOf384NumbersPerTextMatchingOnnxRuntime() throws Exception {
        List<String> texts = List.of("Never trust a computer you can't throw out a window.",
                "And the evening and the morning were the first day.", "héllo, WORLD!");
        Result r = run("embed", texts.get(0), texts.get(1), texts.get(2));
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
        Result r = run("embed", "--max-tokens", "1", "hello");
        assertEquals(2, r.status(), r.out());
        assertTrue(r.err().startsWith("nanoadam embed: maxLength 1 is outside [2, 512]"), r.err());
        assertEquals("", r.out());
    }
}
