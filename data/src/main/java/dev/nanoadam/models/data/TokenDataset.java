package dev.nanoadam.models.data;

import dev.nanoadam.models.Batch;
import java.util.Objects;

/**
 * Token sequences of a fixed length with one class each, served as
 * {@link Batch#tokens token batches}. Padding is {@link Vocabulary#PAD} (0); the attention mask
 * of a batch is 1 exactly where the token is not padding.
 */
public final class TokenDataset implements Dataset {
    private final String name;
    private final int numClasses;
    private final int seqLen;
    private final int vocabularySize;
    private final int[] tokens;   // [size, seqLen]
    private final int[] labels;   // [size]

    /**
     * Wraps (without copying) {@code tokens}, {@code [labels.length, seqLen]}, and {@code labels}.
     *
     * @throws IllegalArgumentException on inconsistent lengths, a token outside
     *     {@code [0, vocabularySize)} or a label outside {@code [0, numClasses)}
     */
    public TokenDataset(String name, int numClasses, int seqLen, int vocabularySize, int[] tokens, int[] labels) {
        this.name = Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(labels, "labels");
        if (numClasses < 1 || seqLen < 1 || vocabularySize < 1) {
            throw new IllegalArgumentException(name + ": numClasses, seqLen and vocabularySize must be positive, got "
                    + numClasses + ", " + seqLen + ", " + vocabularySize);
        }
        if ((long) seqLen * labels.length != tokens.length) {
            throw new IllegalArgumentException(name + ": " + labels.length + " sequences of length " + seqLen
                    + " need " + (long) seqLen * labels.length + " tokens, got " + tokens.length);
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabularySize) {
                throw new IllegalArgumentException(name + ": token " + tokens[i] + " at sequence " + i / seqLen
                        + ", position " + i % seqLen + " is outside the vocabulary [0, " + vocabularySize + ")");
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of example " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
        this.numClasses = numClasses;
        this.seqLen = seqLen;
        this.vocabularySize = vocabularySize;
        this.tokens = tokens;
        this.labels = labels;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    /** Tokens per sequence, padding included. */
    public int seqLen() {
        return seqLen;
    }

    /** Token ids lie in {@code [0, vocabularySize())}. */
    public int vocabularySize() {
        return vocabularySize;
    }

    /** Token {@code position} of sequence {@code index}. */
    public int token(int index, int position) {
        Objects.checkIndex(position, seqLen);
        return tokens[index * seqLen + position];
    }

    @Override
    public Batch allocate(int size) {
        if (size < 1) {
            throw new IllegalArgumentException(name + ": batch size must be positive, got " + size);
        }
        int n = Math.multiplyExact(size, seqLen);
        return Batch.tokens(size, seqLen, new int[n], new int[n], new int[size]);
    }

    @Override
    public void copyInto(int index, Batch batch, int slot) {
        Objects.checkIndex(index, labels.length);
        if (batch.seqLen() != seqLen || batch.tokenIds() == null) {
            throw new IllegalArgumentException(name + ": batch holds sequences of length " + batch.seqLen()
                    + ", this data set has " + seqLen);
        }
        int src = index * seqLen;
        int dst = slot * seqLen;
        int[] ids = batch.tokenIds();
        int[] mask = batch.attentionMask();
        for (int j = 0; j < seqLen; j++) {
            int t = tokens[src + j];
            ids[dst + j] = t;
            mask[dst + j] = t == Vocabulary.PAD ? 0 : 1;
        }
        batch.labels()[slot] = labels[index];
    }

    @Override
    public String toString() {
        return name + " (" + labels.length + " sequences of " + seqLen + " tokens, vocabulary " + vocabularySize
                + ", " + numClasses + " classes)";
    }
}
