package dev.nanoadam.models;

import dev.nanoadam.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A network whose weights are {@link Parameter}s, split into the two groups NanoAdam needs
 * (SPEC.md §1): SPARSE (updated on a mask) and DENSE (norms and heads, plain AdamW).
 */
public interface Model {
    /** Parameters NanoAdam updates on a mask, in a fixed order. */
    List<Parameter> sparseParameters();

    /** Normalisation and head parameters, updated densely, in a fixed order. */
    List<Parameter> denseParameters();

    /** Non-trainable state (e.g. BatchNorm running statistics), name to live array, in a fixed order. */
    Map<String, float[]> buffers();

    /** Switches between training and evaluation behaviour (BatchNorm statistics, for instance). */
    void train(boolean training);

    /** Every parameter: the sparse group, then the dense group. */
    default List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(sparseParameters());
        all.addAll(denseParameters());
        return all;
    }
}
