package dev.nanoadam.conformance;

/**
 * Every knob of how much the conformance checks run, in one place. The test suite's numbers are
 * sized so that {@code mvn test} of this module (seven JVMs: engine, opencl, five cpu widths, model
 * determinism) takes about four minutes on a two-core machine, well inside a ten-minute CI budget;
 * the command's default is a short run for a user's own device. (Only a failure costs
 * more: jqwik then shrinks the failing configuration, for at most the
 * {@code jqwik.shrinking.bounded.seconds} that the tests' {@code junit-platform.properties} sets.)
 */
public final class Budget {
    private Budget() {
    }

    /** Tries of the suite's opencl property and of its model-determinism property (models drawn at random). */
    public static final int SUITE_TRIES = 150;
    /** Tries of the cpu-against-cpu-scalar property in each of the five vector-width JVMs. */
    public static final int WIDTH_TRIES = 40;
    /** Steps of each configuration of the covering list in the suite. */
    public static final int SUITE_COVERING_STEPS = 8;
    /** Most optimizer steps of a generated configuration (suite and command alike). */
    public static final int MAX_STEPS = 12;
    /** Default wall-clock budget of {@code nanoadam conformance}, in seconds. */
    public static final int COMMAND_SECONDS = 90;
    /** Steps of each configuration of the command's covering list. */
    public static final int COMMAND_STEPS = 6;
}
