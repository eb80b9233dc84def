package dev.nanoadam.models.train;

import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Classifier;

/**
 * Fills every parameter's gradient for one training step of a {@link Trainer} and returns the
 * step's loss. The default is {@link Classifier#lossAndGradients}; a data-parallel trainer puts
 * here the combination of several replicas' gradients, so that the loop itself stays one.
 */
@FunctionalInterface
public interface GradientSource {
    /** Zeroes and fills the gradients of {@code model}'s parameters from {@code batch}; returns the mean loss. */
    float lossAndGradients(Classifier model, Batch batch);
}
