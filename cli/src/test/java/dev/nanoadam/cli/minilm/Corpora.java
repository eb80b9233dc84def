package dev.nanoadam.cli.minilm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nanoadam.models.data.BibleKjv;
import dev.nanoadam.models.data.Fortunes;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Debian text packages the experiment reads; a test skips, naming the package, when one is absent. */
final class Corpora {
    private Corpora() {
    }

    static void assumeInstalled() {
        assumeTrue(Files.isRegularFile(Path.of(Fortunes.DEFAULT_DIR, "computers")), "fortunes corpus absent: "
                + Fortunes.DEFAULT_DIR + "/computers does not exist on this machine (apt-get install -y fortunes)");
        assumeTrue(Files.isRegularFile(Path.of(BibleKjv.DEFAULT_FILE)), "King James Bible absent: "
                + BibleKjv.DEFAULT_FILE + " does not exist on this machine (apt-get install -y bible-kjv-text)");
    }
}
