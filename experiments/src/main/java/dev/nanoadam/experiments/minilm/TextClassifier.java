package dev.nanoadam.experiments.minilm;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Classifier;
import java.util.List;

/**
 * A classification head on a pretrained text encoder, as the experiment trains it: a
 * {@link Classifier} over token batches that can also give the encoder's own sentence embeddings
 * (mean-pooled last hidden states, L2-normalised), which is how encoder drift is measured.
 */
public interface TextClassifier extends Classifier {
    /** Width of a sentence embedding. */
    int hiddenSize();

    /**
     * Writes the encoder's sentence embedding of each example of {@code batch} into
     * {@code out[i * hiddenSize() .. (i + 1) * hiddenSize())}, evaluated in inference mode.
     */
    void sentenceEmbeddings(Batch batch, float[] out);

    /** The encoder's parameters (everything but the head), whose drift from pretraining is measured. */
    List<Parameter> encoderParameters();
}
