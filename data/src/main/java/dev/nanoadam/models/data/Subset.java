package dev.nanoadam.models.data;

import dev.nanoadam.models.Batch;
import java.util.Objects;

/**
 * A view of some examples of another data set, optionally relabelled; built by {@link Datasets}.
 * It copies only the index list, never the examples.
 */
final class Subset implements Dataset {
    private final String name;
    private final Dataset base;
    private final int[] indices;    // [size]: index into base
    private final int[] relabel;    // [base.numClasses()]: new label, or null to keep the base's
    private final int numClasses;

    Subset(String name, Dataset base, int[] indices, int[] relabel, int numClasses) {
        this.name = Objects.requireNonNull(name);
        this.base = base;
        this.indices = indices;
        this.relabel = relabel;
        this.numClasses = numClasses;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int label(int index) {
        int label = base.label(indices[index]);
        return relabel == null ? label : relabel[label];
    }

    /** The index in the underlying data set of example {@code index}. */
    int baseIndex(int index) {
        return indices[index];
    }

    @Override
    public Batch allocate(int size) {
        return base.allocate(size);
    }

    @Override
    public void copyInto(int index, Batch batch, int slot) {
        base.copyInto(indices[index], batch, slot);
        if (relabel != null) {
            batch.labels()[slot] = relabel[batch.labels()[slot]];
        }
    }

    @Override
    public String toString() {
        return name + " (" + indices.length + " of " + base.name() + ", " + numClasses + " classes)";
    }
}
