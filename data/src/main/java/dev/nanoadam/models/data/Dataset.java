package dev.nanoadam.models.data;

import dev.nanoadam.models.Batch;

/**
 * A finite, indexed set of labelled examples that can be copied into a {@link Batch}.
 *
 * <p>Implementations are immutable once built, so several loaders and threads may read one.
 * {@link #allocate} creates a batch of the right kind (images or tokens) with arrays sized for
 * exactly {@code size} examples; {@link #copyInto} fills one slot of such a batch without
 * allocating, which is what lets {@link BatchLoader} reuse its buffers.
 */
public interface Dataset {
    /** A short human-readable name, e.g. {@code "Fashion-MNIST train"}. */
    String name();

    /** Number of examples. */
    int size();

    /** Number of classes; every label lies in {@code [0, numClasses())}. */
    int numClasses();

    /** The class of example {@code index}. */
    int label(int index);

    /** A new batch for exactly {@code size} examples, arrays zeroed. */
    Batch allocate(int size);

    /**
     * Writes example {@code index} (input and label) into slot {@code slot} of {@code batch}, which
     * must come from {@link #allocate} of this data set or of one with the same example shape.
     */
    void copyInto(int index, Batch batch, int slot);
}
