package dev.nanoadam.models.io;

import dev.nanoadam.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Collects tensors and metadata, then writes them as one safetensors file, atomically.
 *
 * <p>Arrays are not copied when added: they are read when {@link #write} runs. Tensors are stored
 * in the order added; the header is padded with spaces so that the data area starts at a multiple
 * of 8 bytes. Float arrays may be stored as F32 (exact), F16 or BF16 (rounded to nearest even, as
 * {@link Float#floatToFloat16} and SPEC.md §5's bf16 store do) or F64 (exact).
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *     .metadata("format", "pt")
 *     .addFloats("encoder.weight", DType.F32, weights, 64, 128)
 *     .write(Path.of("model.safetensors"));
 * }</pre>
 */
public final class SafetensorsWriter {
    private static final int CHUNK = 1 << 16;

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new LinkedHashSet<>();

    private record Entry(String name, DType dtype, long[] shape, Object data) {
    }

    /** Adds a metadata entry; a later value for the same key replaces the earlier one. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Adds a float tensor stored as {@code dtype} (F32, F16, BF16 or F64).
     *
     * @throws IllegalArgumentException on a repeated or reserved name, a non-float dtype, or a shape
     *     whose product is not {@code data.length}
     */
    public SafetensorsWriter addFloats(String name, DType dtype, float[] data, int... shape) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("tensor '" + name + "': " + dtype + " is not a floating-point type");
        }
        return add(name, dtype, toLong(shape), data, data.length);
    }

    /** Adds a float tensor stored as F32. */
    public SafetensorsWriter addFloat32(String name, float[] data, int... shape) {
        return addFloats(name, DType.F32, data, shape);
    }

    /**
     * Adds an integer tensor stored as {@code dtype}; each value must fit the type.
     *
     * @throws IllegalArgumentException if a value does not fit, or as {@link #addFloats}
     */
    public SafetensorsWriter addLongs(String name, DType dtype, long[] data, int... shape) {
        if (dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("tensor '" + name + "': " + dtype + " is not an integer type");
        }
        for (int i = 0; i < data.length; i++) {
            if (!fits(dtype, data[i])) {
                throw new IllegalArgumentException("tensor '" + name + "': value " + data[i] + " at index " + i
                        + " does not fit " + dtype);
            }
        }
        return add(name, dtype, toLong(shape), data, data.length);
    }

    /**
     * Adds a tensor given as its raw little-endian bytes.
     *
     * @throws IllegalArgumentException if the byte count does not match the shape and dtype, or as {@link #addFloats}
     */
    public SafetensorsWriter addRaw(String name, DType dtype, long[] shape, byte[] littleEndian) {
        long elements = elements(name, shape);
        if (elements * dtype.size() != littleEndian.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + elements * dtype.size() + " bytes, got " + littleEndian.length);
        }
        return add(name, dtype, shape.clone(), littleEndian, -1);
    }

    private SafetensorsWriter add(String name, DType dtype, long[] shape, Object data, long length) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.equals(SafetensorsFile.METADATA_KEY)) {
            throw new IllegalArgumentException("tensor name '" + name + "' is empty or reserved");
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        long elements = elements(name, shape);
        if (length >= 0 && elements != length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds "
                    + elements + " elements but the array has " + length);
        }
        names.add(name);
        entries.add(new Entry(name, dtype, shape, data));
        return this;
    }

    private static long elements(String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static long[] toLong(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            s[i] = shape[i];
        }
        return s;
    }

    private static boolean fits(DType t, long v) {
        return switch (t) {
            case I64, U64 -> true; // U64 takes the 64 bits as they are
            case I32 -> v == (int) v;
            case U32 -> v >= 0 && v <= 0xFFFF_FFFFL;
            case I16 -> v == (short) v;
            case U16 -> v >= 0 && v <= 0xFFFF;
            case I8 -> v == (byte) v;
            case U8 -> v >= 0 && v <= 0xFF;
            case BOOL -> v == 0 || v == 1;
            default -> false;
        };
    }

    /** The header bytes, padded with spaces to make {@code 8 + length} a multiple of 8. */
    byte[] header() {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            root.put(SafetensorsFile.METADATA_KEY, metadata);
        }
        long offset = 0;
        for (Entry e : entries) {
            long bytes = elements(e.name, e.shape) * e.dtype.size();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", e.dtype.name());
            info.put("shape", e.shape);
            info.put("data_offsets", new long[] {offset, offset + bytes});
            root.put(e.name, info);
            offset += bytes;
        }
        byte[] json = Json.write(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    /** Writes the file atomically (temporary file, fsync, rename). */
    public void write(Path file) throws IOException {
        byte[] header = header();
        AtomicFiles.write(file, ch -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            AtomicFiles.writeFully(ch, len);
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : entries) {
                writeData(ch, buf, e);
            }
        });
    }

    private static void writeData(FileChannel ch, ByteBuffer buf, Entry e) throws IOException {
        if (e.data instanceof byte[] raw) {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(raw));
            return;
        }
        int size = e.dtype.size();
        if (e.data instanceof float[] f) {
            for (float x : f) {
                if (buf.remaining() < size) {
                    flush(ch, buf);
                }
                switch (e.dtype) {
                    case F32 -> buf.putFloat(x);
                    case F64 -> buf.putDouble(x);
                    case F16 -> buf.putShort(Float.floatToFloat16(x));
                    case BF16 -> buf.putShort(toBf16(x));
                    default -> throw new IllegalStateException(e.dtype.name());
                }
            }
        } else {
            for (long v : (long[]) e.data) {
                if (buf.remaining() < size) {
                    flush(ch, buf);
                }
                switch (size) {
                    case 8 -> buf.putLong(v);
                    case 4 -> buf.putInt((int) v);
                    case 2 -> buf.putShort((short) v);
                    default -> buf.put((byte) v);
                }
            }
        }
        flush(ch, buf);
    }

    private static void flush(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        AtomicFiles.writeFully(ch, buf);
        buf.clear();
    }

    /** float32 to bfloat16, round to nearest even; every NaN becomes 0x7FC0 (SPEC.md §5). */
    static short toBf16(float x) {
        if (Float.isNaN(x)) {
            return (short) 0x7FC0;
        }
        int bits = Float.floatToRawIntBits(x);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
