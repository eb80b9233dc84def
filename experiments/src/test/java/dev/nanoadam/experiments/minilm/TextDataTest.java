package dev.nanoadam.experiments.minilm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.data.DatasetNotFoundException;
import dev.nanoadam.models.data.Fortunes;
import dev.nanoadam.models.data.TokenDataset;
import dev.nanoadam.models.onnx.MiniLmL6V2;
import dev.nanoadam.models.testing.Fixtures;
import dev.nanoadam.models.text.WordPieceTokenizer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextDataTest {
    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        tokenizer = MiniLmL6V2.loadTokenizer();
    }

    private static MiniLmOptions options(int maxPerClass, int seqLen, long seed) {
        MiniLmOptions d = MiniLmOptions.defaults().withData(maxPerClass, seqLen, 8, 16);
        return new MiniLmOptions(List.of("food", "law", "love"), d.maxPerClass(), 0.25, d.seqLen(), d.batchSize(),
                d.steps(), d.evaluateEvery(), d.warmupSteps(), d.learningRates(), d.density(), d.maskInterval(),
                d.weightDecay(), d.optimizers(), d.driftSentences(), d.driftSeqLen(), d.backend(), seed, d.out(),
                Fixtures.fortunesDir(), Fixtures.bibleFile());
    }

    @Test
    void topicsAreStratifiedDisjointAndTokenisedWithWordPiece() throws Exception {
        MiniLmOptions o = options(40, 24, 7);
        TextData.Task task = TextData.fortuneTopics(o, tokenizer);
        assertEquals(List.of("food", "law", "love"), task.classNames());
        assertArrayEquals(new int[] {30, 30, 30}, task.perClassTrain());
        assertArrayEquals(new int[] {10, 10, 10}, task.perClassHeldOut());
        assertEquals(90, task.train().size());
        assertEquals(30, task.heldOut().size());
        assertEquals(tokenizer.vocabSize(), task.train().vocabularySize());
        Set<String> train = rows(task.train());
        for (String row : rows(task.heldOut())) {
            assertTrue(!train.contains(row), "a held-out example also sits in the training part: " + row);
        }
        // Every row is [CLS] ... [SEP] then padding 0, and every sampled entry of this file is real text.
        int longer = 0;
        for (TokenDataset d : List.of(task.train(), task.heldOut())) {
            for (int i = 0; i < d.size(); i++) {
                assertEquals(tokenizer.clsId(), d.token(i, 0), d.name() + " row " + i);
                int end = 1;
                while (end < d.seqLen() && d.token(i, end) != 0) {
                    end++;
                }
                assertEquals(tokenizer.sepId(), d.token(i, end - 1), d.name() + " row " + i + " ends at " + end);
                if (end == d.seqLen()) {
                    longer++;
                }
            }
        }
        assertTrue(task.truncated() <= longer, task.truncated() + " cut, " + longer + " rows fill the sequence");
        assertTrue(task.truncated() > 0, "24 tokens should cut some fortunes");
    }

    @Test
    void theSeedDecidesTheSplitAndTheSameSeedRepeatsIt() throws Exception {
        TextData.Task a = TextData.fortuneTopics(options(40, 32, 1), tokenizer);
        TextData.Task b = TextData.fortuneTopics(options(40, 32, 1), tokenizer);
        TextData.Task c = TextData.fortuneTopics(options(40, 32, 2), tokenizer);
        assertEquals(rows(a.heldOut()), rows(b.heldOut()));
        assertNotEquals(rows(a.heldOut()), rows(c.heldOut()));
    }

    @Test
    void kjvSampleIsSeededAndInBibleOrder() throws Exception {
        Path bible = Fixtures.bibleFile();
        List<String> a = TextData.kjvSample(bible, 50, 3);
        assertEquals(50, a.size());
        assertEquals(a, TextData.kjvSample(bible, 50, 3));
        assertNotEquals(a, TextData.kjvSample(bible, 50, 4));
        assertEquals(new HashSet<>(a).size(), 50, "verses drawn twice: " + a);
        assertEquals("In the beginning God created the heaven and the earth.", TextData.kjvSample(bible, 40000, 0).get(0));
    }

    @Test
    void missingFortuneFileNamesItsPackage(@TempDir Path empty) {
        MiniLmOptions d = options(10, 16, 0);
        MiniLmOptions o = new MiniLmOptions(d.classes(), d.maxPerClass(), d.heldOutFraction(), d.seqLen(), d.batchSize(),
                d.steps(), d.evaluateEvery(), d.warmupSteps(), d.learningRates(), d.density(), d.maskInterval(),
                d.weightDecay(), d.optimizers(), d.driftSentences(), d.driftSeqLen(), d.backend(), d.seed(), d.out(),
                empty, d.bibleFile());
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> TextData.fortuneTopics(o, tokenizer));
        assertTrue(e.getMessage().contains(Fortunes.PACKAGE) && e.getMessage().contains("food"), e.getMessage());
    }

    @Test
    void optionsRefuseBadValuesByName() {
        MiniLmOptions d = MiniLmOptions.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.withData(10, 600, 8, 16));
        assertTrue(e.getMessage().startsWith("seqLen = 600"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.withSteps(10, 5, 10));
        assertTrue(e.getMessage().startsWith("warmupSteps = 10"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MiniLmOptions(List.of("food", "food"), 1, 0.2, 8, 1,
                1, 1, 0, d.learningRates(), 0.1, 1, 0, List.of("adamw"), 1, 8, "cpu", 0, d.out(), d.fortunesDir(), d.bibleFile()));
        assertTrue(e.getMessage().startsWith("classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MiniLmOptions(List.of("food", "law"), 1, 0.2, 8, 1,
                1, 1, 0, d.learningRates(), 0.1, 1, 0, List.of("sgd"), 1, 8, "cpu", 0, d.out(), d.fortunesDir(), d.bibleFile()));
        assertTrue(e.getMessage().startsWith("optimizers = [sgd]"), e.getMessage());
    }

    private static Set<String> rows(TokenDataset d) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < d.size(); i++) {
            StringBuilder sb = new StringBuilder();
            for (int t = 0; t < d.seqLen(); t++) {
                sb.append(d.token(i, t)).append(' ');
            }
            out.add(sb.toString());
        }
        return out;
    }
}
