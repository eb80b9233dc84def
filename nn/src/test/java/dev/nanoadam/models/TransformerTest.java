package dev.nanoadam.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.Parameter;
import dev.nanoadam.testing.Compare;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransformerTest {
    /** A small model wide enough for several heads and both GEMM paths. */
    static Transformer.Config small(boolean causal) {
        return new Transformer.Config(50, 32, 2, 4, 64, 24, 2, 1e-12f, 3, causal, 0.2f);
    }

    @Test
    void miniLmArchitectureHasHuggingFaceNamesAndShapes() {
        Transformer t = SharedModels.miniLm();
        Map<String, Parameter> p = t.namedParameters();
        List<String> names = new ArrayList<>(p.keySet());
        List<String> expected = new ArrayList<>(List.of("embeddings.word_embeddings.weight",
                "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
                "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"));
        for (int l = 0; l < 6; l++) {
            String q = "encoder.layer." + l + ".";
            for (String s : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense",
                    "output.LayerNorm")) {
                expected.add(q + s + ".weight");
                expected.add(q + s + ".bias");
            }
        }
        expected.add("classifier.weight");
        expected.add("classifier.bias");
        assertEquals(expected, names);
        assertArrayEquals(new int[] {30522, 384}, p.get("embeddings.word_embeddings.weight").shape());
        assertArrayEquals(new int[] {512, 384}, p.get("embeddings.position_embeddings.weight").shape());
        assertArrayEquals(new int[] {2, 384}, p.get("embeddings.token_type_embeddings.weight").shape());
        assertArrayEquals(new int[] {384, 384}, p.get("encoder.layer.5.attention.self.value.weight").shape());
        assertArrayEquals(new int[] {1536, 384}, p.get("encoder.layer.0.intermediate.dense.weight").shape());
        assertArrayEquals(new int[] {384, 1536}, p.get("encoder.layer.0.output.dense.weight").shape());
        assertArrayEquals(new int[] {384}, p.get("encoder.layer.2.output.LayerNorm.bias").shape());
        assertArrayEquals(new int[] {2, 384}, p.get("classifier.weight").shape());
        long count = 0;
        for (Parameter x : p.values()) {
            count += x.size();
        }
        // all-MiniLM-L6-v2 without its pooler has 22,565,376 parameters; plus a 384 x 2 head.
        assertEquals(22_565_376L + 384 * 2 + 2, count);
        assertEquals(1e-12f, t.config().layerNormEps());
        assertTrue(t.buffers().isEmpty());
    }

    @Test
    void initialisationIsSeededAndBertLike() {
        Transformer a = new Transformer(small(false), 42);
        Transformer b = new Transformer(small(false), 42);
        Transformer c = new Transformer(small(false), 43);
        for (String name : a.namedParameters().keySet()) {
            float[] x = a.namedParameters().get(name).data();
            Compare.exact(name + " with equal seeds", x, b.namedParameters().get(name).data());
        }
        assertNotEquals(a.namedParameters().get("classifier.weight").data()[0],
                c.namedParameters().get("classifier.weight").data()[0]);
        float[] w = SharedModels.miniLm().namedParameters().get("encoder.layer.0.intermediate.dense.weight").data();
        double sq = 0;
        for (float v : w) {
            sq += v * v;
        }
        assertEquals(0.02, Math.sqrt(sq / w.length), 0.0005, "standard deviation of a BERT-initialised weight");
        for (float v : SharedModels.miniLm().namedParameters().get("encoder.layer.0.intermediate.dense.bias").data()) {
            assertEquals(0f, v);
        }
        for (float v : SharedModels.miniLm().namedParameters().get("embeddings.LayerNorm.weight").data()) {
            assertEquals(1f, v);
        }
    }

    private static Batch batch(int[][] ids, int[][] mask, int[] labels) {
        int b = ids.length;
        int s = ids[0].length;
        int[] flatIds = new int[b * s];
        int[] flatMask = new int[b * s];
        for (int i = 0; i < b; i++) {
            System.arraycopy(ids[i], 0, flatIds, i * s, s);
            System.arraycopy(mask[i], 0, flatMask, i * s, s);
        }
        return Batch.tokens(b, s, flatIds, flatMask, labels);
    }

    /**
     * Padded positions do not change the outputs of real ones: not their token ids, and not how
     * many of them follow.
     */
    @Test
    void paddingDoesNotChangeRealPositions() {
        long seed = 17;
        Random rng = new Random(seed);
        Transformer model = new Transformer(small(false), seed);
        int[] lengths = {9, 4, 1};
        int seq = 9;
        int h = 32;
        int[][] ids = new int[3][seq];
        int[][] mask = new int[3][seq];
        for (int b = 0; b < 3; b++) {
            for (int s = 0; s < seq; s++) {
                ids[b][s] = rng.nextInt(50);
                mask[b][s] = s < lengths[b] ? 1 : 0;
            }
        }
        int[] labels = {0, 1, 2};
        float[] hidden = new float[3 * seq * h];
        model.lastHiddenState(batch(ids, mask, labels), hidden);
        float[] logits = new float[9];
        model.logits(batch(ids, mask, labels), logits);

        int[][] otherIds = new int[3][];
        for (int b = 0; b < 3; b++) {
            otherIds[b] = ids[b].clone();
            for (int s = lengths[b]; s < seq; s++) {
                otherIds[b][s] = rng.nextInt(50);
            }
        }
        float[] hidden2 = new float[hidden.length];
        model.lastHiddenState(batch(otherIds, mask, labels), hidden2);
        float[] logits2 = new float[9];
        model.logits(batch(otherIds, mask, labels), logits2);
        Compare.exact("logits with other padding tokens (seed " + seed + ")", logits, logits2);
        for (int b = 0; b < 3; b++) {
            int n = lengths[b] * h;
            float[] real = java.util.Arrays.copyOfRange(hidden, b * seq * h, b * seq * h + n);
            float[] real2 = java.util.Arrays.copyOfRange(hidden2, b * seq * h, b * seq * h + n);
            Compare.exact("real positions of example " + b + " with other padding tokens", real, real2);
        }

        // Five more padded positions: same real outputs up to float32 reassociation in the
        // attention products (the zero-probability keys add exact zeros, so in practice equal).
        int longer = seq + 5;
        int[][] ids3 = new int[3][longer];
        int[][] mask3 = new int[3][longer];
        for (int b = 0; b < 3; b++) {
            System.arraycopy(ids[b], 0, ids3[b], 0, seq);
            System.arraycopy(mask[b], 0, mask3[b], 0, seq);
        }
        float[] logits3 = new float[9];
        model.logits(batch(ids3, mask3, labels), logits3);
        Compare.close("logits with five more padded positions (seed " + seed + ")",
                dev.nanoadam.models.check.Data.widen(logits), logits3, 1e-6, 1e-6);
    }

    /** With causal attention a position's output does not depend on later tokens. */
    @Test
    void causalAttentionIgnoresLaterTokens() {
        long seed = 23;
        Random rng = new Random(seed);
        Transformer model = new Transformer(small(true), seed);
        int seq = 8;
        int h = 32;
        int[][] ids = new int[2][seq];
        int[][] mask = {{1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1, 1}};
        for (int[] row : ids) {
            for (int s = 0; s < seq; s++) {
                row[s] = rng.nextInt(50);
            }
        }
        float[] hidden = new float[2 * seq * h];
        model.lastHiddenState(batch(ids, mask, new int[] {0, 0}), hidden);
        int cut = 3;
        int[][] changed = {ids[0].clone(), ids[1].clone()};
        for (int[] row : changed) {
            for (int s = cut; s < seq; s++) {
                row[s] = rng.nextInt(50);
            }
        }
        float[] hidden2 = new float[hidden.length];
        model.lastHiddenState(batch(changed, mask, new int[] {0, 0}), hidden2);
        for (int b = 0; b < 2; b++) {
            float[] early = java.util.Arrays.copyOfRange(hidden, b * seq * h, (b * seq + cut) * h);
            float[] early2 = java.util.Arrays.copyOfRange(hidden2, b * seq * h, (b * seq + cut) * h);
            Compare.exact("positions before " + cut + " of example " + b, early, early2);
        }
        float[] late = java.util.Arrays.copyOfRange(hidden, (seq - 1) * h, seq * h);
        float[] late2 = java.util.Arrays.copyOfRange(hidden2, (seq - 1) * h, seq * h);
        assertTrue(!java.util.Arrays.equals(late, late2), "the last position must see the changed tokens");
    }

    @Test
    void predictIsTheArgMaxOfLogitsAndGradientsAreNotAccumulatedAcrossCalls() {
        long seed = 5;
        Transformer model = new Transformer(small(false), seed);
        Batch batch = ModelGradientTest.tokenBatch(new Random(seed), 6, 10, 50, 3);
        float[] logits = new float[18];
        model.logits(batch, logits);
        int[] predicted = new int[6];
        model.predict(batch, predicted);
        for (int i = 0; i < 6; i++) {
            assertEquals(dev.nanoadam.models.math.ArrayMath.argMax(logits, i * 3, 3), predicted[i], "example " + i);
        }
        float loss1 = model.lossAndGradients(batch);
        float[] g1 = model.namedParameters().get("encoder.layer.1.attention.self.key.weight").grad().clone();
        float loss2 = model.lossAndGradients(batch);
        float[] g2 = model.namedParameters().get("encoder.layer.1.attention.self.key.weight").grad();
        assertEquals(loss1, loss2);
        Compare.exact("gradients of a repeated call", g1, g2);
        model.train(false);
        assertEquals(loss1, model.lossAndGradients(batch), "no dropout: evaluation mode computes the same loss");
    }

    /** Workspaces sized for a large batch give the same bits on a smaller one as a fresh model. */
    @Test
    void workspacesAreReusedAcrossBatchShapes() {
        long seed = 8;
        Transformer used = new Transformer(small(false), seed);
        Transformer fresh = new Transformer(small(false), seed);
        used.lossAndGradients(ModelGradientTest.tokenBatch(new Random(1), 7, 20, 50, 3));
        Batch small = ModelGradientTest.tokenBatch(new Random(2), 3, 6, 50, 3);
        assertEquals(fresh.lossAndGradients(small), used.lossAndGradients(small));
        for (String name : used.namedParameters().keySet()) {
            float[] a = fresh.namedParameters().get(name).grad();
            Compare.exact(name + " gradient", a, used.namedParameters().get(name).grad());
        }
    }

    @Test
    void rejectsBadBatches() {
        Transformer model = new Transformer(small(false), 1);
        int[] ids = {1, 2, 3, 4};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradients(Batch.tokens(2, 2, new int[] {1, 2, 50, 4}, new int[] {1, 1, 1, 1},
                        new int[] {0, 1})));
        assertTrue(e.getMessage().contains("token id 50 at example 1, position 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradients(Batch.tokens(2, 2, ids, new int[] {1, 1, 0, 0}, new int[] {0, 1})));
        assertTrue(e.getMessage().contains("example 1 has no real token"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradients(Batch.tokens(2, 2, ids, new int[] {1, 1, 1, 2}, new int[] {0, 1})));
        assertTrue(e.getMessage().contains("entry (1, 1) is 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradients(Batch.tokens(2, 2, ids, new int[] {1, 1, 1, 1}, new int[] {0, 3})));
        assertTrue(e.getMessage().contains("label 3 of row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> model.predict(Batch.tokens(1, 25, new int[25], null, null), new int[1]));
        assertTrue(e.getMessage().contains("sequence length 25 is outside [1, 24]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> model.predict(Batch.images(1, 1, 2, 2, new float[4], new int[1]), new int[1]));
        assertTrue(e.getMessage().contains("needs a token batch"), e.getMessage());
    }
}
