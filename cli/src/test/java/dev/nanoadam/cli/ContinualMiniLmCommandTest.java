package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.experiments.minilm.ContinualMiniLm;
import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code continual-minilm} on the real encoder and the committed excerpts, and its refusals. */
class ContinualMiniLmCommandTest {
    @Test
    void theCommandRunsTheRealEncoderAndRefusesBadOptions(@TempDir Path out) throws Exception {
        Cli.Result r = Cli.run("continual-minilm", "--fortunes", "food,law", "--books", "Ge:1-16,Ge:17-33", "--per-class", "10",
                "--seq-len", "12", "--batch-size", "4", "--task1-steps", "2", "--task2-steps", "2", "--sweep-steps", "1",
                "--optimizer", "nanoadam,microadam", "--rates", "nanoadam=1e-3/3e-3", "--rates", "microadam=3e-4",
                "--fortunes-dir", Fixtures.fortunesDir().toString(), "--bible", Fixtures.bibleFile().toString(),
                "--out", out.toString());
        assertEquals(0, r.status(), r.err() + r.out());
        assertTrue(r.out().contains("all-MiniLM-L6-v2 (6 layers, hidden 384"), r.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(out.resolve(ContinualMiniLm.RESULTS_FILE)));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> runs = (List<Map<String, Object>>) root.get("runs");
        assertEquals(List.of("nanoadam", "microadam"), runs.stream().map(m -> m.get("optimizer")).toList());
        assertEquals(3e-4, ((Number) runs.get(1).get("lr")).doubleValue());
        assertEquals(2, ((List<?>) root.get("sweep")).size());
        // all-MiniLM-L6-v2's 22,565,376 encoder weights; NanoAdam at density 0.1 moved at most ~20 % of them
        assertTrue(((Number) runs.get(0).get("untouched_fraction")).doubleValue() > 0.79, runs.get(0).toString());

        Cli.Result bad = Cli.run("continual-minilm", "--rates", "adamw=1e-4/x", "--out", out.toString());
        assertEquals(1, bad.status(), bad.toString());
        assertTrue(bad.err().contains("rates of adamw: 'x' in '1e-4/x' is not a number"), bad.err());
        bad = Cli.run("continual-minilm", "--optimizer", "adam", "--out", out.toString());
        assertEquals(1, bad.status(), bad.toString());
        assertTrue(bad.err().contains("--optimizer: unknown optimizer 'adam'"), bad.err());
    }
}
