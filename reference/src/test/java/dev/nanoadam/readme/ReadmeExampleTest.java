package dev.nanoadam.readme;

// README begin
import dev.nanoadam.*;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
// README end

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.testing.Compare;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage example of the README's "Use it" section, compiled and run: the code between the
 * README markers of this file is the README's block, line for line (the method's lines less one
 * level of indentation), which the first test checks, so the two cannot drift apart.
 */
class ReadmeExampleTest {
    private static final String SECTION = "## Use it";

    /** Fills the gradients of a least-squares pull of every weight towards 0.5. */
    static void computeGradients(Parameter w, Parameter ln) {
        for (Parameter p : List.of(w, ln)) {
            float[] data = p.data();
            float[] grad = p.grad();
            for (int i = 0; i < data.length; i++) {
                grad[i] = data[i] - 0.5f;
            }
        }
    }

    // README begin
    static void fineTune(float[] weights, float[] gamma, Path checkpoint) throws IOException {
        Parameter w = Parameter.of("encoder.layer.0.attention.self.query.weight", weights, 384, 384);
        Parameter ln = Parameter.of("encoder.layer.0.output.LayerNorm.weight", gamma, 384);

        try (NanoAdam opt = NanoAdam.builder()
                .lr(1e-4).density(0.1).maskInterval(100)         // 10% of each chunk, new mask every 100 steps
                .build(List.of(w, ln))) {                        // norms/heads go to AdamW by name
            for (int step = 0; step < 1000; step++) {
                computeGradients(w, ln);                         // yours: fill w.grad() and ln.grad()
                opt.step();                                      // updates the weights in place
            }
            opt.save(checkpoint);                                // atomic; load() resumes bit-identically
            System.out.println(opt.stateBytes() + " bytes of optimizer state");
        }
    }
    // README end

    @Test
    void theReadmeShowsThisFilesCode() throws IOException {
        Path root = repositoryRoot();
        String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("\n" + SECTION + "\n");
        assertTrue(section >= 0, "README.md has no '" + SECTION + "' section");
        int open = readme.indexOf("```java\n", section);
        int close = readme.indexOf("\n```\n", open);
        assertTrue(open >= 0 && close > open, "the '" + SECTION + "' section of README.md has no ```java block");
        List<String> shown = List.of(readme.substring(open + "```java\n".length(), close).split("\n", -1));

        Path source = root.resolve("reference/src/test/java/dev/nanoadam/readme/ReadmeExampleTest.java");
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        List<String> expected = new ArrayList<>();
        boolean inside = false;
        boolean first = true;
        for (String line : lines) {
            if (line.strip().equals("// README begin")) {
                inside = true;
                if (!first) {
                    expected.add("");
                }
                first = false;
            } else if (line.strip().equals("// README end")) {
                inside = false;
            } else if (inside) {
                expected.add(line.startsWith("    ") ? line.substring(4) : line);
            }
        }
        for (int i = 0; i < Math.max(shown.size(), expected.size()); i++) {
            String a = i < shown.size() ? shown.get(i) : "<none>";
            String b = i < expected.size() ? expected.get(i) : "<none>";
            assertEquals(b, a, "README.md's usage example differs from " + source.getFileName() + " at line " + (i + 1)
                    + " of the block");
        }
    }

    @Test
    void theReadmeExampleTrainsAndItsCheckpointLoads(@TempDir Path dir) throws IOException {
        float[] weights = new float[384 * 384];
        float[] gamma = new float[384];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (i % 97 - 48) / 48f;
        }
        Arrays.fill(gamma, 1f);
        float[] start = weights.clone();
        Path checkpoint = dir.resolve("opt.ckpt");
        fineTune(weights, gamma, checkpoint);

        int moved = 0;
        for (int i = 0; i < weights.length; i++) {
            if (Float.floatToRawIntBits(weights[i]) != Float.floatToRawIntBits(start[i])) {
                moved++;
            }
        }
        assertTrue(moved > 0 && moved < weights.length, moved + " of " + weights.length + " weights moved; NanoAdam "
                + "at density 0.1 moves some but, with a new mask every 100 steps over 1000, not all");
        assertTrue(gamma[0] < 1f, "the LayerNorm weight went to AdamW and was pulled towards 0.5: " + gamma[0]);
        assertTrue(Files.isRegularFile(checkpoint));

        Parameter w = Parameter.of("encoder.layer.0.attention.self.query.weight", weights.clone(), 384, 384);
        Parameter ln = Parameter.of("encoder.layer.0.output.LayerNorm.weight", gamma.clone(), 384);
        try (NanoAdam again = NanoAdam.builder().lr(1e-4).density(0.1).maskInterval(100).build(List.of(w, ln))) {
            again.load(checkpoint);
            assertEquals(1000, again.steps());
            assertFalse(again.stateBytes() == 0);
        }
        Compare.exact("loading a checkpoint leaves the weights alone", weights, w.data());
    }

    /** The folder holding README.md and the {@code reference} module, from the working directory up. */
    private static Path repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("README.md")) && Files.isDirectory(d.resolve("reference/src"))) {
                return d;
            }
        }
        throw new IllegalStateException("no README.md beside a reference/ module in " + Path.of("").toAbsolutePath()
                + " or its parents");
    }
}
