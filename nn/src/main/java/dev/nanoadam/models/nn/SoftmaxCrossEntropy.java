package dev.nanoadam.models.nn;

/**
 * Mean softmax cross-entropy over a batch of logits, as PyTorch's {@code F.cross_entropy} with
 * {@code reduction='mean'}: {@code loss = mean_r (logsumexp(z_r) - z_r[label_r])}; the backward
 * pass gives {@code (softmax(z_r) - onehot(label_r)) / rows}.
 */
public final class SoftmaxCrossEntropy {
    // Softmax of the last forward's logits: [rows, classes].
    private float[] probs = new float[0];
    private int[] lastLabels;
    private int lastRows;
    private int lastClasses;

    /**
     * Returns the mean loss of {@code logits[rows, classes]} against {@code labels[0..rows)}.
     *
     * @throws IllegalArgumentException when a label is outside [0, classes), naming its row
     */
    public float forward(float[] logits, int[] labels, int rows, int classes) {
        if (rows < 1 || classes < 1) {
            throw new IllegalArgumentException("cross-entropy needs rows >= 1 and classes >= 1, got rows=" + rows
                    + " classes=" + classes);
        }
        if (labels.length < rows) {
            throw new IllegalArgumentException("cross-entropy: " + labels.length + " labels for " + rows + " rows");
        }
        if (probs.length < rows * classes) {
            probs = new float[rows * classes];
        }
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int label = labels[r];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("cross-entropy: label " + label + " of row " + r
                        + " is outside [0, " + classes + ")");
            }
            int o = r * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[o + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                double e = Math.exp(logits[o + c] - (double) max);
                probs[o + c] = (float) e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int c = 0; c < classes; c++) {
                probs[o + c] *= inv;
            }
            total += Math.log(sum) + max - logits[o + label];
        }
        lastLabels = labels;
        lastRows = rows;
        lastClasses = classes;
        return (float) (total / rows);
    }

    /** Writes {@code d loss / d logits} of the last forward into {@code dlogits[rows, classes]}. */
    public void backward(float[] dlogits) {
        int rows = lastRows;
        int classes = lastClasses;
        float inv = 1f / rows;
        for (int r = 0; r < rows; r++) {
            int o = r * classes;
            for (int c = 0; c < classes; c++) {
                dlogits[o + c] = probs[o + c] * inv;
            }
            dlogits[o + lastLabels[r]] -= inv;
        }
    }

    /** The softmax probabilities of the last forward, {@code [rows, classes]} (live array). */
    public float[] probabilities() {
        return probs;
    }
}
