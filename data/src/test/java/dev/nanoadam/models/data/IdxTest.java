package dev.nanoadam.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX reading on small generated files: round trips, and every kind of damage refused with the file named. */
class IdxTest {
    @TempDir
    Path dir;

    private static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    @Test
    void roundTripsPlainAndGzipped() throws IOException {
        int[] dims = {3, 4, 5};
        byte[] data = randomBytes(1, 60);
        for (boolean gzip : new boolean[] {false, true}) {
            Path f = dir.resolve(gzip ? "a.gz" : "a");
            Idx.write(f, dims, data, gzip);
            assertEquals(gzip, (Files.readAllBytes(f)[0] & 0xFF) == 0x1F, "gzip magic present iff gzipped");
            Idx.Array a = Idx.read(f);
            assertArrayEquals(dims, a.dims(), "dims, gzip=" + gzip);
            assertArrayEquals(data, a.data(), "data, gzip=" + gzip);
        }
    }

    @Test
    void gzipIsDetectedByContentNotName() throws IOException {
        byte[] data = randomBytes(2, 6);
        Path plainNamedGz = dir.resolve("plain.gz");
        Idx.write(plainNamedGz, new int[] {6}, data, false);
        assertArrayEquals(data, Idx.read(plainNamedGz).data());
        Path gzNamedPlain = dir.resolve("plain-name");
        Idx.write(gzNamedPlain, new int[] {6}, data, true);
        assertArrayEquals(data, Idx.read(gzNamedPlain).data());
    }

    @Test
    void everyTruncationIsRefusedNamingTheFile() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            Path full = dir.resolve("full" + gzip);
            Idx.write(full, new int[] {7, 3, 2}, randomBytes(3, 42), gzip);
            byte[] bytes = Files.readAllBytes(full);
            for (int len = 0; len < bytes.length; len++) {
                Path cut = dir.resolve("cut" + gzip + "-" + len);
                Files.write(cut, Arrays.copyOf(bytes, len));
                DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Idx.read(cut),
                        "truncated to " + len + " of " + bytes.length + " bytes, gzip=" + gzip);
                assertTrue(e.getMessage().startsWith(cut.toString() + ": "), e.getMessage());
                assertEquals(cut, e.file());
            }
        }
    }

    @Test
    void headerFaultsAreNamed() throws IOException {
        Path f = dir.resolve("f");
        Idx.write(f, new int[] {2, 2}, new byte[] {1, 2, 3, 4}, false);
        byte[] good = Files.readAllBytes(f);

        assertFault(with(good, 0, 1), "bad IDX magic 01 00 08 02");
        assertFault(with(good, 2, 0x0D), "IDX data type 0x0D is not supported");
        assertFault(with(good, 3, 0), "gives 0 dimensions");
        assertFault(with(good, 7, 3), "dimensions [3, 2] need 18 bytes with the header, but the file is 16 bytes (truncated?)");
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertFault(longer, "(trailing bytes?)");
        byte[] huge = good.clone();
        huge[4] = (byte) 0x80;
        assertFault(huge, "more than a Java array can hold");
    }

    @Test
    void gzipWithTrailingGarbageOrBadTrailerIsRefused() throws IOException {
        Path f = dir.resolve("g");
        Idx.write(f, new int[] {10}, randomBytes(4, 10), true);
        byte[] good = Files.readAllBytes(f);
        byte[] badSize = good.clone();
        badSize[badSize.length - 4] ^= 1; // ISIZE
        assertFault(badSize, "gzip trailer says the file decompresses to");
        byte[] badCrc = good.clone();
        badCrc[badCrc.length - 8] ^= 1; // CRC32 of the data
        assertFault(badCrc, "corrupt or truncated gzip stream");
    }

    @Test
    void randomSingleByteCorruptionsAreRefusedCleanlyOrReadable() throws IOException {
        long seed = 20240611L;
        SplittableRandom r = new SplittableRandom(seed);
        Path f = dir.resolve("c");
        byte[] data = randomBytes(5, 5 * 4 * 4);
        Idx.write(f, new int[] {5, 4, 4}, data, true);
        byte[] good = Files.readAllBytes(f);
        int refused = 0;
        for (int trial = 0; trial < 300; trial++) {
            int pos = r.nextInt(good.length);
            byte[] bad = good.clone();
            bad[pos] ^= (byte) (1 + r.nextInt(255));
            Path p = dir.resolve("c" + trial);
            Files.write(p, bad);
            try {
                Idx.Array a = Idx.read(p);
                // Survivors must be self-consistent (gzip's CRC makes a silent data change very unlikely).
                assertEquals(a.data().length, Arrays.stream(a.dims()).asLongStream().reduce(1, (x, y) -> x * y),
                        "seed " + seed + " trial " + trial);
            } catch (DatasetFormatException e) {
                refused++;
            } catch (Throwable t) {
                fail("seed " + seed + " trial " + trial + ": byte " + pos + " corrupted gave " + t, t);
            }
        }
        assertTrue(refused > 250, "most corruptions of a gzip stream are detected; refused " + refused + " of 300 (seed " + seed + ")");
    }

    private static byte[] with(byte[] b, int index, int value) {
        byte[] c = b.clone();
        c[index] = (byte) value;
        return c;
    }

    private void assertFault(byte[] content, String expected) throws IOException {
        Path p = Files.createTempFile(dir, "bad", ".idx");
        Files.write(p, content);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
