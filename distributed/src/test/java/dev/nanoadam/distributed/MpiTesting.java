package dev.nanoadam.distributed;

import org.junit.jupiter.api.Assumptions;

/**
 * Whether the tests that start an MPI job run. They run unless the user opts out with
 * {@code -Dnanoadam.mpi=off} (then each is skipped with that reason printed); a machine without
 * Open MPI fails them in one line that says what to install: a missing package must not pass as
 * missing coverage.
 */
final class MpiTesting {
    /** The opt-out: {@code -Dnanoadam.mpi=off}. */
    static final String PROPERTY = "nanoadam.mpi";

    private MpiTesting() {
    }

    static void assumeOpenMpi() {
        if ("off".equals(System.getProperty(PROPERTY))) {
            String line = "SKIPPED: the MPI tests are off (-D" + PROPERTY + "=off)";
            System.out.println(line);
            Assumptions.abort(line);
        }
        String why = Mpi.unavailableReason();
        if (why == null) {
            try {
                MpiRun.mpirunBinary();
            } catch (MpiException e) {
                why = e.getMessage();
            }
        }
        if (why != null) {
            throw new AssertionError(why + " (or run with -D" + PROPERTY + "=off to leave the MPI tests out)");
        }
    }
}
