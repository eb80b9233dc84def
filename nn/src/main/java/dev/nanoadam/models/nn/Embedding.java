package dev.nanoadam.models.nn;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.math.ArrayMath;

/** A lookup table {@code [num, dim]} named {@code <name>}, e.g. {@code embeddings.word_embeddings.weight}. */
public final class Embedding {
    private final int num;
    private final int dim;
    private final Parameter table;

    /** A zero-initialised table; the owning model initialises it. */
    public Embedding(String name, int num, int dim) {
        if (num < 1 || dim < 1) {
            throw new IllegalArgumentException(name + ": num and dim must be >= 1, got num=" + num + " dim=" + dim);
        }
        this.num = num;
        this.dim = dim;
        this.table = Parameter.of(name, new float[num * dim], num, dim);
    }

    /** Number of rows. */
    public int num() {
        return num;
    }

    /** Row length. */
    public int dim() {
        return dim;
    }

    /** The table, {@code [num, dim]}. */
    public Parameter table() {
        return table;
    }

    /**
     * {@code y[i] = table[ids[i]]} (or {@code +=} when {@code accumulate}) for i in [0, count).
     *
     * @throws IllegalArgumentException for an id outside [0, num), naming its position
     */
    public void forward(int[] ids, int count, float[] y, boolean accumulate) {
        float[] t = table.data();
        for (int i = 0; i < count; i++) {
            int id = ids[i];
            if (id < 0 || id >= num) {
                throw new IllegalArgumentException(table.name() + ": id " + id + " at position " + i
                        + " is outside [0, " + num + ")");
            }
            if (accumulate) {
                ArrayMath.addInto(t, id * dim, y, i * dim, dim);
            } else {
                System.arraycopy(t, id * dim, y, i * dim, dim);
            }
        }
    }

    /** Adds {@code dy[i]} into the gradient row {@code ids[i]}, in order of i (deterministic). */
    public void backward(int[] ids, int count, float[] dy) {
        float[] g = table.grad();
        for (int i = 0; i < count; i++) {
            ArrayMath.addInto(dy, i * dim, g, ids[i] * dim, dim);
        }
    }
}
