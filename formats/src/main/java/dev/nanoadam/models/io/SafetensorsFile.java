package dev.nanoadam.models.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file opened for reading: its header parsed and checked, its data area
 * memory-mapped.
 *
 * <p>Format: an 8-byte little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8
 * JSON, an object mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin,
 * end]}} plus an optional {@code "__metadata__"} object of string values (the header may end in
 * spaces); then the data area, tensors stored little-endian and row-major. {@link #open} refuses a
 * file, with a {@link SafetensorsException} saying why, when: it is shorter than 8 bytes; {@code N}
 * exceeds {@value #MAX_HEADER_BYTES} bytes or runs past the end of the file; the header is not
 * UTF-8, not JSON, not an object, or repeats a name; an entry lacks a field or has one of the
 * wrong type; a dtype is unknown; a dimension or offset is negative or not an integer; the shape's
 * byte size differs from {@code end - begin}; or the tensors, ordered by offset, do not tile the
 * data area exactly (a gap, an overlap, or bytes before, between or after them). Only the header
 * (at most the file's size) is read into memory before these checks pass.
 *
 * <p>Reads convert every floating-point type to float32 ({@link #readFloats}), and integer types
 * to {@code long} ({@link #readLongs}). The file must not be changed while open. Instances are
 * safe for concurrent reads; {@link #close} unmaps the data (reads after it throw
 * {@link IllegalStateException}).
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Largest header accepted, as the format's reference implementation also caps it. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Reserved header key of the string-to-string metadata. */
    public static final String METADATA_KEY = "__metadata__";
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final List<TensorInfo> tensors;            // by data offset
    private final Map<String, TensorInfo> byName;
    private final Map<String, String> metadata;
    private final long dataStart;                      // 8 + N
    private final Arena arena;
    private final MemorySegment data;                  // the data area, mapped read-only
    private volatile boolean closed;

    private SafetensorsFile(Path file, Header header, long dataStart, Arena arena, MemorySegment data) {
        this.file = file;
        this.tensors = header.tensors;
        this.byName = header.byName;
        this.metadata = header.metadata;
        this.dataStart = dataStart;
        this.arena = arena;
        this.data = data;
    }

    /**
     * Opens and validates a safetensors file.
     *
     * @throws SafetensorsException if the file breaks a rule of the format (see the class comment)
     * @throws java.nio.file.NoSuchFileException if it does not exist
     */
    public static SafetensorsFile open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new SafetensorsException(file, "file is " + size + " bytes long, shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long n = lenBuf.getLong(0);
            if (n < 0 || n > MAX_HEADER_BYTES) {
                throw new SafetensorsException(file, "header length " + Long.toUnsignedString(n) + " exceeds the "
                        + MAX_HEADER_BYTES + "-byte limit");
            }
            if (n > size - 8) {
                throw new SafetensorsException(file, "header length " + n + " runs past the end of the file ("
                        + size + " bytes, so at most " + (size - 8) + " header bytes)");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
            readFully(ch, headerBuf, 8, file);
            long dataStart = 8 + n;
            Header header = parseHeader(file, headerBuf.array(), size - dataStart);
            Arena arena = Arena.ofShared();
            try {
                MemorySegment data = size == dataStart ? MemorySegment.ofArray(new byte[0])
                        : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, size - dataStart, arena);
                return new SafetensorsFile(file, header, dataStart, arena, data);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new SafetensorsException(file, "file ended while reading the header (file changed while open?)");
            }
            pos += r;
        }
    }

    /** The validated header: tensors by offset and by name, and the metadata. */
    record Header(List<TensorInfo> tensors, Map<String, TensorInfo> byName, Map<String, String> metadata) {
    }

    /** Parses and checks a header against a data area of {@code dataLength} bytes. */
    static Header parseHeader(Path file, byte[] headerBytes, long dataLength) throws SafetensorsException {
        String text = decodeUtf8(file, headerBytes);
        Object root;
        try {
            root = Json.parse(text);
        } catch (Json.ParseException e) {
            throw new SafetensorsException(file, "header is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new SafetensorsException(file, "header is JSON but not an object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!(e.getValue() instanceof Map<?, ?> meta)) {
                    throw new SafetensorsException(file, "\"" + METADATA_KEY + "\" must be an object of strings");
                }
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String value)) {
                        throw new SafetensorsException(file, "metadata \"" + m.getKey() + "\" must be a string, got "
                                + describe(m.getValue()));
                    }
                    metadata.put((String) m.getKey(), value);
                }
                continue;
            }
            tensors.add(tensorEntry(file, name, e.getValue(), dataLength));
        }
        List<TensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort((a, b) -> a.begin() != b.begin() ? Long.compare(a.begin(), b.begin()) : Long.compare(a.end(), b.end()));
        long expected = 0;
        String previous = null;
        for (TensorInfo t : byOffset) {
            if (t.begin() != expected) {
                throw new SafetensorsException(file, "tensor '" + t.name() + "' starts at data byte " + t.begin() + " but "
                        + (previous == null ? "the data area starts at 0" : "tensor '" + previous + "' ends at " + expected)
                        + (t.begin() < expected ? " (overlap)" : " (gap)") + "; tensors must tile the data area");
            }
            expected = t.end();
            previous = t.name();
        }
        if (expected != dataLength) {
            throw new SafetensorsException(file, "tensors cover " + expected + " data bytes but the data area after the header holds "
                    + dataLength + (expected > dataLength ? " (truncated?)" : " (trailing bytes)"));
        }
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo t : byOffset) {
            byName.put(t.name(), t);
        }
        return new Header(Collections.unmodifiableList(byOffset), Collections.unmodifiableMap(byName),
                Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo tensorEntry(Path file, String name, Object entry, long dataLength) throws SafetensorsException {
        String where = "tensor '" + name + "'";
        if (!(entry instanceof Map<?, ?> fields)) {
            throw new SafetensorsException(file, where + ": entry must be an object, got " + describe(entry));
        }
        Object dtypeValue = fields.get("dtype");
        if (!(dtypeValue instanceof String dtypeName)) {
            throw new SafetensorsException(file, where + ": \"dtype\" must be a string, got " + describe(dtypeValue));
        }
        DType dtype = DType.fromHeaderName(dtypeName);
        if (dtype == null) {
            throw new SafetensorsException(file, where + ": unknown or unsupported dtype \"" + dtypeName + "\" (supported: "
                    + Arrays.toString(DType.values()) + ")");
        }
        if (!(fields.get("shape") instanceof List<?> shapeList)) {
            throw new SafetensorsException(file, where + ": \"shape\" must be an array, got " + describe(fields.get("shape")));
        }
        long[] shape = new long[shapeList.size()];
        long elements = 1;
        boolean overflow = false;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeInteger(file, where + ": shape[" + i + "]", shapeList.get(i));
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException e) {
                overflow = true;
            }
        }
        if (!(fields.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2) {
            throw new SafetensorsException(file, where + ": \"data_offsets\" must be an array [begin, end], got "
                    + describe(fields.get("data_offsets")));
        }
        long begin = nonNegativeInteger(file, where + ": data_offsets[0]", offsets.get(0));
        long end = nonNegativeInteger(file, where + ": data_offsets[1]", offsets.get(1));
        if (end < begin) {
            throw new SafetensorsException(file, where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataLength) {
            throw new SafetensorsException(file, where + ": data_offsets [" + begin + ", " + end + "] run past the data area ("
                    + dataLength + " bytes after the header; truncated?)");
        }
        long bytes = overflow ? -1 : elements > Long.MAX_VALUE / dtype.size() ? -1 : elements * dtype.size();
        if (bytes != end - begin) {
            throw new SafetensorsException(file, where + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + (bytes < 0 ? "more than 2^63" : String.valueOf(bytes)) + " bytes but data_offsets [" + begin + ", " + end
                    + "] hold " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long nonNegativeInteger(Path file, String where, Object v) throws SafetensorsException {
        if (v instanceof Long l && l >= 0) {
            return l;
        }
        throw new SafetensorsException(file, where + " must be a non-negative integer, got " + describe(v));
    }

    private static String describe(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array of " + l.size();
            default -> String.valueOf(v);
        };
    }

    private static String decodeUtf8(Path file, byte[] bytes) throws SafetensorsException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new SafetensorsException(file, "header is not valid UTF-8 (bad byte at header offset " + in.position() + ")");
        }
        return out.flip().toString();
    }

    /** The file. */
    public Path path() {
        return file;
    }

    /** Every tensor, ordered by data offset. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    /** Tensor names, ordered by data offset. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** Whether a tensor of this name exists. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * The entry of tensor {@code name}.
     *
     * @throws SafetensorsException if there is none
     */
    public TensorInfo tensor(String name) throws SafetensorsException {
        TensorInfo t = byName.get(name);
        if (t == null) {
            throw new SafetensorsException(file, "no tensor named '" + name + "' (the file has " + byName.size() + " tensors)");
        }
        return t;
    }

    /** The header's {@code __metadata__}, empty if absent. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Byte offset of the data area in the file: 8 plus the header length. */
    public long dataStart() {
        return dataStart;
    }

    /**
     * Tensor {@code name} converted to float32 (exactly for F32, F16 and BF16; rounded to nearest for F64).
     *
     * @throws SafetensorsException if it does not exist, is not floating-point, or has more elements than an array holds
     */
    public float[] readFloats(String name) throws SafetensorsException {
        TensorInfo t = tensor(name);
        float[] out = new float[floatCount(t)];
        copyFloats(t, out);
        return out;
    }

    /**
     * Reads tensor {@code name} into {@code dst}, after checking that its shape is exactly
     * {@code expectedShape}.
     *
     * @throws SafetensorsException naming the tensor and both shapes if they differ, or if it is not floating-point
     * @throws IllegalArgumentException if {@code dst.length} is not the product of {@code expectedShape}
     */
    public void readFloats(String name, float[] dst, int... expectedShape) throws SafetensorsException {
        long product = 1;
        for (int d : expectedShape) {
            product *= d;
        }
        if (product != dst.length) {
            throw new IllegalArgumentException("destination for '" + name + "' has " + dst.length + " elements but shape "
                    + Arrays.toString(expectedShape) + " holds " + product);
        }
        TensorInfo t = tensor(name);
        checkShape(t, expectedShape);
        floatCount(t);
        copyFloats(t, dst);
    }

    /** Throws unless tensor {@code t} has exactly shape {@code expected}. */
    void checkShape(TensorInfo t, int[] expected) throws SafetensorsException {
        long[] shape = t.shape();
        boolean same = shape.length == expected.length;
        for (int i = 0; same && i < shape.length; i++) {
            same = shape[i] == expected[i];
        }
        if (!same) {
            throw new SafetensorsException(file, "tensor '" + t.name() + "' has shape " + Arrays.toString(shape)
                    + " but shape " + Arrays.toString(expected) + " was expected");
        }
    }

    private int floatCount(TensorInfo t) throws SafetensorsException {
        if (!t.dtype().isFloatingPoint()) {
            throw new SafetensorsException(file, "tensor '" + t.name() + "' is " + t.dtype() + ", not a floating-point type");
        }
        return arrayLength(t);
    }

    private int arrayLength(TensorInfo t) throws SafetensorsException {
        if (t.elementCount() > MAX_ARRAY) {
            throw new SafetensorsException(file, "tensor '" + t.name() + "' has " + t.elementCount()
                    + " elements, more than a Java array holds");
        }
        return (int) t.elementCount();
    }

    /** Copies a floating-point tensor into {@code out[0..n)}, converting to float32. Package-private for the loaders. */
    void copyFloats(TensorInfo t, float[] out) {
        MemorySegment d = segment();
        long base = t.begin();
        int n = (int) t.elementCount();
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(d, F32_LE, base, out, 0, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.float16ToFloat(d.get(I16_LE, base + 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((d.get(I16_LE, base + 2L * i) & 0xFFFF) << 16);
                }
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) d.get(F64_LE, base + 8L * i);
                }
            }
            default -> throw new IllegalStateException("not a floating-point type: " + t.dtype());
        }
    }

    /**
     * Integer tensor {@code name} as longs: signed types sign-extended, unsigned ones zero-extended
     * (U64 keeps its 64 bits, so values from 2^63 read as negative), BOOL as 0 or 1.
     *
     * @throws SafetensorsException if it does not exist or is floating-point
     */
    public long[] readLongs(String name) throws SafetensorsException {
        TensorInfo t = tensor(name);
        if (t.dtype().isFloatingPoint()) {
            throw new SafetensorsException(file, "tensor '" + name + "' is " + t.dtype() + ", not an integer type");
        }
        int n = arrayLength(t);
        long[] out = new long[n];
        MemorySegment d = segment();
        long base = t.begin();
        for (int i = 0; i < n; i++) {
            out[i] = switch (t.dtype()) {
                case I64, U64 -> d.get(I64_LE, base + 8L * i);
                case I32 -> d.get(I32_LE, base + 4L * i);
                case U32 -> Integer.toUnsignedLong(d.get(I32_LE, base + 4L * i));
                case I16 -> d.get(I16_LE, base + 2L * i);
                case U16 -> Short.toUnsignedLong(d.get(I16_LE, base + 2L * i));
                case I8 -> d.get(ValueLayout.JAVA_BYTE, base + i);
                case U8, BOOL -> Byte.toUnsignedLong(d.get(ValueLayout.JAVA_BYTE, base + i));
                default -> throw new IllegalStateException("not an integer type: " + t.dtype());
            };
        }
        return out;
    }

    /**
     * The raw little-endian bytes of tensor {@code name}.
     *
     * @throws SafetensorsException if it does not exist or is larger than an array holds
     */
    public byte[] readBytes(String name) throws SafetensorsException {
        TensorInfo t = tensor(name);
        if (t.byteSize() > MAX_ARRAY) {
            throw new SafetensorsException(file, "tensor '" + name + "' has " + t.byteSize() + " bytes, more than an array holds");
        }
        return segment().asSlice(t.begin(), t.byteSize()).toArray(ValueLayout.JAVA_BYTE);
    }

    private MemorySegment segment() {
        if (closed) {
            throw new IllegalStateException(file + " is closed");
        }
        return data;
    }

    /** Unmaps the data; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
