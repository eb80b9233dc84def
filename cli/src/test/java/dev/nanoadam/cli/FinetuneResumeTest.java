package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.io.SafetensorsFile;
import dev.nanoadam.testing.Compare;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finetune --resume}: a run killed (SIGKILL, in another JVM) at a seeded moment after its
 * first checkpoint and then resumed ends with the same weights, bit for bit, as a run never stopped.
 */
class FinetuneResumeTest {
    private static final long SEED = 0x5EED_0006L;

    static String[] args(Path out, String model, String optimizer, int steps, int batchSize) {
        return new String[] {"finetune", "--model", model, "--pretrained", "none", "--optimizer", optimizer,
            "--steps", Integer.toString(steps), "--batch-size", Integer.toString(batchSize), "--checkpoint-every", "10",
            "--eval-every", "25", "--curve-examples", "200", "--test-examples", "500", "--mask-interval", "15", "--no-cache", "--out", out.toString()};
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

    private static long checkpointStep(Path dir) {
        try {
            Object m = Json.parse(Files.readString(dir.resolve("checkpoint/checkpoint.json"), StandardCharsets.UTF_8));
            return (Long) ((Map<?, ?>) m).get("step");
        } catch (Exception e) {
            return -1; // not written yet
        }
    }

    @Test
    void killedAndResumedEqualsUninterrupted(@TempDir Path dir) throws Exception {
        for (String optimizer : List.of("nanoadam", "adamw")) {
            killResumeCompare(dir.resolve(optimizer), "tiny-mlp:hidden=32", optimizer, 300, 64);
        }
    }

    @Test
    void killedAndResumedResNetEqualsUninterrupted(@TempDir Path dir) throws Exception {
        killResumeCompare(dir, "resnet:width=4", "nanoadam", 60, 32);
    }

    private static void killResumeCompare(Path dir, String model, String optimizer, int steps, int batchSize)
            throws Exception {
        String what = model + " " + optimizer;
        Path whole = dir.resolve("whole");
        Cli.Result r = Cli.run(args(whole, model, optimizer, steps, batchSize));
        assertEquals(0, r.status(), r.toString());

        Path killed = dir.resolve("killed");
        Path log = dir.resolve("killed.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args(killed, model, optimizer, steps, batchSize)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long killAfterMs = new SplittableRandom(SEED ^ what.hashCode()).nextLong(0, 200);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (checkpointStep(killed) < 10 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(killAfterMs);
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long at = checkpointStep(killed);
        assertFalse(Files.exists(killed.resolve("model.safetensors")),
                what + ": the run finished before it was killed (seed " + SEED + "); log: " + Files.readString(log));
        assertTrue(at >= 10 && at < steps, what + ": killed with its checkpoint at step " + at + " (seed " + SEED + ")");

        Cli.Result resumed = Cli.run("finetune", "--resume", killed.toString());
        assertEquals(0, resumed.status(), resumed.toString());
        assertTrue(resumed.out().contains("resumed " + optimizer + " at step"), resumed.out());

        Map<String, float[]> expected = tensors(whole.resolve("model.safetensors"));
        Map<String, float[]> actual = tensors(killed.resolve("model.safetensors"));
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            Compare.exact(what + " " + name + " after a kill at checkpoint step " + at + " (seed " + SEED + ")",
                    expected.get(name), actual.get(name));
        }
        assertEquals(Files.readString(whole.resolve("curves.csv")), Files.readString(killed.resolve("curves.csv")),
                what + ": the curve is the same, points before the kill included");
        List<Map<String, Object>> a = DemoCommandTest.runs(whole.resolve("results.json"));
        List<Map<String, Object>> b = DemoCommandTest.runs(killed.resolve("results.json"));
        for (String k : List.of("optimizer", "task1_acc", "task2_acc", "task1_acc_after", "l2_shift", "untouched_fraction",
                "state_bytes")) {
            assertEquals(a.get(0).get(k), b.get(0).get(k), what + ": " + k);
        }
    }

    @Test
    void resumeTakesOnlyBackendAndRefusesAnOccupiedOutput(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        String[] small = {"finetune", "--model", "tiny-mlp:hidden=8", "--pretrained", "none", "--steps", "20",
            "--checkpoint-every", "10", "--eval-every", "10", "--curve-examples", "100", "--no-cache", "--out", out.toString()};
        assertEquals(0, Cli.run(small).status());

        Cli.Result again = Cli.run(small);
        assertEquals(1, again.status());
        assertTrue(again.err().contains("already holds a fine-tuning run") && again.err().contains("--resume"), again.err());

        Cli.Result withLr = Cli.run("finetune", "--resume", out.toString(), "--lr", "0.1");
        assertEquals(1, withLr.status());
        assertTrue(withLr.err().contains("only --backend may be given with it, not --lr"), withLr.err());

        Cli.Result finished = Cli.run("finetune", "--resume", out.toString(), "--backend", "cpu-scalar");
        assertEquals(0, finished.status(), finished.toString());
        assertTrue(finished.out().contains("resumed nanoadam at step 20 of 20"), finished.out());

        Cli.Result nothing = Cli.run("finetune", "--resume", dir.resolve("absent").toString());
        assertEquals(1, nothing.status());
        assertEquals("nanoadam finetune: " + dir.resolve("absent") + " holds no fine-tuning run (no finetune.json)",
                nothing.err().strip());
    }
}
