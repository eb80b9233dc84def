package dev.nanoadam.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The data sets as the system packages install them. Each test is skipped, saying which package is
 * missing, where that package is not installed; CI installs all of them.
 */
class InstalledDatasetsTest {
    private static void assumeInstalled(Path path, String pkg) {
        boolean present = Files.exists(path);
        if (!present) {
            System.out.println("skipped: " + path + " is absent (package " + pkg + " not installed)");
        }
        Assumptions.assumeTrue(present, path + " is absent (package " + pkg + " not installed)");
    }

    @Test
    void fashionMnistHas6000And1000ImagesPerClass() throws IOException {
        assumeInstalled(Path.of(FashionMnist.DEFAULT_DIR), FashionMnist.PACKAGE);
        ImageDataset train = FashionMnist.load(Split.TRAIN);
        ImageDataset test = FashionMnist.load(Split.TEST);
        assertEquals(60000, train.size());
        assertEquals(28, train.height());
        assertEquals(28, train.width());
        int[] six = new int[10];
        int[] one = new int[10];
        java.util.Arrays.fill(six, 6000);
        java.util.Arrays.fill(one, 1000);
        assertArrayEquals(six, train.classCounts());
        assertArrayEquals(one, test.classCounts());
        // Published statistics of the training pixels (scaled to [0, 1]): mean 0.2860, std 0.3530.
        assertEquals(0.2860, train.pixelMean(), 5e-5);
        assertEquals(0.3530, train.pixelStd(), 5e-5);
    }

    @Test
    void mnistMatchesItsPublishedClassCounts() throws IOException {
        Path dir;
        try {
            dir = Mnist.locate();
        } catch (DatasetNotFoundException e) {
            System.out.println("skipped: " + e.getMessage());
            Assumptions.abort(e.getMessage());
            return;
        }
        ImageDataset train = Mnist.load(dir, Split.TRAIN);
        ImageDataset test = Mnist.load(dir, Split.TEST);
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, train.classCounts());
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, test.classCounts());
        assertEquals(5, train.label(0), "the first training digit is a 5");
        assertEquals(7, test.label(0), "the first test digit is a 7");
    }

    @Test
    void digitsAgreeWithAPlainReadingOfTheCsv() throws IOException {
        Path file = Path.of(Digits.DEFAULT_FILE);
        assumeInstalled(file, Digits.PACKAGE);
        ImageDataset d = Digits.load();
        List<String> lines = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        }
        assertEquals(1797, d.size());
        assertEquals(lines.size(), d.size());
        for (int i = 0; i < lines.size(); i += 97) {
            String[] v = lines.get(i).split(",");
            for (int p = 0; p < 64; p++) {
                assertEquals(Integer.parseInt(v[p]), d.pixel(i, 0, p / 8, p % 8), "example " + i + " pixel " + p);
            }
            assertEquals(Integer.parseInt(v[64]), d.label(i), "example " + i);
        }
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, d.classCounts());
    }

    @Test
    void fortuneFilesSplitIntoTheirEntries() throws IOException {
        assumeInstalled(Path.of(Fortunes.DEFAULT_DIR), Fortunes.PACKAGE);
        List<String> names = Fortunes.names();
        assertTrue(names.containsAll(List.of("computers", "food", "science", "literature")), names.toString());
        assertFalse(names.stream().anyMatch(n -> n.endsWith(".u8") || n.endsWith(".dat")), names.toString());
        for (String name : List.of("computers", "food")) {
            List<String> entries = Fortunes.read(name);
            String raw = Files.readString(Path.of(Fortunes.DEFAULT_DIR, name));
            long separators = raw.lines().filter("%"::equals).count();
            assertTrue(entries.size() >= separators - 2 && entries.size() <= separators + 1,
                    name + ": " + entries.size() + " entries for " + separators + " separators");
            for (String e : entries) {
                assertFalse(e.lines().anyMatch("%"::equals), name + ": a separator inside an entry");
                assertFalse(e.isBlank());
            }
        }
    }

    @Test
    void kingJamesBibleHas31102VersesIn66Books() throws IOException {
        Path file = Path.of(BibleKjv.DEFAULT_FILE);
        assumeInstalled(file, BibleKjv.PACKAGE);
        List<BibleKjv.Verse> verses = BibleKjv.read();
        assertEquals(31102, verses.size());
        assertEquals(new BibleKjv.Verse("Ge", 1, 1, "In the beginning God created the heaven and the earth."), verses.get(0));
        BibleKjv.Verse last = verses.get(verses.size() - 1);
        assertEquals("Rev22:21", last.reference());
        assertEquals("The grace of our Lord Jesus Christ be with you all. Amen.", last.text());
        Set<String> books = new LinkedHashSet<>();
        for (BibleKjv.Verse v : verses) {
            books.add(v.book());
        }
        assertEquals(66, books.size());
    }

    @Test
    void fortuneClassificationOnInstalledFiles() throws IOException {
        assumeInstalled(Path.of(Fortunes.DEFAULT_DIR), Fortunes.PACKAGE);
        FortuneClassification.Task t = FortuneClassification.load(List.of("computers", "food", "science"),
                FortuneClassification.Options.of(Vocabulary.Level.CHARACTER, 64).withSeed(5));
        assertEquals(3, t.train().numClasses());
        assertTrue(t.train().size() > 4 * t.heldOut().size() - 10, t.train() + " / " + t.heldOut());
        assertTrue(t.vocabulary().size() > 60 && t.vocabulary().size() < 200, "character vocabulary " + t.vocabulary().size());
    }
}
