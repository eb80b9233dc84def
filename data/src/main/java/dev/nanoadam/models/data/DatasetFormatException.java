package dev.nanoadam.models.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file exists but is not what it should be; the message names the file and the fault. */
public final class DatasetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** @param file the offending file; {@code what} says what is wrong with it */
    public DatasetFormatException(Path file, String what) {
        super(file + ": " + what);
        this.file = file;
    }

    /** Keeps the low-level cause (a gzip error, for instance). */
    public DatasetFormatException(Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
