package dev.nanoadam.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.Batch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fortune files, vocabularies, token data sets and the fortune classification task, on generated files. */
class TextDataTest {
    @TempDir
    Path dir;

    private void cookie(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        Files.write(dir.resolve(name + ".dat"), new byte[] {0});
    }

    @Test
    void fortuneEntriesAreSplitOnPercentLines() throws IOException {
        cookie("a", "first line\nsecond line\n%\n\n%\nthird 100%\n%\nlast, no final separator");
        assertEquals(List.of("first line\nsecond line", "third 100%", "last, no final separator"), Fortunes.read(dir, "a"));
    }

    @Test
    void cookieFilesAreThoseWithAnIndexBesideThem() throws IOException {
        cookie("b", "x\n%\n");
        cookie("a", "y\n%\n");
        Files.writeString(dir.resolve("notes"), "no index");
        Files.createSymbolicLink(dir.resolve("a.u8"), dir.resolve("a"));
        assertEquals(List.of("a", "b"), Fortunes.names(dir));
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> Fortunes.read(dir, "zz"));
        assertEquals("fortune file 'zz' not found under " + dir + ": install the Debian package fortunes", e.getMessage());
    }

    @Test
    void invalidUtf8IsRefusedWithItsOffset() throws IOException {
        Files.write(dir.resolve("bad"), new byte[] {'o', 'k', '\n', (byte) 0xC3, '(', '\n'});
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Fortunes.read(dir, "bad"));
        assertTrue(e.getMessage().contains("byte offset 3"), e.getMessage());
    }

    @Test
    void characterVocabularyOrdersByCountThenText() {
        Vocabulary v = Vocabulary.build(List.of("abba", "cab"), Vocabulary.Level.CHARACTER, 1, 100);
        assertEquals(List.of("[PAD]", "[CLS]", "[UNK]", "a", "b", "c"), v.tokens());
        int[] ids = v.encode("abz", 6);
        assertArrayEquals(new int[] {Vocabulary.CLS, 3, 4, Vocabulary.UNK, Vocabulary.PAD, Vocabulary.PAD}, ids);
        assertArrayEquals(new int[] {Vocabulary.CLS, 3}, v.encode("abc", 2), "truncated to seqLen");
        assertEquals("abb", v.decode(new int[] {1, 3, 4, 4, 0}, 0, 5));
    }

    @Test
    void wordVocabularyLowerCasesAndSplitsPunctuation() {
        Vocabulary v = Vocabulary.build(List.of("The cat, the HAT.", "A cat!"), Vocabulary.Level.WORD, 2, 100);
        assertEquals(List.of("the", "cat", ","), v.split("The cat,"));
        assertEquals(List.of("[PAD]", "[CLS]", "[UNK]", "cat", "the"), v.tokens(), "only tokens seen twice");
        assertEquals(Vocabulary.UNK, v.id("hat"));
        Vocabulary capped = Vocabulary.build(List.of("x y y z z z"), Vocabulary.Level.WORD, 1, 5);
        assertEquals(List.of("[PAD]", "[CLS]", "[UNK]", "z", "y"), capped.tokens());
    }

    @Test
    void tokenBatchesCarryIdsMaskAndLabel() {
        TokenDataset d = new TokenDataset("t", 2, 4, 10, new int[] {1, 5, 0, 0, 1, 6, 7, 8}, new int[] {1, 0});
        Batch b = d.allocate(2);
        d.copyInto(0, b, 1);
        d.copyInto(1, b, 0);
        assertArrayEquals(new int[] {1, 6, 7, 8, 1, 5, 0, 0}, b.tokenIds());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 0, 0}, b.attentionMask());
        assertArrayEquals(new int[] {0, 1}, b.labels());
        assertThrows(IllegalArgumentException.class,
                () -> new TokenDataset("t", 2, 2, 3, new int[] {1, 3}, new int[] {0}), "token outside vocabulary");
    }

    @Test
    void fortuneTaskSplitsEachClassAndBuildsTheVocabularyFromTrainingOnly() throws IOException {
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            a.append("apple pie ").append(i).append("\n%\n");
            b.append("bytes and bits ").append(100 + i).append("\n%\n"); // numbers unique to each entry
        }
        cookie("food", a.toString());
        cookie("computers", b.toString());
        long seed = 3;
        FortuneClassification.Options o = FortuneClassification.Options.of(Vocabulary.Level.WORD, 6)
                .withHeldOutFraction(0.3).withSeed(seed).withVocabulary(1, 100);
        FortuneClassification.Task t = FortuneClassification.load(dir, List.of("food", "computers"), o);
        assertEquals(List.of("food", "computers"), t.classNames());
        assertEquals(14, t.train().size());
        assertEquals(6, t.heldOut().size());
        int[] perClass = new int[2];
        for (int i = 0; i < t.heldOut().size(); i++) {
            perClass[t.heldOut().label(i)]++;
        }
        assertArrayEquals(new int[] {3, 3}, perClass, "stratified, seed " + seed);
        // Digits of held-out entries never reach the vocabulary: it is built from the training part.
        for (int i = 0; i < t.heldOut().size(); i++) {
            int digitToken = t.heldOut().token(i, t.heldOut().label(i) == 0 ? 3 : 4);
            assertEquals(Vocabulary.UNK, digitToken, "held-out example " + i + " (seed " + seed + ")");
        }
        assertEquals(Vocabulary.CLS, t.train().token(0, 0));
        FortuneClassification.Task again = FortuneClassification.load(dir, List.of("food", "computers"), o);
        for (int i = 0; i < t.heldOut().size(); i++) {
            for (int p = 0; p < 6; p++) {
                assertEquals(t.heldOut().token(i, p), again.heldOut().token(i, p), "seeded split is repeatable");
            }
        }
    }
}
