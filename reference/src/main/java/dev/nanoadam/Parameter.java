package dev.nanoadam;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named float32 tensor that an optimizer updates (SPEC.md §1).
 *
 * <p>{@link #of} wraps the caller's array without copying it: the caller's array is the truth.
 * Between steps the caller may read and write {@link #data()}; every backend sees such writes at
 * the next step. The parameter owns a zeroed gradient array of the same length, which the
 * caller (or a model's backward pass) fills before each {@code step()}; optimizers never write it.
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final float[] data;
    private final float[] grad;

    private Parameter(String name, float[] data, int[] shape) {
        this.name = name;
        this.data = data;
        this.shape = shape;
        this.grad = new float[data.length];
    }

    /**
     * Wraps {@code data} (no copy) as a parameter of the given shape.
     *
     * @throws IllegalArgumentException if the name is empty, a dimension is negative, or the
     *     product of the shape differs from {@code data.length}
     */
    public static Parameter of(String name, float[] data, int... shape) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("parameter name must not be empty");
        }
        long product = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("parameter '" + name + "': negative dimension in shape "
                        + Arrays.toString(shape));
            }
            product *= d;
            if (product > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("parameter '" + name + "': shape " + Arrays.toString(shape)
                        + " has more than 2^31-1 elements");
            }
        }
        if (product != data.length) {
            throw new IllegalArgumentException("parameter '" + name + "': shape " + Arrays.toString(shape)
                    + " holds " + product + " elements but data has " + data.length);
        }
        return new Parameter(name, data, shape.clone());
    }

    /** The parameter's name, unique within an optimizer. */
    public String name() {
        return name;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The live weight array (the caller's own). */
    public float[] data() {
        return data;
    }

    /** The live gradient array, owned by this parameter. */
    public float[] grad() {
        return grad;
    }

    /** Number of elements, {@code data().length}. */
    public int size() {
        return data.length;
    }

    /** Sets every gradient to zero. */
    public void zeroGrad() {
        Arrays.fill(grad, 0f);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
