package dev.nanoadam.distributed;

/** An MPI call failed, or Open MPI is not there; the message names the call and the rank. */
public final class MpiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MpiException(String message) {
        super(message);
    }

    public MpiException(String message, Throwable cause) {
        super(message, cause);
    }
}
