package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.experiments.minilm.MiniLmFinetune;
import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nanoadam finetune-minilm} end to end on the real all-MiniLM-L6-v2, a few steps on a little data. */
class FinetuneMiniLmCommandTest {



    @Test
    void aTinyRunWritesEveryResultField(@TempDir Path out) throws Exception {
        Cli.Result r = Cli.run("finetune-minilm", "--classes", "food,law,science", "--per-class", "10", "--seq-len", "16",
                "--batch-size", "4", "--steps", "3", "--eval-every", "2", "--warmup", "1", "--drift-verses", "6",
                "--fortunes-dir", Fixtures.fortunesDir().toString(), "--bible", Fixtures.bibleFile().toString(),
                "--out", out.toString());
        assertEquals(0, r.status(), r.err() + r.out());
        assertTrue(r.out().contains("all-MiniLM-L6-v2"), r.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(out.resolve(MiniLmFinetune.RESULTS_FILE)));
        assertTrue(((String) root.get("model")).startsWith("all-MiniLM-L6-v2 (6 layers, hidden 384"), root.get("model").toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> task = (Map<String, Object>) root.get("task");
        assertEquals(List.of("food", "law", "science"), task.get("classes"));
        assertEquals(24L, ((Number) task.get("train_examples")).longValue(), "10 per class, 2 held out");
        assertEquals(16L, ((Number) task.get("seq_len")).longValue());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> runs = (List<Map<String, Object>>) root.get("runs");
        assertEquals(List.of("nanoadam", "adamw"), runs.stream().map(m -> m.get("optimizer")).toList());
        long nano = ((Number) runs.get(0).get("state_bytes")).longValue();
        long adamw = ((Number) runs.get(1).get("state_bytes")).longValue();
        // all-MiniLM-L6-v2's encoder: embeddings (30522 + 512 + 2) x 384 and a LayerNorm (768); per layer four
        // 384 x 384 projections with biases, two LayerNorms, 384 -> 1536 -> 384 with biases. AdamW keeps m and v,
        // 8 bytes, for each of these and for the 3 x 384 head with 3 biases.
        long perLayer = 4L * (384 * 384 + 384) + 2 * 768 + (384L * 1536 + 1536) + (1536L * 384 + 384);
        long encoder = (30522L + 512 + 2) * 384 + 768 + 6 * perLayer;
        assertEquals(22_565_376L, encoder);
        assertEquals(8L * (encoder + 3 * 384 + 3), adamw);
        assertTrue(nano < adamw / 5, "NanoAdam at density 0.1 keeps " + nano + " bytes, AdamW " + adamw);
        for (Map<String, Object> run : runs) {
            assertEquals(List.of(0L, 2L, 3L), run.get("eval_steps"), run.get("optimizer").toString());
            assertEquals(3, ((List<?>) run.get("train_loss")).size());
            double drift = ((Number) run.get("drift_cosine")).doubleValue();
            assertTrue(drift > 0.5 && drift < 1, run.get("optimizer") + " drift " + drift);
            double acc = ((Number) run.get("accuracy")).doubleValue();
            assertTrue(acc >= 0 && acc <= 1, run.get("optimizer") + " accuracy " + acc);
            assertTrue(((Number) run.get("peak_heap_bytes")).longValue() > 100L << 20, "the model alone is 90 MB");
        }
        assertTrue(Files.size(out.resolve(MiniLmFinetune.CURVES_PLOT)) > 1000);
        assertTrue(Files.size(out.resolve(MiniLmFinetune.SUMMARY_PLOT)) > 1000);
    }

    @Test
    void badOptionsAreRefusedByName(@TempDir Path out) {
        Cli.Result r = Cli.run("finetune-minilm", "--steps", "10", "--warmup", "10", "--out", out.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("warmupSteps = 10: must be in [0, steps)"), r.err());
        r = Cli.run("finetune-minilm", "--optimizers", "sgd", "--out", out.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("optimizers = [sgd]"), r.err());
        r = Cli.run("finetune-minilm", "--optimizer", "adamw,galore", "--backend", "cpu-scalar", "--out", out.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("backend = cpu-scalar: must be cpu for galore, which runs only on the cpu backend"), r.err());
        r = Cli.run("finetune-minilm", "--microadam-lr", "-1", "--out", out.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("microadam learning rate = -1.0: must be finite and > 0"), r.err());
    }
}
