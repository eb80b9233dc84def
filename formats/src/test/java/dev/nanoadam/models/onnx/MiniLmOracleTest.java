package dev.nanoadam.models.onnx;

import static dev.nanoadam.models.check.Data.widen;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanoadam.models.oracle.MiniLmOracle;
import dev.nanoadam.models.text.BatchEncoding;
import dev.nanoadam.models.text.WordPieceTokenizer;
import dev.nanoadam.testing.Compare;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's last hidden states of all-MiniLM-L6-v2 against a float64 forward pass over the
 * weights as {@link BertWeights} names and lays them out. Agreement means every tensor got the
 * right name, the right transposition, and that heads and epsilon were read right.
 */
class MiniLmOracleTest {
    /**
     * ONNX Runtime computes in float32 (dot products of length 384 and 1536, six layers, each
     * ending in a LayerNorm that keeps values O(1)); against the float64 reference the largest
     * difference seen is 1.8e-6, so 1e-5 leaves room for another CPU's summation order while a
     * misnamed or untransposed tensor, a wrong head count or epsilon moves values far more.
     */
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-5;

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
    void erfMatchesKnownValues() {
        // Values of erf from Abramowitz and Stegun, table 7.1, and high-precision references.
        assertEquals(0.0, BertReferenceForward.erf(0.0), 0);
        assertEquals(0.5204998778130465, BertReferenceForward.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, BertReferenceForward.erf(1.0), 1e-15);
        assertEquals(-0.9953222650189527, BertReferenceForward.erf(-2.0), 1e-15);
        assertEquals(0.9995930479825550, BertReferenceForward.erf(2.5), 1e-15);
        assertEquals(0.9999779095030014, BertReferenceForward.erf(3.0), 1e-15);
        assertEquals(0.9999999845827421, BertReferenceForward.erf(4.0), 1e-15);
    }

    @Test
    void onnxRuntimeMatchesTheNamedWeights() throws Exception {
        String sentence = "The quick brown fox jumps over the lazy dog.";
        int[] ids = tokenizer.encode(sentence);
        assertEquals(12, ids.length, "[CLS] + 10 words and a full stop + [SEP]");
        int[] mask = new int[ids.length];
        Arrays.fill(mask, 1);
        float[] ort = oracle.lastHiddenState(1, ids.length, ids, mask);
        assertEquals(ids.length * 384, ort.length);
        compare("'" + sentence + "'", ort, 0, reference.forward(ids, mask));
    }

    @Test
    void paddedBatchRowsMatchTheirUnpaddedRuns() throws Exception {
        List<String> texts = List.of("Jesus wept.",
                "In the beginning God created the heaven and the earth, and the earth was without form, and void.");
        BatchEncoding batch = tokenizer.encodeBatch(texts, 128);
        float[] padded = oracle.lastHiddenState(batch);
        assertEquals(batch.batchSize() * batch.seqLen() * 384, padded.length);
        for (int row = 0; row < texts.size(); row++) {
            int[] ids = batch.ids(row);
            int[] ones = new int[ids.length];
            Arrays.fill(ones, 1);
            float[] alone = oracle.lastHiddenState(1, ids.length, ids, ones);
            // Masked keys get weight exp(-3.4e38) = 0 exactly, so real positions see the same
            // inputs; only float32 summation order may differ between the two shapes.
            int start = row * batch.seqLen() * 384;
            Compare.close("row " + row + " padded vs alone", widen(alone),
                    Arrays.copyOfRange(padded, start, start + alone.length), 1e-5, 1e-5);
            int[] rowMask = Arrays.copyOfRange(batch.attentionMask(), row * batch.seqLen(), (row + 1) * batch.seqLen());
            int[] rowIds = Arrays.copyOfRange(batch.inputIds(), row * batch.seqLen(), (row + 1) * batch.seqLen());
            double[][] ref = reference.forward(rowIds, rowMask);
            compare("row " + row + " (real tokens)", padded, row * batch.seqLen() * 384,
                    Arrays.copyOf(ref, ids.length));
        }
    }

    /** |ort - ref| <= ATOL + RTOL * |ref| over the rows of ref, which are tokens of 384 values from offset. */
    private static void compare(String what, float[] ort, int offset, double[][] ref) {
        double[] flat = new double[ref.length * 384];
        for (int t = 0; t < ref.length; t++) {
            System.arraycopy(ref[t], 0, flat, t * 384, 384);
        }
        Compare.close(what + ", onnxruntime vs float64 (index = token * 384 + dim)", flat,
                Arrays.copyOfRange(ort, offset, offset + flat.length), ATOL, RTOL);
    }
}
