package dev.nanoadam.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bible Retrieval System reader on files made by a test-side LZW encoder that follows
 * {@code compress}'s output rules (groups of {@code nBits} bytes, padding at width changes and
 * CLEAR), so the decoder is checked without the Debian package.
 */
class WindowedLzwTest {
    @TempDir
    Path dir;

    /** compress-style LZW encoder of one window. */
    static final class Encoder {
        private final int maxBits;
        private final int maxMaxCode;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final byte[] group = new byte[16];
        private int offset;
        private int nBits = 9;
        private int maxCode = 511;
        private int freeEnt = 257;
        private boolean clearFlag;

        Encoder(int maxBits) {
            this.maxBits = maxBits;
            this.maxMaxCode = 1 << maxBits;
        }

        private void output(int code) {
            for (int i = 0; i < nBits; i++) {
                if ((code >>> i & 1) != 0) {
                    group[(offset + i) >>> 3] |= (byte) (1 << ((offset + i) & 7));
                }
            }
            offset += nBits;
            if (offset == nBits << 3) {
                out.write(group, 0, nBits);
                Arrays.fill(group, (byte) 0);
                offset = 0;
            }
            if (freeEnt > maxCode || clearFlag) {
                if (offset > 0) { // the reader skips the rest of the group at a width change
                    out.write(group, 0, nBits);
                    Arrays.fill(group, (byte) 0);
                    offset = 0;
                }
                if (clearFlag) {
                    nBits = 9;
                    maxCode = 511;
                    clearFlag = false;
                } else {
                    nBits++;
                    maxCode = nBits == maxBits ? maxMaxCode : (1 << nBits) - 1;
                }
            }
        }

        /** Encodes {@code text}; emits CLEAR after the {@code clearAfter}-th output code (or never if negative). */
        byte[] encode(byte[] text, int clearAfter) {
            if (text.length == 0) {
                return new byte[0];
            }
            Map<Integer, Integer> table = new HashMap<>();
            int ent = text[0] & 0xFF;
            int emitted = 0;
            for (int i = 1; i < text.length; i++) {
                int c = text[i] & 0xFF;
                int key = ent << 8 | c;
                Integer code = table.get(key);
                if (code != null) {
                    ent = code;
                    continue;
                }
                output(ent);
                emitted++;
                ent = c;
                if (emitted == clearAfter) {
                    table.clear();
                    freeEnt = 257;
                    clearFlag = true;
                    output(256);
                } else if (freeEnt < maxMaxCode) {
                    table.put(key, freeEnt++);
                }
            }
            output(ent);
            if (offset > 0) {
                out.write(group, 0, (offset + 7) / 8);
            }
            return out.toByteArray();
        }
    }

    /** A BRS data file of {@code text} cut into windows of {@code windowSize}. */
    static byte[] brsFile(byte[] text, int windowSize, int maxBits, int clearAfter) {
        int windows = Math.max(1, (text.length + windowSize - 1) / windowSize);
        byte[][] packed = new byte[windows][];
        for (int w = 0; w < windows; w++) {
            byte[] part = Arrays.copyOfRange(text, w * windowSize, Math.min(text.length, (w + 1) * windowSize));
            packed[w] = new Encoder(maxBits).encode(part, clearAfter);
        }
        int tableEnd = 92 + 4 * (windows + 1);
        int total = tableEnd + 3;
        for (byte[] p : packed) {
            total += p.length;
        }
        ByteBuffer bb = ByteBuffer.allocate(total);
        bb.put("EC02".getBytes(StandardCharsets.US_ASCII));
        bb.put(Arrays.copyOf("test text".getBytes(StandardCharsets.US_ASCII), 80));
        bb.putInt(windowSize).putInt(windows);
        int at = tableEnd + 3;
        for (byte[] p : packed) {
            bb.putInt(at);
            at += p.length;
        }
        bb.putInt(at);
        bb.put((byte) 0x1F).put((byte) 0x9D).put((byte) (0x80 | maxBits));
        for (byte[] p : packed) {
            bb.put(p);
        }
        return bb.array();
    }

    private static byte[] text(long seed, int n, int alphabet) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] t = new byte[n];
        for (int i = 0; i < n; i++) {
            t[i] = (byte) ('a' + r.nextInt(alphabet));
        }
        return t;
    }

    private Path write(byte[] content) throws IOException {
        Path f = Files.createTempFile(dir, "bible", ".data");
        Files.write(f, content);
        return f;
    }

    @Test
    void decodesWindowsAcrossCodeWidthsTableSaturationAndClear() throws IOException {
        // alphabet 2 makes long repeats (the KwKwK case); 26 fills the table fast; maxBits 9 and 12 saturate it.
        int[][] cases = {{2, 16, -1}, {26, 16, -1}, {26, 12, -1}, {3, 9, -1}, {26, 16, 300}, {5, 10, 700}};
        for (int[] c : cases) {
            long seed = 31L * c[0] + c[1];
            byte[] t = text(seed, 150_000, c[0]);
            Path f = write(brsFile(t, 1 << 16, c[1], c[2]));
            assertArrayEquals(t, BibleKjv.decompress(f), "alphabet " + c[0] + ", maxBits " + c[1] + ", clearAfter " + c[2]
                    + ", seed " + seed);
        }
    }

    @Test
    void readsVersesAfterTheTitleLine() throws IOException {
        String s = "Title line\nGe1:1 In the beginning.\nGe1:2 And so on.\n1Sm2:3 Talk no more.\n";
        Path f = write(brsFile(s.getBytes(StandardCharsets.US_ASCII), 16, 16, -1));
        List<BibleKjv.Verse> v = BibleKjv.read(f);
        assertEquals(3, v.size());
        assertEquals(new BibleKjv.Verse("1Sm", 2, 3, "Talk no more."), v.get(2));
        assertEquals("Ge1:2", v.get(1).reference());
        Path bad = write(brsFile("Title\nGe1:1 ok\nnot a verse\n".getBytes(StandardCharsets.US_ASCII), 64, 16, -1));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> BibleKjv.read(bad));
        assertTrue(e.getMessage().contains("line 3 of the text does not start with a reference"), e.getMessage());
    }

    @Test
    void headerFaultsAreNamed() throws IOException {
        byte[] good = brsFile(text(1, 1000, 4), 256, 16, -1);
        assertFault(Arrays.copyOf(good, 50), "shorter than the 92-byte header");
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertFault(magic, "bad magic 58 43");
        byte[] version = good.clone();
        version[3] = '1';
        assertFault(version, "unsupported format version '01'");
        byte[] window = good.clone();
        ByteBuffer.wrap(window).putInt(84, 0);
        assertFault(window, "window size 0");
        byte[] count = good.clone();
        ByteBuffer.wrap(count).putInt(88, 1 << 20);
        assertFault(count, "window count 1048576 does not fit");
        byte[] table = good.clone();
        ByteBuffer.wrap(table).putInt(96, 10);
        assertFault(table, "window table entry 1 (10) is outside");
        assertFault(Arrays.copyOf(good, good.length - 1), "window table entry 4 (" + good.length + ") is outside");
        byte[] bits = good.clone();
        bits[92 + 4 * 5 + 2] = (byte) 0x91;
        assertFault(bits, "17 bits per code");
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> BibleKjv.read(dir.resolve("none")));
        assertTrue(e.getMessage().endsWith(": install the Debian package bible-kjv-text"), e.getMessage());
    }

    @Test
    void everyCorruptionIsRefusedCleanlyOrDecodes() throws IOException {
        long seed = 77;
        SplittableRandom r = new SplittableRandom(seed);
        byte[] good = brsFile(text(seed, 5000, 6), 1024, 16, -1);
        int refused = 0;
        for (int trial = 0; trial < 400; trial++) {
            byte[] bad = good.clone();
            int pos = 92 + r.nextInt(good.length - 92);
            bad[pos] ^= (byte) (1 + r.nextInt(255));
            Path f = write(bad);
            try {
                BibleKjv.decompress(f);
            } catch (DatasetFormatException e) {
                refused++;
            } catch (Throwable t) {
                fail("seed " + seed + ", trial " + trial + ", byte " + pos + ": " + t, t);
            }
            Files.delete(f);
        }
        assertTrue(refused > 0, "some corruptions are detected (seed " + seed + ")");
    }

    private void assertFault(byte[] content, String expected) throws IOException {
        Path f = write(content);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> BibleKjv.decompress(f));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
