package dev.nanoadam.models.text;

import dev.nanoadam.models.Batch;

/**
 * Token ids of several texts padded to one length, row-major [batchSize, seqLen], with the
 * attention mask (1 for a real token, 0 for padding) and token-type ids (all 0 for single texts).
 *
 * @param batchSize     number of texts
 * @param seqLen        length of every row: the longest encoded text
 * @param inputIds      [batchSize * seqLen] token ids, padding with the pad id
 * @param attentionMask [batchSize * seqLen] 1 for tokens, 0 for padding
 * @param tokenTypeIds  [batchSize * seqLen] segment ids
 * @param lengths       [batchSize] unpadded length of each row
 */
public record BatchEncoding(int batchSize, int seqLen, int[] inputIds, int[] attentionMask, int[] tokenTypeIds,
                            int[] lengths) {
    /** Checks that every array matches the declared shape. */
    public BatchEncoding {
        int n = Math.multiplyExact(batchSize, seqLen);
        if (inputIds.length != n || attentionMask.length != n || tokenTypeIds.length != n || lengths.length != batchSize) {
            throw new IllegalArgumentException("BatchEncoding [" + batchSize + ", " + seqLen + "]: arrays of length "
                    + inputIds.length + ", " + attentionMask.length + ", " + tokenTypeIds.length + ", lengths "
                    + lengths.length);
        }
    }

    /** The unpadded ids of row {@code row}, a copy. */
    public int[] ids(int row) {
        return java.util.Arrays.copyOfRange(inputIds, row * seqLen, row * seqLen + lengths[row]);
    }

    /** This encoding as a text {@link Batch} with one class label per row. */
    public Batch toBatch(int[] labels) {
        if (labels.length != batchSize) {
            throw new IllegalArgumentException(labels.length + " labels for a batch of " + batchSize);
        }
        return Batch.tokens(batchSize, seqLen, inputIds, attentionMask, labels);
    }
}
