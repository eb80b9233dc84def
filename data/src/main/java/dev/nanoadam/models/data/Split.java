package dev.nanoadam.models.data;

/** The two parts MNIST-style data sets ship in. */
public enum Split {
    /** The training images ({@code train-*} files). */
    TRAIN("train"),
    /** The test images ({@code t10k-*} files). */
    TEST("t10k");

    private final String filePrefix;

    Split(String filePrefix) {
        this.filePrefix = filePrefix;
    }

    /** The prefix of this part's IDX file names: {@code train} or {@code t10k}. */
    public String filePrefix() {
        return filePrefix;
    }
}
