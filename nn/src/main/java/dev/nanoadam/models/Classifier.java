package dev.nanoadam.models;

/** A model that maps a {@link Batch} to class scores and can fill its own gradients. */
public interface Classifier extends Model {
    /** Number of output classes. */
    int numClasses();

    /**
     * Zeroes every parameter's gradient, runs forward and backward on the batch, and returns the
     * mean softmax cross-entropy over the batch's labels. After it returns, every
     * {@code Parameter.grad()} holds d(loss)/d(weight). Allocation-free once warmed up for a batch size.
     */
    float lossAndGradients(Batch batch);

    /** Writes the arg-max class of each example of the batch into {@code out[0..batch.size())}. */
    void predict(Batch batch, int[] out);
}
