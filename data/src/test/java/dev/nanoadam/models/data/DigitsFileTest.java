package dev.nanoadam.models.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The digits CSV parser on generated files. */
class DigitsFileTest {
    @TempDir
    Path dir;

    private static String row(int seed, int label) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            sb.append((i * 7 + seed) % 17).append(',');
        }
        return sb.append(label).toString();
    }

    @Test
    void parsesGzippedRowsOf64PixelsAndALabel() throws IOException {
        Path f = dir.resolve("d.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write((row(1, 3) + "\n" + row(2, 9) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        ImageDataset d = Digits.load(f);
        assertEquals(2, d.size());
        assertEquals(3, d.label(0));
        assertEquals(9, d.label(1));
        assertEquals((7 * 10 + 2) % 17, d.pixel(1, 0, 1, 2));
        assertEquals(16 * (1f / 16f), d.value(16), 0f);
    }

    @Test
    void malformedRowsAreNamedByLineAndColumn() throws IOException {
        assertFault(row(1, 3) + "\n" + row(2, 4).replaceFirst("^\\d+", "x") + "\n", "line 2, column 1: expected a non-negative integer, found 'x'");
        assertFault(row(1, 3).replaceFirst(",\\d+$", "") + "\n", "line 1: 64 values, expected 65");
        assertFault(row(1, 3) + ",1\n", "line 1: more than 65 values");
        assertFault("17," + row(1, 3).substring(row(1, 3).indexOf(',') + 1) + "\n", "line 1, column 1: pixel value 17");
        assertFault(row(1, 10) + "\n", "line 1: label 10 is outside [0, 9]");
        assertFault("", "no examples");
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> Digits.load(dir.resolve("none.csv.gz")));
        assertTrue(e.getMessage().endsWith(": install the Debian package python3-sklearn"), e.getMessage());
    }

    private void assertFault(String content, String expected) throws IOException {
        Path f = Files.createTempFile(dir, "d", ".csv");
        Files.writeString(f, content);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Digits.load(f));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
