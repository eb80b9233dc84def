package dev.nanoadam.models.text;

/**
 * Sentence embeddings the sentence-transformers way: the mean of an encoder's last hidden states
 * over the real tokens of each row (padding excluded by the attention mask), then L2-normalised.
 * This is what all-MiniLM-L6-v2's published pipeline (Transformer, Pooling with mean tokens,
 * Normalize) computes on top of the encoder.
 *
 * <p>Sums are accumulated in double, so the result differs from a float32 pooling only in the last
 * bits of the float conversion. The two floors follow the reference implementation: the token
 * count is clamped to at least {@value #MIN_TOKENS} (a row with no real token pools to zeros, not
 * NaN) and the norm to at least {@value #MIN_NORM} (a zero row stays zero).
 */
public final class MeanPooling {
    /** Smallest divisor used for the mean (sentence-transformers clamps the mask sum to 1e-9). */
    public static final double MIN_TOKENS = 1e-9;
    /** Smallest divisor used for the normalisation ({@code torch.nn.functional.normalize}'s eps). */
    public static final double MIN_NORM = 1e-12;

    private MeanPooling() {
    }

    /**
     * Mean of {@code hidden} over the tokens whose mask is non-zero, per row.
     *
     * @param hidden [batch, seqLen, width] row-major hidden states
     * @param mask   [batch, seqLen], 1 for a real token, 0 for padding
     * @param out    receives [batch, width] row-major means
     * @throws IllegalArgumentException if an array is shorter than its shape needs or a mask value is not 0 or 1
     */
    public static void meanPool(float[] hidden, int[] mask, int batch, int seqLen, int width, float[] out) {
        checkShapes(hidden, mask, batch, seqLen, width, out);
        for (int b = 0; b < batch; b++) {
            int count = 0;
            for (int t = 0; t < seqLen; t++) {
                int m = mask[b * seqLen + t];
                if (m != 0 && m != 1) {
                    throw new IllegalArgumentException("attention mask holds " + m + " at row " + b + ", position " + t
                            + "; expected 0 or 1");
                }
                count += m;
            }
            double divisor = Math.max(count, MIN_TOKENS);
            for (int j = 0; j < width; j++) {
                double sum = 0;
                for (int t = 0; t < seqLen; t++) {
                    if (mask[b * seqLen + t] != 0) {
                        sum += hidden[(b * seqLen + t) * width + j];
                    }
                }
                out[b * width + j] = (float) (sum / divisor);
            }
        }
    }

    /** Divides each of the {@code rows} rows of {@code x} ([rows, width] row-major) by its L2 norm, in place. */
    public static void normalize(float[] x, int rows, int width) {
        if (rows < 0 || width < 0 || (long) rows * width > x.length) {
            throw new IllegalArgumentException("normalize: [" + rows + ", " + width + "] does not fit an array of "
                    + x.length);
        }
        for (int r = 0; r < rows; r++) {
            double sq = 0;
            for (int j = 0; j < width; j++) {
                double v = x[r * width + j];
                sq += v * v;
            }
            double norm = Math.max(Math.sqrt(sq), MIN_NORM);
            for (int j = 0; j < width; j++) {
                x[r * width + j] = (float) (x[r * width + j] / norm);
            }
        }
    }

    /**
     * Sentence embeddings, [batch, width] row-major: {@link #meanPool} then {@link #normalize}.
     */
    public static float[] sentenceEmbeddings(float[] hidden, int[] mask, int batch, int seqLen, int width) {
        float[] out = new float[Math.multiplyExact(batch, width)];
        meanPool(hidden, mask, batch, seqLen, width, out);
        normalize(out, batch, width);
        return out;
    }

    /**
     * Cosine similarity of {@code a[aOffset, aOffset + width)} and {@code b[bOffset, bOffset + width)},
     * in double; 0 when either is the zero vector.
     */
    public static double cosine(float[] a, int aOffset, float[] b, int bOffset, int width) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < width; j++) {
            double x = a[aOffset + j];
            double y = b[bOffset + j];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    private static void checkShapes(float[] hidden, int[] mask, int batch, int seqLen, int width, float[] out) {
        if (batch < 0 || seqLen < 0 || width < 0) {
            throw new IllegalArgumentException("meanPool: negative shape [" + batch + ", " + seqLen + ", " + width + "]");
        }
        long tokens = (long) batch * seqLen;
        if (hidden.length < tokens * width) {
            throw new IllegalArgumentException("meanPool: hidden states hold " + hidden.length + " values, [" + batch + ", "
                    + seqLen + ", " + width + "] needs " + tokens * width);
        }
        if (mask.length < tokens) {
            throw new IllegalArgumentException("meanPool: mask holds " + mask.length + " values, [" + batch + ", " + seqLen
                    + "] needs " + tokens);
        }
        if (out.length < (long) batch * width) {
            throw new IllegalArgumentException("meanPool: output holds " + out.length + " values, [" + batch + ", " + width
                    + "] needs " + (long) batch * width);
        }
    }
}
