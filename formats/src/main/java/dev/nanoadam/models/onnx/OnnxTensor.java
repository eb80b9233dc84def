package dev.nanoadam.models.onnx;

import java.util.Arrays;

/**
 * One tensor of an ONNX file (TensorProto), decoded. FLOAT tensors carry their values in
 * {@link #floats()}; INT64, INT32 and BOOL tensors in {@link #longs()}; other element types keep
 * only name, type and shape, and asking for their values is an error that names the type.
 */
public final class OnnxTensor {
    /** TensorProto.DataType values the reader names or decodes. */
    public static final int FLOAT = 1;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int BOOL = 9;

    private final String name;
    private final int dataType;
    private final long[] dims;
    private final float[] floats; // [product(dims)] row-major, FLOAT only, else null
    private final long[] longs;   // [product(dims)] row-major, integer types only, else null

    OnnxTensor(String name, int dataType, long[] dims, float[] floats, long[] longs) {
        this.name = name;
        this.dataType = dataType;
        this.dims = dims;
        this.floats = floats;
        this.longs = longs;
    }

    /** Initializer or value name (field 8); empty for an unnamed attribute tensor. */
    public String name() {
        return name;
    }

    /** TensorProto.DataType code (field 2), e.g. {@link #FLOAT}. */
    public int dataType() {
        return dataType;
    }

    /** Shape (field 1), a copy. */
    public long[] dims() {
        return dims.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code i}. */
    public long dim(int i) {
        return dims[i];
    }

    /** Number of elements: the product of the dims (1 for a scalar). */
    public long elementCount() {
        return elementCount(dims);
    }

    /** The FLOAT values, row-major; the live array, not a copy. */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor '" + name + "' is of ONNX data type " + typeName(dataType)
                    + ", not FLOAT");
        }
        return floats;
    }

    /** The integer values (INT64, INT32 or BOOL widened to long), row-major; the live array. */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("tensor '" + name + "' is of ONNX data type " + typeName(dataType)
                    + ", not an integer type");
        }
        return longs;
    }

    @Override
    public String toString() {
        return name + " " + typeName(dataType) + Arrays.toString(dims);
    }

    static long elementCount(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** ONNX's name for a TensorProto.DataType code. */
    public static String typeName(int dataType) {
        return switch (dataType) {
            case 0 -> "UNDEFINED";
            case FLOAT -> "FLOAT";
            case 2 -> "UINT8";
            case 3 -> "INT8";
            case 4 -> "UINT16";
            case 5 -> "INT16";
            case INT32 -> "INT32";
            case INT64 -> "INT64";
            case 8 -> "STRING";
            case BOOL -> "BOOL";
            case 10 -> "FLOAT16";
            case 11 -> "DOUBLE";
            case 12 -> "UINT32";
            case 13 -> "UINT64";
            case 16 -> "BFLOAT16";
            default -> "type " + dataType;
        };
    }
}
