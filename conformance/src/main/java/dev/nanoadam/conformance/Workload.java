package dev.nanoadam.conformance;

import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.data.Dataset;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * What a lock-step check trains: a model built from a seed, and the real examples its batches come
 * from. {@link #newModel} must give bit-identical weights for equal seeds, and each call a model
 * of its own (two runs never share an array).
 */
public interface Workload {
    /** A short name for tables and failure messages, e.g. {@code "transformer"}. */
    String name();

    /** A fresh model initialised from {@code seed}. */
    Classifier newModel(long seed);

    /** The training examples; batches are drawn from them in a seeded order. */
    Dataset data();

    /** Examples per training batch. */
    int batchSize();

    /** A workload from its parts. */
    static Workload of(String name, LongFunction<Classifier> models, Dataset data, int batchSize) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(data, "data");
        if (batchSize < 1 || batchSize > data.size()) {
            throw new IllegalArgumentException("workload " + name + ": batch size " + batchSize + " must be in [1, "
                    + data.size() + "] (the size of " + data.name() + ")");
        }
        return new Workload() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Classifier newModel(long seed) {
                return models.apply(seed);
            }

            @Override
            public Dataset data() {
                return data;
            }

            @Override
            public int batchSize() {
                return batchSize;
            }

            @Override
            public String toString() {
                return name + " on " + data.name() + ", batches of " + batchSize;
            }
        };
    }
}
