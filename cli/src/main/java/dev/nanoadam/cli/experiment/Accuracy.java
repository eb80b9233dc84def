package dev.nanoadam.cli.experiment;

import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.data.BatchLoader;
import dev.nanoadam.models.data.Dataset;

/**
 * Measures a classifier's accuracy on one data set, in evaluation mode, with a loader and a
 * prediction buffer kept between calls (evaluations during training allocate nothing after the first).
 */
public final class Accuracy {
    private final Dataset data;
    private final BatchLoader loader;
    private final int[] predictions;   // [batchSize]

    public Accuracy(Dataset data, int batchSize) {
        this.data = data;
        this.loader = BatchLoader.inOrder(data, batchSize);
        this.predictions = new int[batchSize];
    }

    /** The data set measured on. */
    public Dataset data() {
        return data;
    }

    /** Fraction of examples {@code model} predicts right; the model is left in training mode. */
    public double of(Classifier model) {
        loader.seek(0, 0);
        long correct = 0;
        model.train(false);
        try {
            for (int b = loader.batchesPerEpoch(); b > 0; b--) {
                Batch batch = loader.next();
                model.predict(batch, predictions);
                int[] labels = batch.labels();
                for (int i = 0; i < batch.size(); i++) {
                    if (predictions[i] == labels[i]) {
                        correct++;
                    }
                }
            }
        } finally {
            model.train(true);
        }
        return (double) correct / data.size();
    }
}
