package dev.nanoadam.models.io;

/** Element types of safetensors; {@link #name()} is the name the format's header uses. */
public enum DType {
    /** IEEE-754 binary64. */
    F64(8, true),
    /** IEEE-754 binary32. */
    F32(4, true),
    /** IEEE-754 binary16. */
    F16(2, true),
    /** bfloat16: the upper half of a binary32. */
    BF16(2, true),
    /** Signed 64-bit integer. */
    I64(8, false),
    /** Signed 32-bit integer. */
    I32(4, false),
    /** Signed 16-bit integer. */
    I16(2, false),
    /** Signed 8-bit integer. */
    I8(1, false),
    /** Unsigned 64-bit integer. */
    U64(8, false),
    /** Unsigned 32-bit integer. */
    U32(4, false),
    /** Unsigned 16-bit integer. */
    U16(2, false),
    /** Unsigned 8-bit integer. */
    U8(1, false),
    /** Boolean, one byte, 0 or 1. */
    BOOL(1, false);

    private final int size;
    private final boolean floating;

    DType(int size, boolean floating) {
        this.size = size;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** Whether this is a floating-point type. */
    public boolean isFloatingPoint() {
        return floating;
    }

    /** The type named {@code name} in a header, or null if this library does not know it. */
    public static DType fromHeaderName(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
