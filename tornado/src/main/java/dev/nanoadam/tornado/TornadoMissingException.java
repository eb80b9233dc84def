package dev.nanoadam.tornado;

import dev.nanoadam.spi.BackendUnavailableException;

/** TornadoVM is not loaded in this JVM, or not with the options SPEC.md §10 needs; the message says which. */
public final class TornadoMissingException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    TornadoMissingException(String message) {
        super(message);
    }
}
