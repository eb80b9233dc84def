package dev.nanoadam.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.io.ModelWeights;
import dev.nanoadam.models.testing.Fixtures;
import dev.nanoadam.testing.Compare;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainingCacheTest {
    private static Tasks tasks;
    private static ModelFactory factory;

    @BeforeAll
    static void load() throws Exception {
        tasks = Tasks.load(ImageData.FASHION_MNIST, Fixtures.fashionMnistDir(), new int[] {0, 1, 2, 3, 4}, new int[] {5, 6, 7, 8, 9});
        factory = Models.open("tiny-mlp:hidden=8");
    }

    private static final class Captured {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final Console console = new Console(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void keyedByConfigurationAndRefusedWhenCorrupt(@TempDir Path cache) throws Exception {
        Pretraining.Settings s = new Pretraining.Settings(30, 32, 2e-3, 5, "cpu");
        Captured first = new Captured();
        Pretraining.Result trained = Pretraining.obtain(factory, tasks, s, cache, first.console);
        assertFalse(trained.cached());
        assertTrue(first.text().contains("pretrain on classes 0-4: 30 steps"), first.text());

        Captured second = new Captured();
        Pretraining.Result cached = Pretraining.obtain(factory, tasks, s, cache, second.console);
        assertTrue(cached.cached(), second.text());
        assertEquals(trained.directory(), cached.directory());
        assertEquals(trained.task1Accuracy(), cached.task1Accuracy());
        Map<String, float[]> a = ModelWeights.state(trained.model());
        Map<String, float[]> b = ModelWeights.state(cached.model());
        for (String name : a.keySet()) {
            Compare.exact(name, a.get(name), b.get(name));
        }

        // A shortened test set takes the cached weights and measures their accuracy on it.
        Tasks shortTasks = Tasks.load(ImageData.FASHION_MNIST, Fixtures.fashionMnistDir(), new int[] {0, 1, 2, 3, 4},
                new int[] {5, 6, 7, 8, 9}, 60);
        Pretraining.Result shortened = Pretraining.obtain(factory, shortTasks, s, cache, new Captured().console);
        assertTrue(shortened.cached());
        assertEquals(new Accuracy(shortTasks.task1Test(), 100).of(cached.model()), shortened.task1Accuracy());
        assertEquals(60, shortTasks.task1Test().size());
        assertTrue(tasks.task1Test().size() > 60, "the whole task-1 test set is larger: " + tasks.task1Test().size());

        // Another seed is another entry; the backend is not part of the key.
        assertNotEquals(trained.directory(),
                Pretraining.entry(cache, Pretraining.configJson(factory, tasks, new Pretraining.Settings(30, 32, 2e-3, 6, "cpu"))));
        assertEquals(trained.directory(),
                Pretraining.entry(cache, Pretraining.configJson(factory, tasks, new Pretraining.Settings(30, 32, 2e-3, 5, "cpu-scalar"))));

        // Flip one byte of the weights: the entry is refused in one line and trained again, identically.
        Path weights = trained.directory().resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 3] ^= 0x40;
        Files.write(weights, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        Captured third = new Captured();
        Pretraining.Result again = Pretraining.obtain(factory, tasks, s, cache, third.console);
        assertFalse(again.cached());
        assertTrue(third.text().contains("is unusable (" + weights + " is missing or does not match its CRC-32C); training again"),
                third.text());
        Map<String, float[]> c = ModelWeights.state(again.model());
        for (String name : a.keySet()) {
            Compare.exact("retrained " + name, a.get(name), c.get(name));
        }
    }
}
