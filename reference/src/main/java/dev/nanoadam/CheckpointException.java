package dev.nanoadam;

import java.io.IOException;

/** A checkpoint that cannot be loaded: corrupted, truncated, of another version, or of other parameters. */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
