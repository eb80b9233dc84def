package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.io.SafetensorsFile;
import dev.nanoadam.models.testing.Fixtures;
import dev.nanoadam.testing.Compare;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code finetune --resume}: a run halted in another JVM at a set point (no shutdown hook, nothing
 * flushed, as after {@code kill -9}; see {@code CrashPoint}) and then resumed ends with the same
 * weights, curve and results, bit for bit, as a run never stopped. Three points: between two
 * checkpoints, right after one, and in the middle of writing one (its files left half-written).
 */
class FinetuneResumeTest {
    /** The exit status of a JVM halted at its crash point. */
    private static final int HALTED = 137;

    static String[] args(Path out, String model, String optimizer, int steps, int batchSize) {
        return new String[] {"finetune", "--model", model, "--pretrained", "none", "--optimizer", optimizer,
            "--steps", Integer.toString(steps), "--batch-size", Integer.toString(batchSize), "--checkpoint-every", "10",
            "--eval-every", "25", "--curve-examples", "200", "--test-examples", "500", "--mask-interval", "15", "--no-cache",
            "--data-dir", Fixtures.fashionMnistDir().toString(), "--out", out.toString()};
    }

    static Map<String, float[]> tensors(Path file) throws Exception {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) {
                out.put(name, f.readFloats(name));
            }
        }
        return out;
    }

    private static long checkpointStep(Path dir) throws Exception {
        Object m = Json.parse(Files.readString(dir.resolve("checkpoint/checkpoint.json"), StandardCharsets.UTF_8));
        return (Long) ((Map<?, ?>) m).get("step");
    }

    @Test
    void haltedBetweenCheckpointsAndResumedEqualsUninterrupted(@TempDir Path dir) throws Exception {
        haltResumeCompare(dir, "tiny-mlp:hidden=32", "nanoadam", 300, 64, "step:15", 10, false);
    }

    @Test
    void haltedRightAfterACheckpointAndResumedEqualsUninterrupted(@TempDir Path dir) throws Exception {
        haltResumeCompare(dir, "tiny-mlp:hidden=32", "adamw", 300, 64, "checkpoint:20", 20, false);
    }

    @Test
    void haltedWhileWritingACheckpointAndResumedEqualsUninterrupted(@TempDir Path dir) throws Exception {
        haltResumeCompare(dir, "resnet:width=4", "nanoadam", 60, 32, "checkpoint:20", 20, true);
    }

    /** The paper's other baselines resume bit-identically through the same checkpoints as NanoAdam and AdamW. */
    @ParameterizedTest
    @ValueSource(strings = {"adamw8bit", "galore", "microadam"})
    void everyBaselineHaltedAndResumedEqualsUninterrupted(String optimizer, @TempDir Path dir) throws Exception {
        haltResumeCompare(dir, "tiny-mlp:hidden=32", optimizer, 40, 32, "step:25", 20, false);
    }

    /**
     * Runs the whole fine-tuning here, then again in a child JVM that halts at {@code crashAt};
     * checks the checkpoint it left is that of step {@code expectedCheckpoint}, optionally adds
     * what a halt in the middle of writing the next checkpoint leaves behind (that checkpoint's
     * file, or only a torn temporary one, the manifest still the old one), resumes here, and
     * compares.
     */
    private static void haltResumeCompare(Path dir, String model, String optimizer, int steps, int batchSize, String crashAt,
                                          long expectedCheckpoint, boolean tornNextCheckpoint) throws Exception {
        String what = model + " " + optimizer + " halted at " + crashAt;
        Path whole = dir.resolve("whole");
        Cli.Result r = Cli.run(args(whole, model, optimizer, steps, batchSize));
        assertEquals(0, r.status(), r.toString());

        Path halted = dir.resolve("halted");
        Path log = dir.resolve("halted.log");
        // The child runs with this JVM's own options (heap, stack, modules) and the crash point.
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-Djava.awt.headless=true", "-Dnanoadam.crashAt=" + crashAt,
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args(halted, model, optimizer, steps, batchSize)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), what + ": the child JVM did not halt; log: " + Files.readString(log));
        assertEquals(HALTED, p.exitValue(), what + ": exit status; log: " + Files.readString(log));
        assertFalse(Files.exists(halted.resolve("model.safetensors")), what + ": the run finished; log: " + Files.readString(log));
        assertEquals(expectedCheckpoint, checkpointStep(halted), what + ": the checkpoint left behind");

        if (tornNextCheckpoint) {
            Path ck = halted.resolve("checkpoint");
            long next = expectedCheckpoint + 10;
            byte[] bytes = Files.readAllBytes(ck.resolve("checkpoint-" + expectedCheckpoint + ".safetensors"));
            Files.write(ck.resolve("checkpoint-" + next + ".safetensors"), bytes);
            Files.write(ck.resolve(".checkpoint-" + (next + 10) + ".safetensors.5eed5eed5eed5eed.tmp"),
                    Arrays.copyOf(bytes, bytes.length / 2));
        }

        Cli.Result resumed = Cli.run("finetune", "--resume", halted.toString());
        assertEquals(0, resumed.status(), resumed.toString());
        assertTrue(resumed.out().contains("resumed " + optimizer + " at step " + expectedCheckpoint + " of " + steps),
                resumed.out());

        Map<String, float[]> expected = tensors(whole.resolve("model.safetensors"));
        Map<String, float[]> actual = tensors(halted.resolve("model.safetensors"));
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            Compare.exact(what + ": " + name, expected.get(name), actual.get(name));
        }
        assertEquals(Files.readString(whole.resolve("curves.csv")), Files.readString(halted.resolve("curves.csv")),
                what + ": the curve is the same, points before the halt included");
        List<Map<String, Object>> a = DemoCommandTest.runs(whole.resolve("results.json"));
        List<Map<String, Object>> b = DemoCommandTest.runs(halted.resolve("results.json"));
        for (String k : List.of("optimizer", "task1_acc", "task2_acc", "task1_acc_after", "l2_shift", "untouched_fraction",
                "state_bytes")) {
            assertEquals(a.get(0).get(k), b.get(0).get(k), what + ": " + k);
        }
    }

    @Test
    void aMalformedCrashPointIsRefusedByName(@TempDir Path dir) throws Exception {
        String old = System.getProperty("nanoadam.crashAt");
        System.setProperty("nanoadam.crashAt", "soon");
        try {
            Cli.Result r = Cli.run(args(dir.resolve("o"), "tiny-mlp:hidden=8", "nanoadam", 5, 8));
            assertTrue(r.status() != 0, r.toString());
            assertTrue(r.err().contains("nanoadam.crashAt = 'soon': expected step:N or checkpoint:N"), r.err());
        } finally {
            if (old == null) {
                System.clearProperty("nanoadam.crashAt");
            } else {
                System.setProperty("nanoadam.crashAt", old);
            }
        }
    }

    @Test
    void resumeTakesOnlyBackendAndRefusesAnOccupiedOutput(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        String[] small = {"finetune", "--model", "tiny-mlp:hidden=8", "--pretrained", "none", "--steps", "20",
            "--checkpoint-every", "10", "--eval-every", "10", "--curve-examples", "100", "--no-cache",
            "--data-dir", Fixtures.fashionMnistDir().toString(), "--out", out.toString()};
        assertEquals(0, Cli.run(small).status());

        Cli.Result again = Cli.run(small);
        assertEquals(1, again.status());
        assertTrue(again.err().contains("already holds a fine-tuning run") && again.err().contains("--resume"), again.err());

        Cli.Result withLr = Cli.run("finetune", "--resume", out.toString(), "--lr", "0.1");
        assertEquals(1, withLr.status());
        assertTrue(withLr.err().contains("only --backend and --ranks may be given with it, not --lr"), withLr.err());

        Cli.Result finished = Cli.run("finetune", "--resume", out.toString(), "--backend", "cpu-scalar");
        assertEquals(0, finished.status(), finished.toString());
        assertTrue(finished.out().contains("resumed nanoadam at step 20 of 20"), finished.out());

        Cli.Result nothing = Cli.run("finetune", "--resume", dir.resolve("absent").toString());
        assertEquals(1, nothing.status());
        assertEquals("nanoadam finetune: " + dir.resolve("absent") + " holds no fine-tuning run (no finetune.json)",
                nothing.err().strip());
    }
}
