package dev.nanoadam.experiments.minilm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.onnx.MiniLmL6V2;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiment's machinery (data, both optimizers on the same batches, drift, state, heap,
 * JSON, plots) on a small stand-in encoder, so it runs in seconds.
 */
class MiniLmFinetuneRunnerTest {
    static final int WIDTH = 8;

    @Test
    void bothOptimizersRunOnTheSameBudgetAndTheResultsFileSaysSo(@TempDir Path out) throws Exception {
        BagOfEmbeddings encoder = new BagOfEmbeddings(MiniLmL6V2.loadTokenizer(), WIDTH, 11);
        MiniLmOptions o = Corpora.onFixtures(MiniLmOptions.defaults().withData(24, 32, 8, 20).withSteps(6, 3, 1).withOut(out),
                Corpora.TOPICS);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        MiniLmFinetune.Report report = MiniLmFinetune.run(o, encoder, new PrintStream(log, true, StandardCharsets.UTF_8));
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("optimizer") && printed.contains("nanoadam") && printed.contains("adamw"), printed);

        Object parsed = Json.parse(Files.readString(out.resolve(MiniLmFinetune.RESULTS_FILE)));
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) parsed;
        @SuppressWarnings("unchecked")
        Map<String, Object> task = (Map<String, Object>) root.get("task");
        assertEquals(Corpora.TOPICS, task.get("classes"));
        assertEquals(5L * 19, ((Number) task.get("train_examples")).longValue(), "24 per class, 20 % (5) held out");
        assertEquals(5L * 5, ((Number) task.get("held_out_examples")).longValue());
        assertEquals(20L, ((Number) task.get("drift_verses")).longValue());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> runs = (List<Map<String, Object>>) root.get("runs");
        assertEquals(List.of("nanoadam", "adamw"), runs.stream().map(r -> r.get("optimizer")).toList());

        long vocab = encoder.tokenizer().vocabSize();
        long tableSize = vocab * WIDTH;
        long headSize = 5L * WIDTH + 5;
        // SPEC.md §9: AdamW keeps m and v for every weight; NanoAdam for K = sum over 4096-chunks of ceil(0.1 L).
        long fullChunks = tableSize / 4096;
        long last = tableSize % 4096;
        long k = fullChunks * (long) Math.ceil(0.1 * 4096 - 1e-9) + (last == 0 ? 0 : (long) Math.ceil(0.1 * last - 1e-9));
        assertEquals(k * (2 * 4 + 2) + 2 * 4 * headSize, report.run("nanoadam").stateBytes());
        assertEquals(2 * 4 * (tableSize + headSize), report.run("adamw").stateBytes());

        for (Map<String, Object> run : runs) {
            String name = (String) run.get("optimizer");
            for (String key : List.of("lr", "accuracy", "drift_cosine", "drift_cosine_min", "l2_shift", "untouched_fraction",
                    "state_bytes", "peak_heap_bytes", "live_heap_bytes", "seconds", "train_seconds", "eval_steps",
                    "eval_accuracy", "train_loss", "backend")) {
                assertTrue(run.containsKey(key), name + " lacks '" + key + "': " + run.keySet());
            }
            assertEquals(List.of(0L, 3L, 6L), run.get("eval_steps"), name);
            double acc = ((Number) run.get("accuracy")).doubleValue();
            assertTrue(acc >= 0 && acc <= 1, name + " accuracy " + acc);
            List<?> losses = (List<?>) run.get("train_loss");
            assertEquals(6, losses.size(), name);
            for (Object l : losses) {
                double v = ((Number) l).doubleValue();
                assertTrue(v > 0 && v < 10, name + " loss " + v);
            }
            double drift = ((Number) run.get("drift_cosine")).doubleValue();
            double driftMin = ((Number) run.get("drift_cosine_min")).doubleValue();
            assertTrue(driftMin <= drift && drift < 1 && driftMin > 0, name + ": the encoder moved a little: mean "
                    + drift + ", min " + driftMin);
            double untouched = ((Number) run.get("untouched_fraction")).doubleValue();
            assertTrue(untouched > 0 && untouched < 1, name + " untouched " + untouched);
            assertTrue(((Number) run.get("l2_shift")).doubleValue() > 0, name);
            assertTrue(((Number) run.get("peak_heap_bytes")).longValue() > 0, name);
            assertTrue(((Number) run.get("seconds")).doubleValue() >= ((Number) run.get("train_seconds")).doubleValue(), name);
            assertEquals("cpu", run.get("backend"), name);
        }
        // Same initial head, same held-out set: the two runs agree before their first step.
        assertEquals(report.run("nanoadam").evalAccuracy()[0], report.run("adamw").evalAccuracy()[0]);
        // NanoAdam changes at most 10 % of each chunk of the table (one mask for these 6 steps).
        assertTrue(report.run("nanoadam").untouchedFraction() >= 0.9 - 1e-9, "nanoadam untouched "
                + report.run("nanoadam").untouchedFraction());

        for (String png : List.of(MiniLmFinetune.CURVES_PLOT, MiniLmFinetune.SUMMARY_PLOT)) {
            byte[] bytes = Files.readAllBytes(out.resolve(png));
            assertTrue(bytes.length > 1000, png + " has " + bytes.length + " bytes");
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(bytes, 4), png);
        }
    }
}
