package dev.nanoadam.models.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Reads and writes IDX files, the format of MNIST and Fashion-MNIST: two zero bytes, a data-type
 * byte, a byte giving the number of dimensions {@code d}, {@code d} big-endian 32-bit sizes, then
 * the elements in row-major order. Only unsigned bytes (type {@code 0x08}) are read; that is all
 * these data sets use. A file may be gzipped; that is detected from its first two bytes
 * ({@code 1F 8B}), not its name.
 *
 * <p>Everything is validated before the data array is allocated: the header, the element count
 * against the plain file's size or the gzip trailer's uncompressed size, and afterwards that no
 * byte is missing or left over.
 */
public final class Idx {
    /** IDX data type of unsigned bytes. */
    public static final int UNSIGNED_BYTE = 0x08;
    private static final int MAX_DIMS = 16;
    private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8; // largest array the JVM allocates

    private Idx() {
    }

    /** The contents of an IDX file of unsigned bytes: its dimensions and elements, row-major. */
    public record Array(Path file, int[] dims, byte[] data) {
        /** Number of elements along dimension {@code i}. */
        public int dim(int i) {
            return dims[i];
        }
    }

    /**
     * Reads an IDX file of unsigned bytes, gzipped or not.
     *
     * @throws DatasetFormatException naming the file and what is wrong: bad magic, unsupported type,
     *     sizes that do not match the file's length, truncation, trailing bytes, a corrupt gzip stream
     * @throws NoSuchFileException if the file does not exist
     */
    public static Array read(Path file) throws IOException {
        long fileSize = Files.size(file);
        if (fileSize < 4) {
            throw new DatasetFormatException(file, "file is " + fileSize + " bytes long, too short for the 4-byte IDX magic");
        }
        byte[] lead = new byte[2];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.read(ByteBuffer.wrap(lead), 0);
        }
        boolean gzip = (lead[0] & 0xFF) == 0x1F && (lead[1] & 0xFF) == 0x8B;
        long uncompressedSize = gzip ? gzipUncompressedSize(file, fileSize) : fileSize;
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = gzip ? new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16)
                                   : new BufferedInputStream(raw, 1 << 16)) {
            return readStream(file, in, uncompressedSize, gzip);
        } catch (ZipException | EOFException e) {
            throw new DatasetFormatException(file, "corrupt or truncated gzip stream: " + e.getMessage(), e);
        }
    }

    private static long gzipUncompressedSize(Path file, long fileSize) throws IOException {
        // A gzip member is at least a 10-byte header and an 8-byte trailer.
        if (fileSize < 18) {
            throw new DatasetFormatException(file, "gzip file is " + fileSize + " bytes long, shorter than a gzip header and trailer (18)");
        }
        ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.read(trailer, fileSize - 4);
        }
        return Integer.toUnsignedLong(trailer.getInt(0)); // ISIZE: uncompressed length mod 2^32
    }

    private static Array readStream(Path file, InputStream in, long totalSize, boolean gzip) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new DatasetFormatException(file, "truncated: " + magic.length + " bytes where the 4-byte IDX magic should be");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DatasetFormatException(file, String.format("bad IDX magic %02X %02X %02X %02X: the first two bytes must be zero",
                    magic[0] & 0xFF, magic[1] & 0xFF, magic[2] & 0xFF, magic[3] & 0xFF));
        }
        int type = magic[2] & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw new DatasetFormatException(file, String.format("IDX data type 0x%02X is not supported (only unsigned bytes, 0x08)", type));
        }
        int rank = magic[3] & 0xFF;
        if (rank < 1 || rank > MAX_DIMS) {
            throw new DatasetFormatException(file, "IDX header gives " + rank + " dimensions; expected 1 to " + MAX_DIMS);
        }
        byte[] dimBytes = in.readNBytes(4 * rank);
        if (dimBytes.length < 4 * rank) {
            throw new DatasetFormatException(file, "truncated: the header announces " + rank + " dimensions but only "
                    + dimBytes.length + " of their " + 4 * rank + " bytes follow");
        }
        ByteBuffer db = ByteBuffer.wrap(dimBytes).order(ByteOrder.BIG_ENDIAN);
        int[] dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++) {
            long d = Integer.toUnsignedLong(db.getInt());
            if (d > MAX_ELEMENTS) {
                throw new DatasetFormatException(file, "dimension " + i + " is " + d + ", more than a Java array can hold");
            }
            dims[i] = (int) d;
            elements *= d;
            if (elements > MAX_ELEMENTS) {
                throw new DatasetFormatException(file, "dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                        + " hold more elements than a Java array can (" + MAX_ELEMENTS + ")");
            }
        }
        long expected = 4L + 4L * rank + elements;
        long actual = totalSize;
        boolean sizeMatches = gzip ? (expected & 0xFFFFFFFFL) == totalSize : expected == totalSize;
        if (!sizeMatches) {
            String what = gzip ? "the gzip trailer says the file decompresses to " + actual + " bytes"
                               : "the file is " + actual + " bytes";
            throw new DatasetFormatException(file, "dimensions " + Arrays.toString(dims) + " need " + expected
                    + " bytes with the header, but " + what + (expected > actual ? " (truncated?)" : " (trailing bytes?)"));
        }
        byte[] data = in.readNBytes((int) elements);
        if (data.length < elements) {
            throw new DatasetFormatException(file, "truncated: dimensions " + Arrays.toString(dims) + " need " + elements
                    + " data bytes but only " + data.length + " follow the header");
        }
        if (in.read() != -1) {
            throw new DatasetFormatException(file, "trailing bytes after the " + elements + " data bytes of dimensions "
                    + Arrays.toString(dims));
        }
        return new Array(file, dims, data);
    }

    /**
     * Writes an IDX file of unsigned bytes, gzipped if asked.
     *
     * @throws IllegalArgumentException if the product of {@code dims} is not {@code data.length}
     */
    public static void write(Path file, int[] dims, byte[] data, boolean gzip) throws IOException {
        if (dims.length < 1 || dims.length > MAX_DIMS) {
            throw new IllegalArgumentException("IDX needs 1 to " + MAX_DIMS + " dimensions, got " + dims.length);
        }
        long elements = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
            elements *= d;
        }
        if (elements != data.length) {
            throw new IllegalArgumentException("dimensions " + Arrays.toString(dims) + " hold " + elements
                    + " elements, data has " + data.length);
        }
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length).order(ByteOrder.BIG_ENDIAN);
        header.put((byte) 0).put((byte) 0).put((byte) UNSIGNED_BYTE).put((byte) dims.length);
        for (int d : dims) {
            header.putInt(d);
        }
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw) {
            out.write(header.array());
            out.write(data);
        }
    }
}
