package dev.nanoadam.models.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.testing.Compare;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MeanPoolingTest {

    @Test
    void meanSkipsPaddingAndNormaliseGivesUnitRows() {
        // Two rows of three tokens, width 2; row 0 has two real tokens, row 1 one.
        float[] hidden = {
            1, 2,   3, 6,   100, -100,
            -4, 0,  50, 50, 50, 50};
        int[] mask = {1, 1, 0, 1, 0, 0};
        float[] out = new float[4];
        MeanPooling.meanPool(hidden, mask, 2, 3, 2, out);
        Compare.exact("means", new float[] {2, 4, -4, 0}, out);
        MeanPooling.normalize(out, 2, 2);
        float r = (float) (1 / Math.sqrt(5));
        // 1e-7: one rounding of values below 1 (half an ulp is at most 6e-8).
        Compare.close("normalised rows", new double[] {r, 2 * r, -1, 0}, out, 1e-7, 0);
        Compare.exact("sentence embeddings vs mean then normalise", out, MeanPooling.sentenceEmbeddings(hidden, mask, 2, 3, 2));
    }

    @Test
    void rowWithoutTokensPoolsToZerosNotNaN() {
        float[] e = MeanPooling.sentenceEmbeddings(new float[] {7, 8, 9}, new int[] {0}, 1, 1, 3);
        Compare.exact("embedding of a row without tokens", new float[3], e);
    }

    @Test
    void paddingValuesNeverReachTheMean() {
        long seed = 20251123L;
        SplittableRandom rnd = new SplittableRandom(seed);
        int batch = 3;
        int seqLen = 7;
        int width = 5;
        float[] hidden = new float[batch * seqLen * width];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = (float) rnd.nextGaussian();
        }
        int[] mask = new int[batch * seqLen];
        int[] lengths = {7, 4, 1};
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                mask[b * seqLen + t] = 1;
            }
        }
        float[] before = MeanPooling.sentenceEmbeddings(hidden, mask, batch, seqLen, width);
        for (int b = 0; b < batch; b++) {
            for (int t = lengths[b]; t < seqLen; t++) {
                for (int j = 0; j < width; j++) {
                    hidden[(b * seqLen + t) * width + j] = Float.NaN;
                }
            }
        }
        Compare.exact("embeddings with NaN padding (seed " + seed + ")", before,
                MeanPooling.sentenceEmbeddings(hidden, mask, batch, seqLen, width));
        for (int b = 0; b < batch; b++) {
            double norm = 0;
            for (int j = 0; j < width; j++) {
                norm += (double) before[b * width + j] * before[b * width + j];
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-6, "row " + b + ", seed " + seed);
        }
    }

    @Test
    void cosineOfKnownVectors() {
        float[] a = {1, 0, 0, 3, 4};
        float[] b = {0, 2, 0, 6, 8};
        assertEquals(1.0, MeanPooling.cosine(a, 3, b, 3, 2), 1e-15);
        assertEquals(0.0, MeanPooling.cosine(a, 0, b, 0, 2), 0);
        assertEquals(-1.0, MeanPooling.cosine(new float[] {1, 1}, 0, new float[] {-2, -2}, 0, 2), 1e-15);
        assertEquals(0.0, MeanPooling.cosine(new float[2], 0, a, 0, 2), 0);
    }

    @Test
    void badShapesAndMasksAreRefusedWithTheirNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MeanPooling.meanPool(new float[5], new int[2], 1, 2, 3, new float[3]));
        assertTrue(e.getMessage().contains("hold 5 values") || e.getMessage().contains("holds 5 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MeanPooling.meanPool(new float[6], new int[] {1, 2}, 1, 2, 3, new float[3]));
        assertTrue(e.getMessage().contains("holds 2 at row 0, position 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MeanPooling.meanPool(new float[6], new int[] {1, 1}, 1, 2, 3, new float[2]));
        assertTrue(e.getMessage().contains("output holds 2 values"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MeanPooling.normalize(new float[3], 2, 2));
    }
}
