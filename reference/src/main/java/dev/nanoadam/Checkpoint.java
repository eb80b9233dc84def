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
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.Checksum;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The checkpoint file of SPEC.md §8. Big-endian; backend-independent (masks as chunk-local
 * unsigned 16-bit values, moments as float32 bit patterns, exact for BF16 state too).
 *
 * <pre>
 * "NANOADAM" magic (8 bytes), format version (int), kind (byte: 0 NanoAdam, 1 AdamW)
 * hyperparameters (lr .. nonFinite), t, k, skipped, refreshStep
 * part count, then per (group, role) part: group (int), role (byte: 0 SPARSE, 1 DENSE), count (int),
 *   lr, lrScale, beta1, beta2, eps, weightDecay, density (doubles)
 * SPARSE count, then per parameter: name, rank, dims, kFull, kLast, K, mask[K], m[K], v[K]
 * DENSE count, then per parameter: name, rank, dims, m[n], v[n]
 * CRC-32C of every byte before it (int)
 * </pre>
 *
 * Reading checks the magic, the version and the checksum over the whole file before it parses
 * anything, and bounds every count by the file's size, so a damaged file never causes a large
 * allocation.
 */
final class Checkpoint {
    static final byte[] MAGIC = "NANOADAM".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;   // 2: parameter groups

    private Checkpoint() {
    }

    /** One tensor's saved state. */
    static final class Tensor {
        String name;
        int[] shape;
        int kFull;
        int kLast;
        char[] mask = new char[0];
        float[] m;
        float[] v;

        static Tensor of(Parameter p) {
            Tensor t = new Tensor();
            t.name = p.name();
            t.shape = p.shape();
            return t;
        }

        int size() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return (int) n;
        }
    }

    /** One (group, role) part of the parameters and its constants. */
    static final class PartRecord {
        int group;
        Role role;
        int count;
        double lr;
        double lrScale;
        double beta1;
        double beta2;
        double eps;
        double weightDecay;
        double density;
    }

    /** Everything a checkpoint holds. */
    static final class State {
        boolean adamwOnly;
        Hyper hyper;
        long t;
        double k;
        long skipped;
        long refreshStep;
        PartRecord[] parts;
        Tensor[] sparse;
        Tensor[] dense;
    }

    /** Writes atomically: a temporary file beside the target, fsync, rename over the target. */
    static void write(Path file, State st) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        AtomicFiles.write(target, channel -> write(Channels.newOutputStream(channel), st));
    }

    /** Writes the checkpoint's bytes (the file's format exactly) to {@code out}, flushed, not closed. */
    static void write(OutputStream out, State st) throws IOException {
        Checksum crc = Checksums.create();
        BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
        DataOutputStream body = new DataOutputStream(new CheckedOutputStream(buffered, crc));
        body(body, st);
        body.flush();
        new DataOutputStream(buffered).writeInt((int) crc.getValue());
        buffered.flush();
    }

    private static void body(DataOutputStream out, State st) throws IOException {
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeByte(st.adamwOnly ? 1 : 0);
        Hyper h = st.hyper;
        out.writeDouble(h.lr);
        out.writeDouble(h.beta1);
        out.writeDouble(h.beta2);
        out.writeDouble(h.eps);
        out.writeDouble(h.weightDecay);
        out.writeDouble(h.density);
        out.writeDouble(h.finalDensity);
        out.writeInt(h.maskInterval);
        out.writeInt(h.densityInterval);
        out.writeLong(h.totalSteps);
        out.writeInt(h.chunkSize);
        out.writeByte(h.criterion.ordinal());
        out.writeLong(h.seed);
        out.writeByte(h.momentPolicy.ordinal());
        out.writeByte(h.stateType.ordinal());
        out.writeByte(h.nonFinite.ordinal());
        out.writeLong(st.t);
        out.writeDouble(st.k);
        out.writeLong(st.skipped);
        out.writeLong(st.refreshStep);
        out.writeInt(st.parts.length);
        for (PartRecord r : st.parts) {
            out.writeInt(r.group);
            out.writeByte(r.role.ordinal());
            out.writeInt(r.count);
            for (double x : new double[] {r.lr, r.lrScale, r.beta1, r.beta2, r.eps, r.weightDecay, r.density}) {
                out.writeDouble(x);
            }
        }
        out.writeInt(st.sparse.length);
        for (Tensor x : st.sparse) {
            header(out, x);
            out.writeInt(x.kFull);
            out.writeInt(x.kLast);
            out.writeInt(x.mask.length);
            for (char c : x.mask) {
                out.writeChar(c);
            }
            floats(out, x.m);
            floats(out, x.v);
        }
        out.writeInt(st.dense.length);
        for (Tensor x : st.dense) {
            header(out, x);
            floats(out, x.m);
            floats(out, x.v);
        }
    }

    private static void header(DataOutputStream out, Tensor x) throws IOException {
        byte[] name = x.name.getBytes(StandardCharsets.UTF_8);
        out.writeInt(name.length);
        out.write(name);
        out.writeInt(x.shape.length);
        for (int d : x.shape) {
            out.writeInt(d);
        }
    }

    private static void floats(DataOutputStream out, float[] a) throws IOException {
        for (float f : a) {
            out.writeInt(Float.floatToRawIntBits(f));
        }
    }

    /** Reads and verifies a checkpoint; throws {@link CheckpointException} saying what is wrong. */
    static State read(Path file) throws IOException {
        String where = "checkpoint " + file + ": ";
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(where + "no such file", e);
        }
        int minimum = MAGIC.length + 4 + 4;
        if (size < minimum) {
            throw new CheckpointException(where + "truncated: " + size + " bytes, a checkpoint has at least " + minimum);
        }
        verifyChecksum(file, size, where);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            return parse(in, size - 4, where);
        } catch (EOFException e) {
            throw new CheckpointException(where + "truncated (ends inside the data)", e);
        }
    }

    /**
     * Reads one checkpoint from {@code in}, which may go on past it (it is read to the checksum and
     * no further). The checksum is verified before the state is returned, so nothing is applied
     * from a damaged stream; every count is bounded by {@code bodyLimit}, the largest body a
     * checkpoint of the reading optimizer can have, so a damaged count never causes a large
     * allocation.
     */
    static State read(InputStream in, long bodyLimit, String where) throws IOException {
        Checksum crc = Checksums.create();
        DataInputStream body = new DataInputStream(new CheckedInputStream(in, crc));
        try {
            byte[] head = body.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(head, MAGIC)) {
                throw new CheckpointException(where + "not a NanoAdam checkpoint (bad magic)");
            }
            int version = body.readInt();
            if (version != VERSION) {
                throw new CheckpointException(where + "format version " + version + ", this library reads version "
                        + VERSION + " (or the data is corrupted)");
            }
            State st = parseBody(body, bodyLimit, where);
            int computed = (int) crc.getValue();
            int stored = new DataInputStream(in).readInt();
            if (computed != stored) {
                throw new CheckpointException(where + "checksum mismatch: the data is corrupted (stored 0x"
                        + Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString(computed) + ")");
            }
            return st;
        } catch (EOFException e) {
            throw new CheckpointException(where + "truncated (ends inside the data)", e);
        }
    }

    static void verifyChecksum(Path file, long size, String where) throws IOException {
        Checksum crc = Checksums.create();
        byte[] buffer = new byte[1 << 16];
        byte[] head = new byte[MAGIC.length + 4];
        int stored;
        try (InputStream in = Files.newInputStream(file)) {
            long left = size - 4;
            int headFill = 0;
            while (left > 0) {
                int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (r < 0) {
                    throw new CheckpointException(where + "truncated while reading");
                }
                for (int i = 0; i < r && headFill < head.length; i++) {
                    head[headFill++] = buffer[i];
                }
                crc.update(buffer, 0, r);
                left -= r;
            }
            stored = new DataInputStream(in).readInt();
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head[i] != MAGIC[i]) {
                throw new CheckpointException(where + "not a NanoAdam checkpoint (bad magic)");
            }
        }
        int version = ((head[8] & 0xFF) << 24) | ((head[9] & 0xFF) << 16) | ((head[10] & 0xFF) << 8) | (head[11] & 0xFF);
        if (version != VERSION) {
            throw new CheckpointException(where + "format version " + version + ", this library reads version "
                    + VERSION + " (or the file is corrupted)");
        }
        if ((int) crc.getValue() != stored) {
            throw new CheckpointException(where + "checksum mismatch: the file is corrupted or truncated (stored 0x"
                    + Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString((int) crc.getValue()) + ")");
        }
    }

    private static State parse(DataInputStream in, long bodySize, String where) throws IOException {
        in.skipNBytes(MAGIC.length + 4);
        State st = parseBody(in, bodySize, where);
        if (in.read() < 0) {
            throw new CheckpointException(where + "truncated (no checksum)");
        }
        in.skipNBytes(3);
        if (in.read() >= 0) {
            throw new CheckpointException(where + "unexpected bytes after the checksum");
        }
        return st;
    }

    /** Everything after the magic and the version, up to the checksum. */
    private static State parseBody(DataInputStream in, long bodySize, String where) throws IOException {
        State st = new State();
        int kind = in.readUnsignedByte();
        if (kind > 1) {
            throw new CheckpointException(where + "was written by " + BaselineOptimizer.kindName(kind)
                    + " and cannot be loaded into NanoAdam or AdamW");
        }
        st.adamwOnly = kind == 1;
        double lr = in.readDouble();
        double beta1 = in.readDouble();
        double beta2 = in.readDouble();
        double eps = in.readDouble();
        double wd = in.readDouble();
        double density = in.readDouble();
        double finalDensity = in.readDouble();
        int maskInterval = in.readInt();
        int densityInterval = in.readInt();
        long totalSteps = in.readLong();
        int chunkSize = in.readInt();
        Criterion criterion = pick(Criterion.values(), in.readUnsignedByte(), "criterion", where);
        long seed = in.readLong();
        MomentPolicy policy = pick(MomentPolicy.values(), in.readUnsignedByte(), "momentPolicy", where);
        StateType stateType = pick(StateType.values(), in.readUnsignedByte(), "stateType", where);
        NonFinitePolicy nonFinite = pick(NonFinitePolicy.values(), in.readUnsignedByte(), "nonFinite", where);
        st.hyper = new Hyper(lr, beta1, beta2, eps, wd, density, finalDensity, maskInterval, densityInterval,
                totalSteps, chunkSize, criterion, seed, policy, stateType, nonFinite, "");
        st.t = in.readLong();
        st.k = in.readDouble();
        st.skipped = in.readLong();
        st.refreshStep = in.readLong();
        if (st.t < 0 || st.skipped < 0 || st.refreshStep < 0 || st.refreshStep > st.t || !(st.k > 0 && st.k <= 1)) {
            throw new CheckpointException(where + "inconsistent counters (t=" + st.t + ", k=" + st.k + ", skipped="
                    + st.skipped + ", refresh step=" + st.refreshStep + ")");
        }
        st.parts = new PartRecord[count(in.readInt(), bodySize / 65, "parameter group part count", where)];
        for (int i = 0; i < st.parts.length; i++) {
            PartRecord r = new PartRecord();
            r.group = count(in.readInt(), Integer.MAX_VALUE, "group index", where);
            r.role = pick(Role.values(), in.readUnsignedByte(), "role", where);
            r.count = count(in.readInt(), bodySize / 16, "parameter count of a group", where);
            r.lr = in.readDouble();
            r.lrScale = in.readDouble();
            r.beta1 = in.readDouble();
            r.beta2 = in.readDouble();
            r.eps = in.readDouble();
            r.weightDecay = in.readDouble();
            r.density = in.readDouble();
            st.parts[i] = r;
        }
        st.sparse = new Tensor[count(in.readInt(), bodySize / 16, "SPARSE parameter count", where)];
        for (int i = 0; i < st.sparse.length; i++) {
            Tensor x = tensorHeader(in, bodySize, where);
            x.kFull = in.readInt();
            x.kLast = in.readInt();
            int k = in.readInt();
            if (k < 0 || k > x.size()) {
                throw new CheckpointException(where + "mask of '" + x.name + "' has " + k + " entries for "
                        + x.size() + " weights");
            }
            if (x.kFull < 0 || x.kLast < 0) {
                throw new CheckpointException(where + "negative chunk counts for '" + x.name + "'");
            }
            x.mask = new char[count(k, bodySize / 10, "mask length", where)];
            byte[] block = new byte[2 * Math.min(k, 1 << 15)];
            for (int j = 0; j < k; ) {
                int count = Math.min(k - j, block.length / 2);
                in.readFully(block, 0, 2 * count);
                java.nio.ByteBuffer.wrap(block, 0, 2 * count).asCharBuffer().get(x.mask, j, count);
                j += count;
            }
            x.m = floats(in, k);
            x.v = floats(in, k);
            st.sparse[i] = x;
        }
        st.dense = new Tensor[count(in.readInt(), bodySize / 16, "DENSE parameter count", where)];
        for (int i = 0; i < st.dense.length; i++) {
            Tensor x = tensorHeader(in, bodySize, where);
            int n = count(x.size(), bodySize / 8, "tensor size", where);
            x.m = floats(in, n);
            x.v = floats(in, n);
            st.dense[i] = x;
        }
        return st;
    }

    private static Tensor tensorHeader(DataInputStream in, long bodySize, String where) throws IOException {
        Tensor x = new Tensor();
        int nameLength = count(in.readInt(), Math.min(bodySize, 1 << 16), "name length", where);
        byte[] name = in.readNBytes(nameLength);
        if (name.length != nameLength) {
            throw new EOFException();
        }
        x.name = new String(name, StandardCharsets.UTF_8);
        int rank = count(in.readInt(), 64, "rank of '" + x.name + "'", where);
        x.shape = new int[rank];
        long n = 1;
        for (int d = 0; d < rank; d++) {
            x.shape[d] = in.readInt();
            if (x.shape[d] < 0) {
                throw new CheckpointException(where + "negative dimension in '" + x.name + "'");
            }
            n *= x.shape[d];
            if (n > Integer.MAX_VALUE) {
                throw new CheckpointException(where + "'" + x.name + "' has more than 2^31-1 elements");
            }
        }
        return x;
    }

    private static int count(int value, long limit, String what, String where) throws CheckpointException {
        if (value < 0 || value > limit) {
            throw new CheckpointException(where + what + " " + value + " is impossible for a checkpoint of this size");
        }
        return value;
    }

    /** {@code n} big-endian floats, read in blocks (the stream may be unbuffered). */
    private static float[] floats(DataInputStream in, int n) throws IOException {
        float[] a = new float[n];
        byte[] block = new byte[4 * Math.min(n, 1 << 14)];
        for (int i = 0; i < n; ) {
            int count = Math.min(n - i, block.length / 4);
            in.readFully(block, 0, 4 * count);
            java.nio.ByteBuffer.wrap(block, 0, 4 * count).asFloatBuffer().get(a, i, count);
            i += count;
        }
        return a;
    }

    private static <E extends Enum<E>> E pick(E[] values, int ordinal, String field, String where)
            throws CheckpointException {
        if (ordinal >= values.length) {
            throw new CheckpointException(where + "unknown " + field + " " + ordinal);
        }
        return values[ordinal];
    }
}
