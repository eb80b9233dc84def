package dev.nanoadam.models.io;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file breaks the format's rules, or does not match what the caller expects of it. */
public final class SafetensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** @param file the file; {@code what} says what is wrong with it */
    public SafetensorsException(Path file, String what) {
        super(file + ": " + what);
        this.file = file;
    }

    /** Keeps the low-level cause. */
    public SafetensorsException(Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
        this.file = file;
    }

    /** The file concerned. */
    public Path file() {
        return file;
    }
}
