package dev.nanoadam.models;

/**
 * A mini-batch of examples. Image batches fill {@code images} ([size, channels, height, width],
 * row-major) and leave the token fields null; text batches fill {@code tokenIds} and
 * {@code attentionMask} ([size, seqLen], 1 for real tokens, 0 for padding) and leave
 * {@code images} null. {@code labels} holds one class per example.
 */
public record Batch(int size, float[] images, int channels, int height, int width,
                    int[] tokenIds, int[] attentionMask, int seqLen, int[] labels) {

    public static Batch images(int size, int channels, int height, int width, float[] images, int[] labels) {
        return new Batch(size, images, channels, height, width, null, null, 0, labels);
    }

    public static Batch tokens(int size, int seqLen, int[] tokenIds, int[] attentionMask, int[] labels) {
        return new Batch(size, null, 0, 0, 0, tokenIds, attentionMask, seqLen, labels);
    }
}
