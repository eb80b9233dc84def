package dev.nanoadam.experiments.minilm;

import dev.nanoadam.models.testing.Fixtures;
import java.util.List;

/**
 * The experiment's text, for tests: the committed excerpts of the Debian {@code fortunes} and
 * {@code bible-kjv-text} packages (testdata/README.md) instead of the installed files.
 */
final class Corpora {
    /** Every cookie file of the fortunes excerpt (the experiment's default topics are not all among them). */
    static final List<String> TOPICS = List.of("computers", "food", "law", "love", "science");

    private Corpora() {
    }

    /** {@code o} on the fortune files {@code classes} and the verses of the excerpts. */
    static MiniLmOptions onFixtures(MiniLmOptions o, List<String> classes) {
        return new MiniLmOptions(classes, o.maxPerClass(), o.heldOutFraction(), o.seqLen(), o.batchSize(), o.steps(),
                o.evaluateEvery(), o.warmupSteps(), o.learningRates(), o.density(), o.maskInterval(),
                o.weightDecay(), o.optimizers(), o.driftSentences(), o.driftSeqLen(), o.backend(), o.seed(), o.out(),
                Fixtures.fortunesDir(), Fixtures.bibleFile());
    }
}
