package dev.nanoadam.models.io;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header: name, element type, shape, and its byte range
 * {@code [begin, end)} within the data area (which starts right after the header).
 */
public final class TensorInfo {
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long begin;
    private final long end;

    TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.begin = begin;
        this.end = end;
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape; empty for a scalar. */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The shape as ints.
     *
     * @throws ArithmeticException if a dimension exceeds {@code Integer.MAX_VALUE}
     */
    public int[] intShape() {
        int[] s = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            s[i] = Math.toIntExact(shape[i]);
        }
        return s;
    }

    /** Number of elements: the product of the shape (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Start of the tensor's bytes, relative to the data area. */
    public long begin() {
        return begin;
    }

    /** End (exclusive) of the tensor's bytes, relative to the data area. */
    public long end() {
        return end;
    }

    /** {@code end - begin}. */
    public long byteSize() {
        return end - begin;
    }

    /** {@code name dtype [d0, d1, ...] bytes}, the line {@link Inspect} prints. */
    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape) + " " + byteSize();
    }
}
