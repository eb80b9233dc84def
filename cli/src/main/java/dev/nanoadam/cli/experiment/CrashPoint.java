package dev.nanoadam.cli.experiment;

import dev.nanoadam.models.train.TrainingListener;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A deterministic stand-in for a crash, so that resuming can be tested at an exact point: with
 * the system property {@value #PROPERTY} set to {@code step:N}, the fine-tuning JVM halts right
 * after step N, before any checkpoint of that step is written; with {@code checkpoint:N}, right
 * after the checkpoint of step N is complete. It halts with {@link Runtime#halt} and status
 * {@value #STATUS}: no shutdown hook runs and nothing is flushed or closed, as after a
 * {@code kill -9}. Unset (the normal case), fine-tuning has no crash point.
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
     * The crash point the system property asks for, or null when it is unset.
     *
     * @throws IllegalArgumentException naming the property if its value is not {@code step:N} or {@code checkpoint:N}
     */
    static CrashPoint fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            return null;
        }
        int colon = value.indexOf(':');
        String kind = colon < 0 ? "" : value.substring(0, colon).toLowerCase(Locale.ROOT);
        long n;
        try {
            n = colon < 0 ? -1 : Long.parseLong(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (!(kind.equals("step") || kind.equals("checkpoint")) || n < 1) {
            throw new IllegalArgumentException(PROPERTY + " = '" + value + "': expected step:N or checkpoint:N with N >= 1");
        }
        return new CrashPoint(kind.equals("checkpoint"), n);
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
