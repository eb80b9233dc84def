package dev.nanoadam.conformance;

import dev.nanoadam.models.data.DatasetNotFoundException;
import dev.nanoadam.models.data.TokenDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Assumptions;

/** Workloads of {@link TinyMlp} on the real data sets, for testing the engine itself. */
final class TestWorkloads {
    private TestWorkloads() {
    }

    /** An MLP on Fashion-MNIST images; skips the test (printing why) when the package is absent. */
    static Workload mlpImages() {
        try {
            return Workload.of("mlp", seed -> TinyMlp.images(28 * 28, 12, 10, seed), Corpora.fashionMnist(), 8);
        } catch (DatasetNotFoundException e) {
            throw skip(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An embedding bag and MLP on fortune cookies; skips the test (printing why) when the package is absent. */
    static Workload mlpText() {
        try {
            TokenDataset text = Corpora.fortunes();
            return Workload.of("bag", seed -> TinyMlp.tokens(text.vocabularySize(), 8, 12, text.numClasses(), seed), text, 8);
        } catch (DatasetNotFoundException e) {
            throw skip(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RuntimeException skip(DatasetNotFoundException e) {
        System.out.println("SKIPPED (data set not installed): " + e.getMessage());
        return Assumptions.abort("data set not installed: " + e.getMessage());
    }
}
