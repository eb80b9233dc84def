package dev.nanoadam.models.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data set is not installed where it was looked for. The message is one line naming the data
 * set, where it was looked for, and the package that provides it, e.g. {@code "Fashion-MNIST not
 * found under /usr/share/datasets/fashion-mnist: install the Debian package dataset-fashion-mnist"}.
 */
public final class DatasetNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String dataset;
    private final String location;
    private final String remedy;

    /**
     * @param dataset the data set's name, e.g. {@code "Fashion-MNIST"}
     * @param location where it was looked for (a path, or several)
     * @param remedy what provides it, e.g. {@code "install the Debian package dataset-fashion-mnist"}
     */
    public DatasetNotFoundException(String dataset, String location, String remedy) {
        super(dataset + " not found under " + location + ": " + remedy);
        this.dataset = dataset;
        this.location = location;
        this.remedy = remedy;
    }

    /** Convenience for a single directory or file. */
    public DatasetNotFoundException(String dataset, Path location, String remedy) {
        this(dataset, location.toString(), remedy);
    }

    /** The data set's name. */
    public String dataset() {
        return dataset;
    }

    /** Where it was looked for. */
    public String location() {
        return location;
    }

    /** What provides it. */
    public String remedy() {
        return remedy;
    }
}
