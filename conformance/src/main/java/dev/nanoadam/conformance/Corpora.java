package dev.nanoadam.conformance;

import dev.nanoadam.models.data.Dataset;
import dev.nanoadam.models.data.Datasets;
import dev.nanoadam.models.data.FashionMnist;
import dev.nanoadam.models.data.FortuneClassification;
import dev.nanoadam.models.data.Fortunes;
import dev.nanoadam.models.data.ImageDataset;
import dev.nanoadam.models.data.Split;
import dev.nanoadam.models.data.TokenDataset;
import dev.nanoadam.models.data.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The real data the checks train on, read once per JVM from the files the system's packages
 * install, or from the folders given to {@link #readFrom}: Fashion-MNIST images (Debian
 * {@code dataset-fashion-mnist}) and a text classification task over fortune cookie files (Debian
 * {@code fortunes}). The system property {@value #DATA_PROPERTY} names a folder laid out as
 * {@code fashion-mnist/} and {@code fortunes/} to read by default instead (the tests point it at
 * the project's {@code testdata/} excerpts). A missing package is reported by the readers'
 * {@link dev.nanoadam.models.data.DatasetNotFoundException}, naming it.
 */
public final class Corpora {
    private Corpora() {
    }

    /** Examples taken from each data set: enough batches that a check never sees the same batch twice. */
    public static final int EXAMPLES = 512;
    /** Fortune files whose entries are the text task's classes. */
    public static final List<String> FORTUNE_CLASSES = List.of("computers", "food", "science", "love");
    /** Tokens per text example, [CLS] included. */
    public static final int SEQUENCE_LENGTH = 16;
    /** Most vocabulary entries of the text task, specials included. */
    public static final int VOCABULARY = 256;

    /** System property: a folder holding {@code fashion-mnist/} and {@code fortunes/}, read by default. */
    public static final String DATA_PROPERTY = "nanoadam.conformance.data";

    private static Path fashionMnistDir = dataDir("fashion-mnist", FashionMnist.DEFAULT_DIR);
    private static Path fortunesDir = dataDir("fortunes", Fortunes.DEFAULT_DIR);
    private static Dataset images;
    private static TokenDataset tokens;

    /**
     * Reads Fashion-MNIST's IDX files from {@code fashionMnist} and the cookie files from
     * {@code fortunes} from now on (by default, where the packages install them); data read from
     * another folder before is dropped.
     */
    public static synchronized void readFrom(Path fashionMnist, Path fortunes) {
        Objects.requireNonNull(fashionMnist, "fashionMnist");
        Objects.requireNonNull(fortunes, "fortunes");
        if (!fashionMnist.equals(fashionMnistDir)) {
            fashionMnistDir = fashionMnist;
            images = null;
        }
        if (!fortunes.equals(fortunesDir)) {
            fortunesDir = fortunes;
            tokens = null;
        }
    }

    /** The first {@value #EXAMPLES} Fashion-MNIST training images, pixels in [0, 1]. */
    public static synchronized Dataset fashionMnist() throws IOException {
        if (images == null) {
            ImageDataset train = FashionMnist.load(fashionMnistDir, Split.TRAIN);
            images = Datasets.head(train, EXAMPLES);
        }
        return images;
    }

    /**
     * Word-level fortune classification over {@link #FORTUNE_CLASSES}: the first
     * {@value #EXAMPLES} / 4 entries of each file, {@value #SEQUENCE_LENGTH} tokens each.
     */
    public static synchronized TokenDataset fortunes() throws IOException {
        if (tokens == null) {
            FortuneClassification.Options options = FortuneClassification.Options
                    .of(Vocabulary.Level.WORD, SEQUENCE_LENGTH)
                    .withVocabulary(2, VOCABULARY)
                    .withHeldOutFraction(0)
                    .withMaxPerClass(EXAMPLES / FORTUNE_CLASSES.size());
            tokens = FortuneClassification.load(fortunesDir, FORTUNE_CLASSES, options).train();
        }
        return tokens;
    }

    private static Path dataDir(String name, String installed) {
        String given = System.getProperty(DATA_PROPERTY);
        return given == null ? Path.of(installed) : Path.of(given, name);
    }
}
