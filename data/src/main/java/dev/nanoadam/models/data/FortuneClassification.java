package dev.nanoadam.models.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A text-classification task made of fortune cookie files: each chosen file is one class, each
 * entry one example ("is this cookie from {@code computers} or from {@code food}?"). The split is
 * stratified and seeded; the vocabulary is built from the training part only, so nothing of the
 * held-out part leaks into it.
 */
public final class FortuneClassification {
    private FortuneClassification() {
    }

    /**
     * How to build the task.
     *
     * @param level character or word tokens
     * @param seqLen tokens per sequence, {@code [CLS]} included
     * @param heldOutFraction share of each class held out, in {@code [0, 1)}
     * @param seed seed of the split
     * @param minCount fewest occurrences in the training part for a token to get an id
     * @param maxVocabulary most ids, specials included
     * @param maxPerClass most entries taken from each file (the first ones), or 0 for all
     */
    public record Options(Vocabulary.Level level, int seqLen, double heldOutFraction, long seed, int minCount,
                          int maxVocabulary, int maxPerClass) {
        public Options {
            Objects.requireNonNull(level, "level");
            if (seqLen < 2) {
                throw new IllegalArgumentException("seqLen must be at least 2 ([CLS] and one token), got " + seqLen);
            }
            if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
                throw new IllegalArgumentException("heldOutFraction must be in [0, 1), got " + heldOutFraction);
            }
            if (minCount < 1 || maxVocabulary <= Vocabulary.SPECIAL_TOKENS.size() || maxPerClass < 0) {
                throw new IllegalArgumentException("need minCount >= 1, maxVocabulary > " + Vocabulary.SPECIAL_TOKENS.size()
                        + ", maxPerClass >= 0; got " + minCount + ", " + maxVocabulary + ", " + maxPerClass);
            }
        }

        /** Defaults: 20 % held out, seed 0, tokens seen at least twice, at most 8192 ids, every entry. */
        public static Options of(Vocabulary.Level level, int seqLen) {
            return new Options(level, seqLen, 0.2, 0L, 2, 8192, 0);
        }

        public Options withSeed(long newSeed) {
            return new Options(level, seqLen, heldOutFraction, newSeed, minCount, maxVocabulary, maxPerClass);
        }

        public Options withHeldOutFraction(double fraction) {
            return new Options(level, seqLen, fraction, seed, minCount, maxVocabulary, maxPerClass);
        }

        public Options withVocabulary(int newMinCount, int newMaxVocabulary) {
            return new Options(level, seqLen, heldOutFraction, seed, newMinCount, newMaxVocabulary, maxPerClass);
        }

        public Options withMaxPerClass(int newMaxPerClass) {
            return new Options(level, seqLen, heldOutFraction, seed, minCount, maxVocabulary, newMaxPerClass);
        }
    }

    /** The task: class names (the file names) by label, the vocabulary, and the two parts. */
    public record Task(List<String> classNames, Vocabulary vocabulary, TokenDataset train, TokenDataset heldOut) {
    }

    /** The task over cookie files {@code files} of {@value Fortunes#DEFAULT_DIR}. */
    public static Task load(List<String> files, Options options) throws IOException {
        return load(Path.of(Fortunes.DEFAULT_DIR), files, options);
    }

    /**
     * The task over cookie files {@code files} of {@code dir}, class {@code i} being {@code files.get(i)}.
     *
     * @throws DatasetNotFoundException if a file is missing
     * @throws IllegalArgumentException if fewer than two files are named, a file is named twice, or
     *     a class ends up with no training example
     */
    public static Task load(Path dir, List<String> files, Options options) throws IOException {
        if (files.size() < 2) {
            throw new IllegalArgumentException("a classification task needs at least two fortune files, got " + files);
        }
        if (files.stream().distinct().count() != files.size()) {
            throw new IllegalArgumentException("a fortune file is named twice in " + files);
        }
        List<List<String>> trainDocs = new ArrayList<>();
        List<List<String>> testDocs = new ArrayList<>();
        SplitMix64 rng = new SplitMix64(0);
        for (int c = 0; c < files.size(); c++) {
            List<String> entries = Fortunes.read(dir, files.get(c));
            if (options.maxPerClass() > 0 && entries.size() > options.maxPerClass()) {
                entries = entries.subList(0, options.maxPerClass());
            }
            int n = entries.size();
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            rng.reseed(SplitMix64.derive(options.seed(), c));
            rng.shuffle(perm, n);
            int take = (int) Math.round(options.heldOutFraction() * n);
            boolean[] held = new boolean[n];
            for (int j = 0; j < take; j++) {
                held[perm[j]] = true;
            }
            List<String> tr = new ArrayList<>();
            List<String> te = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                (held[i] ? te : tr).add(entries.get(i));
            }
            if (tr.isEmpty()) {
                throw new IllegalArgumentException("fortune file '" + files.get(c) + "' leaves no training example ("
                        + n + " entries, held-out fraction " + options.heldOutFraction() + ")");
            }
            trainDocs.add(tr);
            testDocs.add(te);
        }
        List<String> allTrain = new ArrayList<>();
        trainDocs.forEach(allTrain::addAll);
        Vocabulary vocab = Vocabulary.build(allTrain, options.level(), options.minCount(), options.maxVocabulary());
        String name = "fortunes " + files;
        return new Task(List.copyOf(files), vocab,
                encode(name + " train", trainDocs, vocab, options.seqLen()),
                encode(name + " held-out", testDocs, vocab, options.seqLen()));
    }

    private static TokenDataset encode(String name, List<List<String>> docsByClass, Vocabulary vocab, int seqLen) {
        int count = 0;
        for (List<String> docs : docsByClass) {
            count += docs.size();
        }
        int[] tokens = new int[Math.multiplyExact(count, seqLen)];
        int[] labels = new int[count];
        int i = 0;
        for (int c = 0; c < docsByClass.size(); c++) {
            for (String doc : docsByClass.get(c)) {
                vocab.encode(doc, tokens, i * seqLen, seqLen);
                labels[i++] = c;
            }
        }
        return new TokenDataset(name, docsByClass.size(), seqLen, vocab.size(), tokens, labels);
    }
}
