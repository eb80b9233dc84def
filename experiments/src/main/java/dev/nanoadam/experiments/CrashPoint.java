package dev.nanoadam.experiments;

import dev.nanoadam.models.train.TrainingListener;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A deterministic stand-in for a crash, so that resuming can be tested at an exact point: with
 * the system property {@value #PROPERTY} set to {@code step:N}, the fine-tuning JVM halts right
 * after step N, before any checkpoint of that step is written; with {@code checkpoint:N}, right
 * after the checkpoint of step N is complete. It halts with {@link Runtime#halt} and status
 * {@value #STATUS}: no shutdown hook runs and nothing is flushed or closed, as after a
 * {@code kill -9}. A suffix {@code @R} ({@code step:15@1}) halts only the process of MPI rank R
 * of a data-parallel run. Unset (the normal case), fine-tuning has no crash point.
 */
final class CrashPoint implements TrainingListener {
    /** The system property that sets the crash point. */
    static final String PROPERTY = "nanoadam.crashAt";
    /** The exit status of the halted JVM (a shell's status for SIGKILL). */
    static final int STATUS = 137;

    private final boolean afterCheckpoint;
    private final long step;

    private CrashPoint(boolean afterCheckpoint, long step) {
        this.afterCheckpoint = afterCheckpoint;
        this.step = step;
    }

    /**
     * The crash point the system property asks for the process of MPI rank {@code rank} (0 outside
     * MPI), or null when it is unset or names another rank.
     *
     * @throws IllegalArgumentException naming the property if its value is not {@code step:N} or
     *     {@code checkpoint:N}, optionally followed by {@code @R}
     */
    static CrashPoint fromSystemProperty(int rank) {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            return null;
        }
        String point = value;
        int onRank = -1;
        int at = value.indexOf('@');
        if (at >= 0) {
            point = value.substring(0, at);
            try {
                onRank = Integer.parseInt(value.substring(at + 1));
            } catch (NumberFormatException e) {
                onRank = -2;
            }
        }
        int colon = point.indexOf(':');
        String kind = colon < 0 ? "" : point.substring(0, colon).toLowerCase(Locale.ROOT);
        long n;
        try {
            n = colon < 0 ? -1 : Long.parseLong(point.substring(colon + 1));
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (!(kind.equals("step") || kind.equals("checkpoint")) || n < 1 || onRank == -2 || (at >= 0 && onRank < 0)) {
            throw new IllegalArgumentException(PROPERTY + " = '" + value + "': expected step:N or checkpoint:N with N >= 1,"
                    + " optionally followed by @RANK");
        }
        return at >= 0 && onRank != rank ? null : new CrashPoint(kind.equals("checkpoint"), n);
    }

    @Override
    public void onStep(long completed, long epoch, float loss, double learningRate) {
        if (!afterCheckpoint && completed == step) {
            Runtime.getRuntime().halt(STATUS);
        }
    }

    @Override
    public void onCheckpoint(long completed, Path directory) {
        if (afterCheckpoint && completed == step) {
            Runtime.getRuntime().halt(STATUS);
        }
    }
}
