package dev.nanoadam.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * The one checksum of every file this library writes: CRC-32C (Castagnoli), which the JDK computes
 * with the CPU's CRC instructions where it has them. Optimizer checkpoints end with it; the model
 * side's manifests record it for the files they list.
 */
public final class Checksums {
    /** How the algorithm is named in messages and manifests. */
    public static final String NAME = "CRC-32C";

    private Checksums() {
    }

    /** A fresh checksum of the library's algorithm. */
    public static Checksum create() {
        return new CRC32C();
    }

    /** The checksum of the whole file, as an unsigned 32-bit value. */
    public static long of(Path file) throws IOException {
        Checksum crc = create();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
            }
        }
        return crc.getValue();
    }

    /** The checksum of {@code bytes}, as an unsigned 32-bit value. */
    public static long of(byte[] bytes) {
        Checksum crc = create();
        crc.update(bytes, 0, bytes.length);
        return crc.getValue();
    }
}
