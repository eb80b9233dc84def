package dev.nanoadam;

import dev.nanoadam.io.AtomicFiles;
import dev.nanoadam.io.Checksums;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.Checksum;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The checkpoint envelope of the baseline optimizers: {@link Checkpoint}'s magic, format version,
 * kind byte and trailing CRC-32C around a body the optimizer writes. Reading verifies magic, version
 * and checksum over the whole file before parsing, refuses another optimizer's kind by name, and
 * bounds every count by the file's size so that a damaged file never causes a large allocation.
 */
final class StateFile {
    private StateFile() {
    }

    /** Writes the body. */
    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** Parses the body. */
    interface Parser {
        void parse(Reader in) throws IOException;
    }

    /** Reads a whole state with {@code parser}: from a file or from a stream. */
    interface Source {
        void read(Parser parser) throws IOException;
    }

    static void write(Path file, int kind, Body body) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        AtomicFiles.write(target, channel -> write(java.nio.channels.Channels.newOutputStream(channel), kind, body));
    }

    /** The file's bytes, into {@code raw}: flushed, left open. */
    static void write(OutputStream raw, int kind, Body body) throws IOException {
        Checksum crc = Checksums.create();
        BufferedOutputStream buffered = new BufferedOutputStream(raw, 1 << 16);
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(buffered, crc));
        out.write(Checkpoint.MAGIC);
        out.writeInt(Checkpoint.VERSION);
        out.writeByte(kind);
        body.write(out);
        out.flush();
        new DataOutputStream(buffered).writeInt((int) crc.getValue());
        buffered.flush();
    }

    /**
     * Reads one state from {@code raw}, which may go on past it: parsed through a checksum, which
     * is compared before the parser's result is used (the caller installs nothing until this
     * returns); counts bounded by {@code limit}.
     */
    static void read(InputStream raw, int kind, Parser parser, long limit, String where) throws IOException {
        Checksum crc = Checksums.create();
        Reader in = new Reader(new CheckedInputStream(raw, crc), limit, where);
        try {
            byte[] head = in.readNBytes(Checkpoint.MAGIC.length);
            if (!java.util.Arrays.equals(head, Checkpoint.MAGIC)) {
                throw new CheckpointException(where + "not a NanoAdam checkpoint (bad magic)");
            }
            int version = in.readInt();
            if (version != Checkpoint.VERSION) {
                throw new CheckpointException(where + "format version " + version + ", this library reads version "
                        + Checkpoint.VERSION + " (or the data is corrupted)");
            }
            int found = in.readUnsignedByte();
            if (found != kind) {
                throw new CheckpointException(where + "was written by " + BaselineOptimizer.kindName(found)
                        + " and cannot be loaded into " + BaselineOptimizer.kindName(kind));
            }
            parser.parse(in);
            int computed = (int) crc.getValue();
            int stored = new DataInputStream(raw).readInt();
            if (computed != stored) {
                throw new CheckpointException(where + "checksum mismatch: the data is corrupted (stored 0x"
                        + Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString(computed) + ")");
            }
        } catch (EOFException e) {
            throw new CheckpointException(where + "truncated (ends inside the data)", e);
        }
    }

    static void writeName(DataOutputStream out, String name) throws IOException {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static void writeFloats(DataOutputStream out, float[] a) throws IOException {
        out.writeInt(a.length);
        for (float f : a) {
            out.writeInt(Float.floatToRawIntBits(f));
        }
    }

    static void writeBytes(DataOutputStream out, byte[] a) throws IOException {
        out.writeInt(a.length);
        out.write(a);
    }

    static void writeShorts(DataOutputStream out, short[] a) throws IOException {
        out.writeInt(a.length);
        for (short s : a) {
            out.writeShort(s);
        }
    }

    static void writeChars(DataOutputStream out, char[] a) throws IOException {
        out.writeInt(a.length);
        for (char c : a) {
            out.writeChar(c);
        }
    }

    static void read(Path file, int kind, Parser parser) throws IOException {
        String where = "checkpoint " + file + ": ";
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(where + "no such file", e);
        }
        int minimum = Checkpoint.MAGIC.length + 4 + 1 + 4;
        if (size < minimum) {
            throw new CheckpointException(where + "truncated: " + size + " bytes, a checkpoint has at least " + minimum);
        }
        Checkpoint.verifyChecksum(file, size, where);
        try (InputStream raw = Files.newInputStream(file)) {
            Reader in = new Reader(new BufferedInputStream(raw, 1 << 16), size, where);
            in.skipNBytes(Checkpoint.MAGIC.length + 4);
            int found = in.readUnsignedByte();
            if (found != kind) {
                throw new CheckpointException(where + "was written by " + BaselineOptimizer.kindName(found)
                        + " and cannot be loaded into " + BaselineOptimizer.kindName(kind));
            }
            parser.parse(in);
            in.skipNBytes(4);
            if (in.read() >= 0) {
                throw new CheckpointException(where + "unexpected bytes after the data");
            }
        } catch (EOFException e) {
            throw new CheckpointException(where + "truncated (ends inside the data)", e);
        }
    }

    /** A data stream that knows the file's size, to refuse impossible counts. */
    static final class Reader extends DataInputStream {
        final long size;
        final String where;

        Reader(InputStream in, long size, String where) {
            super(in);
            this.size = size;
            this.where = where;
        }

        int count(int value, String what) throws CheckpointException {
            if (value < 0 || value > size) {
                throw new CheckpointException(where + what + " " + value + " is impossible for a file of this size");
            }
            return value;
        }

        String readName() throws IOException {
            int length = count(readInt(), "name length");
            byte[] b = readNBytes(length);
            if (b.length != length) {
                throw new EOFException();
            }
            return new String(b, StandardCharsets.UTF_8);
        }

        private int length(int expected, String what) throws IOException {
            int n = count(readInt(), what + " length");
            if (n != expected) {
                throw new CheckpointException(where + what + " has " + n + " entries, expected " + expected);
            }
            return n;
        }

        float[] readFloats(int expected, String what) throws IOException {
            float[] a = new float[length(expected, what)];
            for (int i = 0; i < a.length; i++) {
                a[i] = Float.intBitsToFloat(readInt());
            }
            return a;
        }

        byte[] readBytes(int expected, String what) throws IOException {
            byte[] a = new byte[length(expected, what)];
            readFully(a);
            return a;
        }

        short[] readShorts(int expected, String what) throws IOException {
            short[] a = new short[length(expected, what)];
            for (int i = 0; i < a.length; i++) {
                a[i] = readShort();
            }
            return a;
        }

        char[] readChars(int expected, String what) throws IOException {
            char[] a = new char[length(expected, what)];
            for (int i = 0; i < a.length; i++) {
                a[i] = readChar();
            }
            return a;
        }

        CheckpointException fail(String message) {
            return new CheckpointException(where + message);
        }
    }
}
