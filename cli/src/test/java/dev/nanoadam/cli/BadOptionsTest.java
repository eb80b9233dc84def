package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad options are refused before any work, in one clear line, with a non-zero status. */
class BadOptionsTest {

    private static void refused(Cli.Result r, String expected) {
        assertTrue(r.status() != 0, "status " + r.status());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in:\n" + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r.err());
    }

    @Test
    void picocliRejectsMalformedValues(@TempDir Path dir) {
        refused(Cli.run("demo", "--steps", "many"), "Invalid value for option '--steps': 'many' is not an int");
        refused(Cli.run("finetune", "--no-such-option"), "Unknown option: '--no-such-option'");
    }

    @Test
    void settingsAreCheckedWithTheirNames(@TempDir Path dir) {
        String out = dir.resolve("o").toString();
        String[] base = {"--model", "tiny-mlp", "--no-cache", "--data-dir", Fixtures.fashionMnistDir().toString(), "--out", out};
        refused(run("demo", base, "--criterion", "biggest"),
                "nanoadam demo: unknown criterion 'biggest'; known: smallest, largest, random, large-gradient");
        refused(run("demo", base, "--criterion", "smallest,smallest"), "--criterion lists 'nanoadam' twice");
        refused(run("demo", base, "--density", "1.5"), "density must be in (0, 1], got 1.5");
        refused(run("demo", base, "--lr-adamw", "-1"), "learning rate must be a positive number, got -1.0");
        refused(run("demo", base, "--steps", "0"), "fine-tuning needs steps");
        refused(run("demo", base, "--classes", "5-3"), "classes '5-3': '5-3' is not a class or an ascending range");
        refused(run("demo", base, "--classes", "0-4"), "class 0 is in both tasks");
        refused(run("demo", base, "--classes", "5-10"), "class 10 is outside [0, 10)");
        refused(run("demo", base, "--data", "cifar"), "unknown data set 'cifar'; known: fashion-mnist, mnist");
        refused(run("finetune", base, "--optimizer", "sgd"),
                "--optimizer: unknown optimizer 'sgd'; known: nanoadam, adamw, adamw8bit, galore, microadam");
        refused(run("finetune", base, "--optimizer", "adamw,galore"), "finetune runs one optimizer per output directory");
        refused(run("finetune", base, "--optimizer", "galore", "--backend", "cpu-scalar"),
                "galore runs only on the cpu backend, not on 'cpu-scalar'");
        refused(run("demo", base, "--optimizer", "adamw,sgd"),
                "--optimizer: unknown optimizer 'sgd'; known: nanoadam, adamw, adamw8bit, galore, microadam");
        refused(run("demo", base, "--optimizer", "adamw,microadam,adamw"), "--optimizer names 'adamw' twice");
        refused(run("demo", base, "--optimizer", "adamw,", "--steps", "1"), "--optimizer: empty optimizer name in 'adamw,'");
        refused(run("demo", base, "--backend", "cpu-scalar"), "adamw8bit runs only on the cpu backend, not on 'cpu-scalar'");
        refused(run("demo", base, "--lr-galore", "0"), "learning rate must be a positive number, got 0.0");
        refused(run("finetune", base, "--final-density", "0.01"), "--final-density needs --density-interval");
        refused(run("analyze", base, "--top", "2"), "--top and --bottom must be in (0, 1]");
        refused(Cli.run("demo", "--model", "alexnet", "--out", out), "unknown model 'alexnet'; available: [");
        refused(Cli.run("demo", "--model", "tiny-mlp:depth=3", "--out", out),
                "model tiny-mlp: unknown setting 'depth'; known: [hidden]");
        refused(Cli.run("demo", "--model", "tiny-mlp:hidden", "--out", out), "expected KEY=VALUE after ':'");
        assertFalse(Files.exists(dir.resolve("o").resolve("results.json")), "nothing was written");
    }

    @Test
    void unknownBackendAndMissingDataSayWhatToDo(@TempDir Path dir) {
        String out = dir.resolve("o").toString();
        refused(Cli.run("demo", "--model", "tiny-mlp", "--no-cache", "--backend", "tpu", "--data-dir",
                Fixtures.fashionMnistDir().toString(), "--out", out),
                "backend: unknown backend 'tpu'; available: [");
        Cli.Result r = Cli.run("demo", "--model", "tiny-mlp", "--no-cache", "--data-dir", dir.resolve("nothing").toString(),
                "--out", out);
        refused(r, "nanoadam demo: Fashion-MNIST not found under " + dir.resolve("nothing"));
        assertTrue(r.err().contains("install the Debian package dataset-fashion-mnist"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    private static Cli.Result run(String command, String[] base, String... more) {
        String[] all = new String[1 + base.length + more.length];
        all[0] = command;
        System.arraycopy(base, 0, all, 1, base.length);
        System.arraycopy(more, 0, all, 1 + base.length, more.length);
        return Cli.run(all);
    }
}
