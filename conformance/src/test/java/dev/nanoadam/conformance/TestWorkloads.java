package dev.nanoadam.conformance;

import dev.nanoadam.models.data.TokenDataset;
import dev.nanoadam.models.testing.TinyMlp;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Workloads of {@link TinyMlp} on the real data excerpts, for testing the engine itself. */
final class TestWorkloads {
    private TestWorkloads() {
    }

    /** An MLP on Fashion-MNIST images. */
    static Workload mlpImages() {
        try {
            return Workload.of("mlp", seed -> TinyMlp.images(28 * 28, 12, 10, seed), Corpora.fashionMnist(), 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An embedding bag and MLP on fortune cookies. */
    static Workload mlpText() {
        try {
            TokenDataset text = Corpora.fortunes();
            return Workload.of("bag", seed -> TinyMlp.tokens(text.vocabularySize(), 8, 12, text.numClasses(), seed), text, 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
