package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nanoadam conformance} on the committed excerpts of Fashion-MNIST and the fortune cookie files. */
class ConformanceCommandTest {
    private static final String[] DATA = {"--data-dir", Fixtures.fashionMnistDir().toString(),
        "--fortunes-dir", Fixtures.fortunesDir().toString()};

    private static Cli.Result run(String... args) {
        String[] all = new String[args.length + DATA.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(DATA, 0, all, args.length, DATA.length);
        return Cli.run(all);
    }

    @Test
    void anAgreeingBackendExitsZeroWithATable() {
        Cli.Result r = run("conformance", "--device", "cpu", "--budget", "1", "--steps", "2");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("device: cpu (Vector API"), r.out());
        assertTrue(r.out().contains("oracle: cpu-scalar"), r.out());
        assertTrue(r.out().contains("\nmodels: "), r.out());
        assertTrue(r.out().matches("(?s).*\\n  1  determinism  transformer .* 2/2 .*agree\\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  2  determinism  resnet .* 2/2 .*agree\\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  3  device       transformer .*agree\\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  4  device       resnet .*agree\\n.*"), r.out());
        assertTrue(r.out().contains("all agree"), r.out());
        assertFalse(r.out().contains("DISAGREE"), r.out());
    }

    /** Names are checked before any data is read: a typo is reported as such, with or without the data packages. */
    @Test
    void anUnknownBackendOrModelExitsTwoInOneLine(@TempDir Path empty) {
        for (Cli.Result r : new Cli.Result[] {
            run("conformance", "--device", "tpu", "--budget", "1"),
            Cli.run("conformance", "--device", "tpu", "--budget", "1", "--data-dir", empty.toString(),
                    "--fortunes-dir", empty.toString())}) {
            assertEquals(2, r.status(), r.toString());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("unknown backend 'tpu'"), r.err());
        }
        Cli.Result r = run("conformance", "--device", "cpu", "--oracle", "abacus");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("unknown backend 'abacus'"), r.err());
        r = Cli.run("conformance", "--device", "cpu", "--models", "resnet,gpt", "--data-dir", empty.toString());
        assertEquals(2, r.status(), r.toString());
        assertEquals("nanoadam conformance: unknown model 'gpt'; known: [transformer, resnet]", r.err().strip());
        r = run("conformance", "--device", "cpu", "--model-math", "1024");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--model-math must be"), r.err());
        r = Cli.run("conformance");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--device"), r.err());
    }

    @Test
    void missingDataIsNamedInOneLine(@TempDir Path empty) {
        Cli.Result r = Cli.run("conformance", "--device", "cpu", "--models", "resnet", "--budget", "1",
                "--data-dir", empty.toString());
        assertEquals(2, r.status(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("Fashion-MNIST not found under " + empty) && r.err().contains("dataset-fashion-mnist"),
                r.err());
    }
}
