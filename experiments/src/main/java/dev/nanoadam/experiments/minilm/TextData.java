package dev.nanoadam.experiments.minilm;

import dev.nanoadam.models.data.BibleKjv;
import dev.nanoadam.models.data.Fortunes;
import dev.nanoadam.models.data.TokenDataset;
import dev.nanoadam.models.text.WordPieceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The experiment's text, tokenised with the encoder's own WordPiece tokenizer and padded with id 0
 * (which {@link TokenDataset} masks out): the fortune topic task and the King James verses that
 * measure drift.
 */
final class TextData {
    private TextData() {
    }

    /**
     * The topic task: class {@code i} is fortune file {@code classes.get(i)}.
     *
     * @param train           training examples
     * @param heldOut         held-out examples, stratified: the same share of every class
     * @param truncated       examples (of both parts) longer than the sequence length, cut to it
     * @param perClassTrain   training examples per class
     * @param perClassHeldOut held-out examples per class
     */
    record Task(List<String> classNames, TokenDataset train, TokenDataset heldOut, int truncated,
                int[] perClassTrain, int[] perClassHeldOut) {
    }

    /**
     * Reads each class's fortune file, draws at most {@code maxPerClass} entries (seeded), holds
     * out {@code heldOutFraction} of each class (at least one entry) and tokenises both parts.
     *
     * @throws dev.nanoadam.models.data.DatasetNotFoundException if a file is missing
     * @throws IllegalArgumentException if a class has too few entries to split
     */
    static Task fortuneTopics(MiniLmOptions o, WordPieceTokenizer tokenizer) throws IOException {
        checkPadding(tokenizer);
        List<String> trainText = new ArrayList<>();
        List<String> heldText = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>();
        List<Integer> heldLabels = new ArrayList<>();
        int[] perTrain = new int[o.classes().size()];
        int[] perHeld = new int[o.classes().size()];
        for (int c = 0; c < o.classes().size(); c++) {
            String file = o.classes().get(c);
            List<String> entries = new ArrayList<>(Fortunes.read(o.fortunesDir(), file));
            SplittableRandom rnd = new SplittableRandom(o.seed() * 0x9E3779B97F4A7C15L + c);
            shuffle(entries, rnd);
            if (o.maxPerClass() > 0 && entries.size() > o.maxPerClass()) {
                entries = entries.subList(0, o.maxPerClass());
            }
            int held = Math.max(1, (int) Math.round(o.heldOutFraction() * entries.size()));
            if (entries.size() - held < 1) {
                throw new IllegalArgumentException("fortune file '" + file + "' in " + o.fortunesDir() + " has "
                        + entries.size() + " entries: too few to hold out " + held + " and train on the rest");
            }
            for (int i = 0; i < entries.size(); i++) {
                if (i < held) {
                    heldText.add(entries.get(i));
                    heldLabels.add(c);
                } else {
                    trainText.add(entries.get(i));
                    trainLabels.add(c);
                }
            }
            perTrain[c] = entries.size() - held;
            perHeld[c] = held;
        }
        int[] truncated = new int[1];
        String name = "fortunes " + o.classes();
        TokenDataset train = encode(name + " train", o.classes().size(), trainText, trainLabels, tokenizer, o.seqLen(), truncated);
        TokenDataset heldOut = encode(name + " held-out", o.classes().size(), heldText, heldLabels, tokenizer, o.seqLen(),
                truncated);
        return new Task(o.classes(), train, heldOut, truncated[0], perTrain, perHeld);
    }

    /** A seeded sample of {@code count} King James verses (all of them if there are fewer), in Bible order. */
    static List<String> kjvSample(Path bibleFile, int count, long seed) throws IOException {
        List<BibleKjv.Verse> verses = BibleKjv.read(bibleFile);
        int n = verses.size();
        int k = Math.min(count, n);
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x4B4A56L);
        for (int i = 0; i < k; i++) { // partial Fisher-Yates: the first k are a uniform sample
            int j = i + rnd.nextInt(n - i);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
        java.util.Arrays.sort(index, 0, k);
        List<String> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            out.add(verses.get(index[i]).text());
        }
        return out;
    }

    /** Texts as a one-class token data set (the label is unused), each cut to {@code seqLen} tokens. */
    static TokenDataset unlabelled(String name, List<String> texts, WordPieceTokenizer tokenizer, int seqLen) {
        checkPadding(tokenizer);
        List<Integer> zeros = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            zeros.add(0);
        }
        return encode(name, 1, texts, zeros, tokenizer, seqLen, new int[1]);
    }

    static TokenDataset encode(String name, int numClasses, List<String> texts, List<Integer> labels,
                                       WordPieceTokenizer tokenizer, int seqLen, int[] truncated) {
        int[] tokens = new int[Math.multiplyExact(texts.size(), seqLen)];
        int[] y = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            int[] ids = tokenizer.encode(texts.get(i));
            if (ids.length > seqLen) {
                truncated[0]++;
                ids = tokenizer.encode(texts.get(i), seqLen);
            }
            System.arraycopy(ids, 0, tokens, i * seqLen, ids.length);
            y[i] = labels.get(i);
        }
        return new TokenDataset(name, numClasses, seqLen, tokenizer.vocabSize(), tokens, y);
    }

    static void checkPadding(WordPieceTokenizer tokenizer) {
        if (tokenizer.padId() != 0) {
            throw new IllegalArgumentException(tokenizer.source() + ": padding id is " + tokenizer.padId()
                    + "; token data sets mask out id 0, so the tokenizer must pad with 0");
        }
    }

    static <T> void shuffle(List<T> list, SplittableRandom rnd) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
