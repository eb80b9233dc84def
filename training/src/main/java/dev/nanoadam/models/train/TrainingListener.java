package dev.nanoadam.models.train;

import java.nio.file.Path;

/**
 * Receives a {@link Trainer}'s progress, e.g. to draw progress bars or log curves. Every method has
 * an empty default; calls come on the training thread, so a slow listener slows training.
 * {@link #onStep} passes primitives only, so listening costs no allocation per step.
 */
public interface TrainingListener {
    /**
     * {@link Trainer#run} is starting.
     *
     * @param step steps already done (non-zero after a resume)
     * @param untilStep the step count the run will stop at
     * @param batchesPerEpoch batches in one epoch of the training data
     */
    default void onStart(long step, long untilStep, int batchesPerEpoch) {
    }

    /**
     * A step finished.
     *
     * @param step steps done now (1 after the first)
     * @param epoch epoch of the batch just used, from 0
     * @param loss mean training loss of that batch
     * @param learningRate rate the step used (that of the first optimizer)
     */
    default void onStep(long step, long epoch, float loss, double learningRate) {
    }

    /** A periodic evaluation finished after {@code step} steps. */
    default void onEvaluation(long step, Evaluation evaluation) {
    }

    /** A checkpoint after {@code step} steps was written to {@code directory}. */
    default void onCheckpoint(long step, Path directory) {
    }

    /** {@link Trainer#run} is returning after {@code step} steps. */
    default void onFinish(long step) {
    }
}
