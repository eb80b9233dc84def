package dev.nanoadam;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint that cannot be written or loaded: corrupted, truncated, of another version, or of
 * other parameters. The one checkpoint exception of the library, the optimizers' and the training
 * loop's; the message names the file or stream and what is wrong.
 */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code "<file>: <what>"}. */
    public CheckpointException(Path file, String what) {
        super(file + ": " + what);
    }

    /** {@code "<file>: <what>"}, with its cause. */
    public CheckpointException(Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
    }
}
