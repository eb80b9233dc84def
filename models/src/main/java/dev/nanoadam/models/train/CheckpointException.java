package dev.nanoadam.models.train;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint cannot be written or resumed from; the message names the file and what is wrong. */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(Path where, String what) {
        super(where + ": " + what);
    }

    public CheckpointException(Path where, String what, Throwable cause) {
        super(where + ": " + what, cause);
    }
}
