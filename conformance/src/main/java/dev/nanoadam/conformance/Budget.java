package dev.nanoadam.conformance;

/**
 * Every knob of how much the conformance checks run, in one place. The test suite's numbers are
 * sized so that {@code mvn test} of this module stays within about ten minutes on a two-core
 * machine; the command's default is a short run for a user's own device. (Only a failure costs
 * more: jqwik then shrinks the failing configuration, for at most the
 * {@code jqwik.shrinking.bounded.seconds} that the tests' {@code junit-platform.properties} sets.)
 */
public final class Budget {
    private Budget() {
    }

    /** Tries of each lock-step property of the suite, per model and backend pair. */
    public static final int SUITE_TRIES = 12;
    /** Tries of the cpu-against-cpu-scalar property in each of the five vector-width JVMs. */
    public static final int WIDTH_TRIES = 6;
    /** Most optimizer steps of a generated configuration (suite and command alike). */
    public static final int MAX_STEPS = 8;
    /** Default wall-clock budget of {@code nanoadam conformance}, in seconds. */
    public static final int COMMAND_SECONDS = 90;
    /** Steps of each configuration of the command's covering list. */
    public static final int COMMAND_STEPS = 6;
}
