package dev.nanoadam.models.train;

/**
 * Accuracy of a classifier on a data set: {@code correct} of {@code total} examples predicted right.
 *
 * @param dataset the data set's name
 */
public record Evaluation(String dataset, long correct, long total) {
    /** {@code correct / total}, or NaN for an empty data set. */
    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s: %.4f (%d/%d)", dataset, accuracy(), correct, total);
    }
}
