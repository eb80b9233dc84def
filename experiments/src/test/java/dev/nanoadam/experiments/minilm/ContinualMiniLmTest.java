package dev.nanoadam.experiments.minilm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.MicroAdam;
import dev.nanoadam.experiments.Console;
import dev.nanoadam.experiments.OptimizerSpec;
import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.testing.Fixtures;
import dev.nanoadam.models.onnx.MiniLmL6V2;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The continual-learning experiment end to end on the committed excerpts of fortunes and the King
 * James Bible (only Genesis 1-33 there, so task 2's classes are chapter ranges of Genesis), on the
 * small stand-in encoder for the whole machinery (the real encoder runs in the command's test).
 */
class ContinualMiniLmTest {
    static final int WIDTH = 8;
    static final List<String> TOPICS = List.of("food", "law", "science");
    static final List<String> CHAPTERS = List.of("Ge:1-11", "Ge:12-22", "Ge:23-33");

    static ContinualOptions tiny(Path out, Map<String, List<Double>> rates, List<String> optimizers) {
        return new ContinualOptions(TOPICS, CHAPTERS, 30, 0.2, 0.2, 16, 8, 6, 6, 3, rates, optimizers, 0.1, 50, "cpu", 5L,
                out, Fixtures.fortunesDir(), Fixtures.bibleFile());
    }

    @Test
    void everyOptimizerRunsBothTasksAndTheSweepPicksTheBestValidationRate(@TempDir Path out) throws Exception {
        BagOfEmbeddings encoder = new BagOfEmbeddings(MiniLmL6V2.loadTokenizer(), WIDTH, 3);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        rates.put("nanoadam", List.of(1e-3, 1e-1));
        rates.put("adamw", List.of(1e-2));
        rates.put("adamw8bit", List.of(1e-2));
        rates.put("galore", List.of(1e-2));
        rates.put("microadam", List.of(1e-4, 1e-2));
        ContinualOptions o = tiny(out, rates, OptimizerSpec.NAMES);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ContinualMiniLm.Report r = ContinualMiniLm.run(o, encoder,
                new Console(new PrintStream(log, true, StandardCharsets.UTF_8), false));
        String printed = log.toString(StandardCharsets.UTF_8);

        // splits: 30 per class, 6 test, 6 validation, 18 train; disjoint by construction, sizes checked here
        for (ContinualMiniLm.Task t : List.of(r.task1(), r.task2())) {
            assertEquals(3 * 18, t.train().size(), t.name());
            assertEquals(3 * 6, t.validation().size(), t.name());
            assertEquals(3 * 6, t.test().size(), t.name());
        }
        assertEquals(CHAPTERS, r.task2().classNames());

        assertEquals(OptimizerSpec.NAMES, r.runs().stream().map(ContinualMiniLm.Run::optimizer).toList());
        assertEquals(List.of("nanoadam", "nanoadam", "microadam", "microadam"),
                r.sweep().stream().map(ContinualMiniLm.SweepPoint::optimizer).toList(), "one candidate: no sweep");
        for (String name : List.of("nanoadam", "microadam")) {
            List<ContinualMiniLm.SweepPoint> points = r.sweep().stream().filter(p -> p.optimizer().equals(name)).toList();
            ContinualMiniLm.SweepPoint best = points.get(0).validationAccuracy() >= points.get(1).validationAccuracy()
                    ? points.get(0) : points.get(1);
            assertEquals(best.lr(), r.run(name).lr(), name + ": the better validation accuracy wins, ties the smaller rate");
        }
        assertEquals(1e-2, r.run("adamw").lr());

        for (ContinualMiniLm.Run run : r.runs()) {
            String n = run.optimizer();
            for (double acc : new double[] {run.task1Acc(), run.task2Acc(), run.task1AccAfter(), run.untouchedFraction()}) {
                assertTrue(acc >= 0 && acc <= 1, n + ": " + acc + " is not a fraction");
            }
            assertEquals(run.task1Acc() - run.task1AccAfter(), run.forgetting(), 0.0, n);
            assertTrue(run.l2ShiftTask2() > 0 && run.l2Shift() > 0, n + ": the encoder moved in task 2");
            assertTrue(run.peakHeapBytes() > 0 && run.seconds() > 0, n);
            assertTrue(printed.contains(n + ": task 1 "), printed);
        }
        long table = (long) encoder.tokenizer().vocabSize() * WIDTH;
        long head = 3L * WIDTH + 3;
        assertEquals(8 * (table + head), r.run("adamw").stateBytes(), "AdamW: m and v for every weight");
        assertEquals(MicroAdam.stateBytesOf((int) table, 0.01, 10) + MicroAdam.stateBytesOf((int) (3 * WIDTH), 0.01, 10)
                + MicroAdam.stateBytesOf(3, 0.01, 10), r.run("microadam").stateBytes());
        // NanoAdam updates at most 10 % of each chunk per mask (ceil), one mask per task: at least ~80 % untouched
        assertTrue(r.run("nanoadam").untouchedFraction() >= 0.79, "nanoadam untouched " + r.run("nanoadam").untouchedFraction());

        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(out.resolve(ContinualMiniLm.RESULTS_FILE)));
        assertEquals("continual-minilm", root.get("experiment"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> runs = (List<Map<String, Object>>) root.get("runs");
        assertEquals(List.of("optimizer", "lr", "backend", "task1_acc", "task2_acc", "task1_acc_after", "forgetting",
                "l2_shift", "l2_shift_task2", "untouched_fraction", "state_bytes", "peak_heap_bytes", "seconds"),
                List.copyOf(runs.get(0).keySet()));
        assertEquals(4, ((List<?>) root.get("sweep")).size());
        String md = Files.readString(out.resolve(ContinualMiniLm.TABLE_FILE));
        assertTrue(md.startsWith("| optimizer | lr | task-1 acc |"), md);
        assertEquals(1 + 5 + 1 + 4, md.lines().filter(l -> l.startsWith("| ")).count(), md); // heads and rows
        byte[] png = Files.readAllBytes(out.resolve(ContinualMiniLm.SUMMARY_PLOT));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG");
    }

    @Test
    void theTask1HeadComesBackOnTheTask2Encoder(@TempDir Path out) throws Exception {
        // With a rate too small to change a float32 weight, task 2 leaves the encoder as task 1 left it:
        // nothing can be forgotten, and the restored head must see exactly its own encoder again.
        BagOfEmbeddings encoder = new BagOfEmbeddings(MiniLmL6V2.loadTokenizer(), WIDTH, 3);
        Map<String, List<Double>> rates = new LinkedHashMap<>(ContinualOptions.DEFAULT_RATES);
        rates.put("adamw", List.of(1e-30));
        ContinualMiniLm.Report r = ContinualMiniLm.run(tiny(out, rates, List.of("adamw")), encoder,
                new Console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false));
        ContinualMiniLm.Run run = r.run("adamw");
        assertEquals(0.0, run.l2ShiftTask2());
        assertEquals(run.task1Acc(), run.task1AccAfter());
        assertEquals(0.0, run.forgetting());
        assertTrue(run.untouchedFraction() == 1.0, "untouched " + run.untouchedFraction());
    }

    @Test
    void badSettingsAreRefusedByName(@TempDir Path out) {
        Map<String, List<Double>> rates = new LinkedHashMap<>(ContinualOptions.DEFAULT_RATES);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ContinualOptions(TOPICS,
                List.of("Ge:5-2", "Ge"), 30, 0.2, 0.2, 16, 8, 6, 6, 3, rates, List.of("adamw"), 0.1, 50, "cpu", 5L, out,
                Fixtures.fortunesDir(), Fixtures.bibleFile()));
        assertTrue(e.getMessage().startsWith("bibleClasses: 'Ge:5-2' is neither a book"), e.getMessage());
        rates.put("galore", List.of(1e-3, 1e-4));
        e = assertThrows(IllegalArgumentException.class, () -> tiny(out, rates, List.of("galore")));
        assertTrue(e.getMessage().startsWith("galore rates = [0.001, 1.0E-4]: must be finite, > 0 and ascending"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny(out, ContinualOptions.DEFAULT_RATES, List.of("sgd")));
        assertTrue(e.getMessage().startsWith("optimizers = [sgd]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ContinualOptions(TOPICS, CHAPTERS, 30, 0.5, 0.5, 16, 8,
                6, 6, 3, ContinualOptions.DEFAULT_RATES, List.of("adamw"), 0.1, 50, "cpu", 5L, out, Fixtures.fortunesDir(),
                Fixtures.bibleFile()));
        assertTrue(e.getMessage().startsWith("validationFraction = 0.5"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new ContinualOptions(TOPICS, CHAPTERS, 30, 0.2, 0.2, 16, 8,
                6, 6, 3, ContinualOptions.DEFAULT_RATES, List.of("nanoadam", "adamw8bit"), 0.1, 50, "opencl", 5L, out,
                Fixtures.fortunesDir(), Fixtures.bibleFile()));
        assertEquals("backend = opencl: must be cpu for adamw8bit, which runs only on the cpu backend", e.getMessage());

        ContinualOptions exodus = new ContinualOptions(TOPICS, List.of("Ge", "Exo"), 30, 0.2, 0.2, 16, 8, 6, 6, 3,
                ContinualOptions.DEFAULT_RATES, List.of("adamw"), 0.1, 50, "cpu", 5L, out, Fixtures.fortunesDir(),
                Fixtures.bibleFile());
        e = assertThrows(IllegalArgumentException.class, () -> ContinualMiniLm.bibleTask(exodus, MiniLmL6V2.loadTokenizer()));
        assertTrue(e.getMessage().startsWith("task-2 class 'Exo' matches no verse of " + Fixtures.bibleFile())
                && e.getMessage().endsWith("its books: Ge"), e.getMessage());
        assertFalse(Files.exists(out.resolve(ContinualMiniLm.RESULTS_FILE)));
    }
}
