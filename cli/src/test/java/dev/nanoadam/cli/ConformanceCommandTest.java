package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ConformanceCommandTest {



    private static void assumeData() {
        for (String dir : new String[] {"/usr/share/datasets/fashion-mnist", "/usr/share/games/fortunes"}) {
            boolean present = Files.isDirectory(Path.of(dir));
            if (!present) {
                System.out.println("SKIPPED: " + dir + " is absent (packages dataset-fashion-mnist, fortunes)");
            }
            Assumptions.assumeTrue(present, dir + " is absent");
        }
    }

    @Test
    void anAgreeingBackendExitsZeroWithATable() {
        assumeData();
        Cli.Result r = Cli.run("conformance", "--device", "cpu", "--budget", "1", "--steps", "2");
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

    @Test
    void anUnknownBackendOrModelExitsTwoInOneLine() {
        Cli.Result r = Cli.run("conformance", "--device", "tpu", "--budget", "1");
        assertEquals(2, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("unknown backend 'tpu'"), r.err());
        r = Cli.run("conformance", "--device", "cpu", "--models", "gpt");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown model 'gpt'"), r.err());
        r = Cli.run("conformance", "--device", "cpu", "--model-math", "1024");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--model-math must be"), r.err());
        r = Cli.run("conformance");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--device"), r.err());
    }
}
