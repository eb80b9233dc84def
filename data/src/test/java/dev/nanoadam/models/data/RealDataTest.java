package dev.nanoadam.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loaders on real data: the committed excerpts of each data set (testdata/README.md), in the
 * format its package installs, checked against a plain reading of the same bytes; then the
 * errors for a missing or truncated file.
 */
class RealDataTest {
    @TempDir
    Path tmp;

    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(Path file) throws IOException {
        return file.toString().endsWith(".gz") ? gunzip(file) : Files.readAllBytes(file);
    }

    /** Loader against a plain reading: header, every label, every 97th image's pixels. */
    private static void assertMatchesPlainReading(ImageDataset d, Path images, Path labels, int count) throws IOException {
        byte[] img = bytes(images);
        byte[] lab = bytes(labels);
        ByteBuffer ih = ByteBuffer.wrap(img);
        assertEquals(0x00000803, ih.getInt(0), images + " magic");
        assertEquals(count, ih.getInt(4));
        assertEquals(0x00000801, ByteBuffer.wrap(lab).getInt(0), labels + " magic");
        assertEquals(count, d.size());
        assertEquals(28, d.height());
        assertEquals(28, d.width());
        int[] counts = new int[10];
        for (int i = 0; i < count; i++) {
            int label = lab[8 + i];
            assertEquals(label, d.label(i), "label of example " + i);
            counts[label]++;
        }
        assertArrayEquals(counts, d.classCounts());
        for (int c = 0; c < 10; c++) {
            assertTrue(counts[c] > 0, "class " + c + " is in the excerpt: " + Arrays.toString(counts));
        }
        double sum = 0;
        for (int i = 16; i < img.length; i++) {
            sum += (img[i] & 0xFF) / 255.0;
        }
        assertEquals(sum / (img.length - 16), d.pixelMean(), 1e-6);
        for (int i = 0; i < count; i += 97) {
            for (int p = 0; p < 784; p++) {
                assertEquals(img[16 + i * 784 + p] & 0xFF, d.pixel(i, 0, p / 28, p % 28), "example " + i + " pixel " + p);
            }
        }
    }

    @Test
    void fashionMnistReadsItsGzippedIdxFiles() throws IOException {
        Path dir = Fixtures.fashionMnistDir();
        ImageDataset train = FashionMnist.load(dir, Split.TRAIN);
        ImageDataset test = FashionMnist.load(dir, Split.TEST);
        assertEquals("Fashion-MNIST train", train.name());
        assertMatchesPlainReading(train, dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"),
                Fixtures.FASHION_TRAIN);
        assertMatchesPlainReading(test, dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"),
                Fixtures.FASHION_TEST);
        // Fashion-MNIST's published training statistics (mean 0.2860, std 0.3530) hold for its first 512 images too.
        assertEquals(0.2860, train.pixelMean(), 0.01);
        assertEquals(0.3530, train.pixelStd(), 0.01);
        assertEquals(9, train.label(0), "the first training image is an ankle boot");
        assertEquals(9, test.label(0), "the first test image is an ankle boot");
    }

    @Test
    void mnistReadsThePlainIdxFilesOfTheNpmPackage() throws IOException {
        Path dir = Fixtures.mnistDir();
        ImageDataset train = Mnist.load(dir, Split.TRAIN);
        ImageDataset test = Mnist.load(dir, Split.TEST);
        assertEquals("MNIST train", train.name());
        assertMatchesPlainReading(train, dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"),
                Fixtures.MNIST_TRAIN);
        assertMatchesPlainReading(test, dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"),
                Fixtures.MNIST_TEST);
        assertEquals(5, train.label(0), "the first training digit is a 5");
        assertEquals(7, test.label(0), "the first test digit is a 7");
    }

    @Test
    void digitsAgreeWithAPlainReadingOfTheCsv() throws IOException {
        Path file = Fixtures.digitsFile();
        ImageDataset d = Digits.load(file);
        List<String> lines = new ArrayList<>();
        for (String line : new String(gunzip(file), StandardCharsets.US_ASCII).split("\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        assertEquals(Fixtures.DIGITS, d.size());
        assertEquals(lines.size(), d.size());
        int[] counts = new int[10];
        for (int i = 0; i < lines.size(); i++) {
            String[] v = lines.get(i).split(",");
            assertEquals(65, v.length, "line " + (i + 1));
            for (int p = 0; p < 64; p++) {
                assertEquals(Integer.parseInt(v[p]), d.pixel(i, 0, p / 8, p % 8), "example " + i + " pixel " + p);
            }
            assertEquals(Integer.parseInt(v[64]), d.label(i), "example " + i);
            counts[d.label(i)]++;
        }
        assertArrayEquals(counts, d.classCounts());
        assertFalse(Arrays.stream(counts).anyMatch(c -> c == 0), Arrays.toString(counts));
    }

    @Test
    void fortuneFilesSplitIntoTheirEntries() throws IOException {
        Path dir = Fixtures.fortunesDir();
        assertEquals(List.of("computers", "food", "law", "love", "science"), Fortunes.names(dir));
        for (String name : Fortunes.names(dir)) {
            List<String> entries = Fortunes.read(dir, name);
            String raw = Files.readString(dir.resolve(name));
            long separators = raw.lines().filter("%"::equals).count();
            assertEquals(Fixtures.FORTUNE_ENTRIES, separators, name);
            assertEquals(separators, entries.size(), name + ": one entry before each separator");
            for (String e : entries) {
                assertFalse(e.lines().anyMatch("%"::equals), name + ": a separator inside an entry");
                assertFalse(e.isBlank());
                assertTrue(raw.contains(e), name + ": an entry that is not in the file: " + e);
            }
        }
    }

    @Test
    void kingJamesBibleExcerptHoldsGenesisOneToThirtyThreeInOrder() throws IOException {
        List<BibleKjv.Verse> verses = BibleKjv.read(Fixtures.bibleFile());
        assertEquals(Fixtures.BIBLE_VERSES, verses.size());
        assertEquals(new BibleKjv.Verse("Ge", 1, 1, "In the beginning God created the heaven and the earth."), verses.get(0));
        assertEquals("Ge33:15", verses.get(verses.size() - 1).reference());
        Set<String> books = new LinkedHashSet<>();
        for (int i = 1; i < verses.size(); i++) {
            BibleKjv.Verse a = verses.get(i - 1);
            BibleKjv.Verse b = verses.get(i);
            books.add(b.book());
            boolean next = b.chapter() == a.chapter() ? b.verse() == a.verse() + 1 : b.chapter() == a.chapter() + 1 && b.verse() == 1;
            assertTrue(next, b.reference() + " after " + a.reference());
            assertFalse(b.text().isBlank(), b.reference());
        }
        assertEquals(Set.of("Ge"), books);
        byte[] text = BibleKjv.decompress(Fixtures.bibleFile());
        assertEquals(2 * 65536, text.length, "two whole windows of text");
    }

    @Test
    void fortuneClassificationOnRealFiles() throws IOException {
        FortuneClassification.Task t = FortuneClassification.load(Fixtures.fortunesDir(), List.of("computers", "food", "science"),
                FortuneClassification.Options.of(Vocabulary.Level.CHARACTER, 64).withSeed(5));
        assertEquals(3, t.train().numClasses());
        assertEquals(3 * Fixtures.FORTUNE_ENTRIES, t.train().size() + t.heldOut().size());
        assertTrue(t.train().size() > 4 * t.heldOut().size() - 10, t.train() + " / " + t.heldOut());
        assertTrue(t.vocabulary().size() > 60 && t.vocabulary().size() < 200, "character vocabulary " + t.vocabulary().size());
    }

    @Test
    void aMissingOrTruncatedFileIsNamedInOneLine() throws IOException {
        Path fashion = Files.createDirectories(tmp.resolve("fashion"));
        DatasetNotFoundException missing = assertThrows(DatasetNotFoundException.class, () -> FashionMnist.load(fashion, Split.TRAIN));
        assertTrue(missing.getMessage().contains(fashion.toString()) && missing.getMessage().contains(FashionMnist.PACKAGE),
                missing.getMessage());

        for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")) {
            Files.copy(Fixtures.fashionMnistDir().resolve(f), fashion.resolve(f));
        }
        Path images = fashion.resolve("train-images-idx3-ubyte.gz");
        byte[] whole = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(whole, whole.length / 2));
        DatasetFormatException cut = assertThrows(DatasetFormatException.class, () -> FashionMnist.load(fashion, Split.TRAIN));
        assertTrue(cut.getMessage().startsWith(images + ": "), cut.getMessage());
        assertEquals(1, cut.getMessage().lines().count(), cut.getMessage());

        Path mnist = Files.createDirectories(tmp.resolve("mnist"));
        for (String f : List.of("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
            Files.copy(Fixtures.mnistDir().resolve(f), mnist.resolve(f));
        }
        Path plain = mnist.resolve("t10k-images-idx3-ubyte");
        Files.write(plain, Arrays.copyOf(Files.readAllBytes(plain), 16 + 784 * 3));
        DatasetFormatException short3 = assertThrows(DatasetFormatException.class, () -> Mnist.load(mnist, Split.TEST));
        assertTrue(short3.getMessage().startsWith(plain.toString()) && short3.getMessage().contains("truncated"), short3.getMessage());

        Path bible = tmp.resolve("bible.data");
        byte[] kjv = Files.readAllBytes(Fixtures.bibleFile());
        Files.write(bible, Arrays.copyOf(kjv, kjv.length - 100));
        DatasetFormatException badTable = assertThrows(DatasetFormatException.class, () -> BibleKjv.read(bible));
        assertTrue(badTable.getMessage().startsWith(bible.toString()), badTable.getMessage());
        DatasetNotFoundException noBible = assertThrows(DatasetNotFoundException.class, () -> BibleKjv.read(tmp.resolve("absent")));
        assertTrue(noBible.getMessage().contains(BibleKjv.PACKAGE), noBible.getMessage());

        Path digits = tmp.resolve("digits.csv.gz");
        byte[] csv = Files.readAllBytes(Fixtures.digitsFile());
        Files.write(digits, Arrays.copyOf(csv, csv.length - 9));
        DatasetFormatException badGzip = assertThrows(DatasetFormatException.class, () -> Digits.load(digits));
        assertTrue(badGzip.getMessage().startsWith(digits.toString()), badGzip.getMessage());
    }
}
