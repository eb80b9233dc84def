package dev.nanoadam.experiments;

import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.data.BatchLoader;
import dev.nanoadam.models.data.Dataset;
import dev.nanoadam.models.train.Trainer;

/**
 * Measures a classifier's accuracy on one data set, in evaluation mode, with a loader and a
 * prediction buffer kept between calls (evaluations during training allocate nothing after the first).
 */
public final class Accuracy {
    private final Dataset data;        // measured on
    private final BatchLoader loader;
    private final int[] predictions;   // [batchSize]

    public Accuracy(Dataset data, int batchSize) {
        this.data = data;
        this.loader = BatchLoader.inOrder(data, batchSize);
        this.predictions = new int[batchSize];
    }

    /** Fraction of examples {@code model} predicts right; the model is left in training mode. */
    public double of(Classifier model) {
        return (double) Trainer.countCorrect(model, loader, predictions) / data.size();
    }
}
