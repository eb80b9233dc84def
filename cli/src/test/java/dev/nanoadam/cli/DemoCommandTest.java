package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nanoadam demo} end to end on real Fashion-MNIST (the committed excerpt) with a tiny model and budget. */
class DemoCommandTest {
    static final String MODEL = "tiny-mlp:hidden=16";

    static String[] tiny(Path dir, String... more) {
        String[] base = {"demo", "--model", MODEL, "--pretrain-steps", "60", "--steps", "40", "--eval-every", "20",
            "--curve-examples", "200", "--data-dir", Fixtures.fashionMnistDir().toString(), "--cache-dir", dir.resolve("cache").toString(),
            "--out", dir.resolve("out").toString(), "--optimizer", "nanoadam,adamw"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** The PNG signature, then a decodable image of a plausible size. */
    static void assertPng(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        assertTrue(bytes.length > signature.length, file + " is too short");
        for (int i = 0; i < signature.length; i++) {
            assertEquals(signature[i], bytes[i], file + ": byte " + i + " of the PNG signature");
        }
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " does not decode");
        assertTrue(image.getWidth() >= 300 && image.getHeight() >= 300, file + " is " + image.getWidth() + "x" + image.getHeight());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> runs(Path resultsJson) throws Exception {
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(resultsJson, StandardCharsets.UTF_8));
        assertEquals(List.of("runs"), List.copyOf(root.keySet()));
        return (List<Map<String, Object>>) root.get("runs");
    }

    static void assertRunFields(Map<String, Object> run) {
        assertEquals(List.of("optimizer", "task1_acc", "task2_acc", "task1_acc_after", "forgetting", "l2_shift",
                "untouched_fraction", "state_bytes", "peak_heap_bytes", "seconds"), List.copyOf(run.keySet()));
        for (String k : List.of("task1_acc", "task2_acc", "task1_acc_after", "untouched_fraction")) {
            double v = ((Number) run.get(k)).doubleValue();
            assertTrue(v >= 0 && v <= 1, k + " = " + v + " is not a fraction");
        }
        double forgetting = ((Number) run.get("forgetting")).doubleValue();
        assertEquals(((Number) run.get("task1_acc")).doubleValue() - ((Number) run.get("task1_acc_after")).doubleValue(),
                forgetting, 0.0, "forgetting = task1_acc - task1_acc_after");
        assertTrue(((Number) run.get("l2_shift")).doubleValue() > 0, "the backbone moved");
        assertTrue(run.get("state_bytes") instanceof Long s && s > 0);
        assertTrue(run.get("peak_heap_bytes") instanceof Long h && h > 0);
        assertTrue(((Number) run.get("seconds")).doubleValue() > 0);
    }

    @Test
    void runsOnTheResNetWithTorchvisionNames(@TempDir Path dir) throws Exception {
        Cli.Result r = Cli.run("demo", "--model", "resnet:width=4", "--pretrain-steps", "20", "--pretrain-batch-size", "32",
                "--steps", "10", "--batch-size", "32", "--eval-every", "5", "--curve-examples", "100", "--warmup-steps", "1",
                "--test-examples", "500", "--data-dir", Fixtures.fashionMnistDir().toString(),
                "--cache-dir", dir.resolve("cache").toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("ResNet-8 (BasicBlocks 1-1-1, widths 4-8-16)"), r.out());
        List<Map<String, Object>> runs = runs(dir.resolve("out/results.json"));
        // every optimizer by default, in the documented order, from the same pretraining
        assertEquals(List.of("nanoadam", "adamw", "adamw8bit", "galore", "microadam"),
                runs.stream().map(m -> m.get("optimizer")).toList());
        for (String label : List.of("nanoadam", "adamw", "adamw8bit", "galore", "microadam")) {
            assertTrue(Files.readString(dir.resolve("out/curves.csv")).contains("\n" + label + ",10,"), label + " has a curve");
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(label + " ")), label + " is a row of the table: " + r.out());
        }
        for (Map<String, Object> run : runs) {
            assertEquals(runs.get(0).get("task1_acc"), run.get("task1_acc"), "the same pretraining for " + run.get("optimizer"));
        }
        // At width 4 every tensor has fewer than 4096 entries, so AdamW8bit keeps float32 moments like
        // AdamW, as bitsandbytes does; MicroAdam keeps a window of 1 % of the gradients and a 4-bit error
        long adamw = (Long) runs.get(1).get("state_bytes");
        assertEquals(adamw, runs.get(2).get("state_bytes"), "adamw8bit on tensors below 4096 entries");
        assertTrue((Long) runs.get(4).get("state_bytes") < adamw / 4, "microadam " + runs.get(4).get("state_bytes") + " vs " + adamw);
        for (Map<String, Object> run : runs) {
            assertRunFields(run);
        }
        // Heads (fc.*) are excluded, BatchNorm weights are backbone: AdamW moves them all, NanoAdam
        // moves the BatchNorms and 5% of each convolution once (mask interval 100 > 10 steps).
        double nanoUntouched = ((Number) runs.get(0).get("untouched_fraction")).doubleValue();
        assertTrue(nanoUntouched > 0.85 && nanoUntouched < 0.95, "untouched " + nanoUntouched);
        assertEquals(0.0, ((Number) runs.get(1).get("untouched_fraction")).doubleValue(), 0.01);
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("out/config.json")));
        assertEquals("resnet:width=4,blocks=1-1-1", config.get("model"));
        assertPng(dir.resolve("out/accuracy.png"));
        assertPng(dir.resolve("out/summary.png"));
    }

    @Test
    void writesResultsAndPlotsThenReusesThePretraining(@TempDir Path dir) throws Exception {
        Cli.Result first = Cli.run(tiny(dir));
        assertEquals(0, first.status(), first.toString());
        Path out = dir.resolve("out");
        List<Map<String, Object>> runs = runs(out.resolve("results.json"));
        assertEquals(2, runs.size());
        assertEquals("nanoadam", runs.get(0).get("optimizer"));
        assertEquals("adamw", runs.get(1).get("optimizer"));
        for (Map<String, Object> run : runs) {
            assertRunFields(run);
        }
        // Same pretraining for both; NanoAdam keeps state for 5% of the sparse layer only.
        assertEquals(runs.get(0).get("task1_acc"), runs.get(1).get("task1_acc"));
        long nanoState = (Long) runs.get(0).get("state_bytes");
        long adamState = (Long) runs.get(1).get("state_bytes");
        assertTrue(nanoState < adamState / 4, "state bytes " + nanoState + " vs " + adamState);
        double nanoUntouched = ((Number) runs.get(0).get("untouched_fraction")).doubleValue();
        double adamUntouched = ((Number) runs.get(1).get("untouched_fraction")).doubleValue();
        assertTrue(nanoUntouched > 0.5, "NanoAdam left most of the backbone alone: " + nanoUntouched);
        assertTrue(adamUntouched < 0.1, "AdamW moved almost every weight: " + adamUntouched);
        for (String png : List.of("accuracy.png", "summary.png")) {
            assertPng(out.resolve(png));
        }
        assertTrue(Files.readString(out.resolve("curves.csv")).startsWith("optimizer,step,task1_acc,task2_acc\n"));
        assertTrue(first.out().contains("task-1 after"), first.out());
        assertFalse(first.out().contains("\r"), "no in-place redraws when not on a terminal");

        Cli.Result second = Cli.run(tiny(dir));
        assertEquals(0, second.status(), second.toString());
        assertTrue(second.out().contains("from cache"), second.out());
        assertFalse(second.out().contains("pretrain on classes"), "no second pretraining: " + second.out());
        List<Map<String, Object>> again = runs(out.resolve("results.json"));
        for (int i = 0; i < 2; i++) {
            for (String k : List.of("task1_acc", "task2_acc", "task1_acc_after", "l2_shift", "untouched_fraction", "state_bytes")) {
                assertEquals(runs.get(i).get(k), again.get(i).get(k), k + " of run " + i + " is reproducible");
            }
        }
    }
}
