package dev.nanoadam.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nanoadam.testing.Compare;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Damaged safetensors files are refused with a {@link SafetensorsException} and nothing else (no
 * out-of-memory error, no index or number-format exception), or, when only tensor bytes were
 * changed, read normally with exactly that byte different.
 */
class SafetensorsCorruptionProperties {
    private static Path dir;
    private static byte[] valid;
    private static long dataStart;
    private static long[][] ranges;      // [tensor][begin, end) in the file, in data order

    @BeforeContainer
    static void writeValidFile() throws IOException {
        dir = Files.createTempDirectory("safetensors-props");
        Path f = dir.resolve("valid.safetensors");
        new SafetensorsWriter()
                .metadata("format", "pt")
                .addFloat32("encoder.weight", new float[] {1f, -2f, 0.5f, 3e-3f, -0f, 7f}, 2, 3)
                .addFloats("encoder.norm", DType.BF16, new float[] {1f, 0.25f, -1.5f}, 3)
                .addLongs("steps", DType.I64, new long[] {12345}, 1)
                .addFloats("head", DType.F16, new float[] {0.1f, -0.2f}, 2)
                .addFloat32("scalar", new float[] {9f})
                .write(f);
        valid = Files.readAllBytes(f);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            dataStart = s.dataStart();
            ranges = new long[s.tensors().size()][];
            for (int i = 0; i < ranges.length; i++) {
                TensorInfo t = s.tensors().get(i);
                ranges[i] = new long[] {dataStart + t.begin(), dataStart + t.end()};
            }
        }
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private static Path write(byte[] content, String name) {
        try {
            Path f = dir.resolve(name);
            Files.write(f, content);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens and reads every tensor; returns the float view of each (integers widened). */
    private static float[][] readAll(Path f) throws IOException {
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            float[][] out = new float[s.tensors().size()][];
            int i = 0;
            for (TensorInfo t : s.tensors()) {
                if (t.dtype().isFloatingPoint()) {
                    out[i++] = s.readFloats(t.name());
                } else {
                    long[] l = s.readLongs(t.name());
                    out[i] = new float[l.length];
                    for (int j = 0; j < l.length; j++) {
                        out[i][j] = l[j];
                    }
                    i++;
                }
                s.readBytes(t.name());
            }
            return out;
        }
    }

    @Property(tries = 1)
    void everyTruncationIsRefused() throws IOException {
        for (int len = 0; len < valid.length; len++) {
            Path f = write(Arrays.copyOf(valid, len), "cut");
            try {
                readAll(f);
                fail("a file truncated to " + len + " of " + valid.length + " bytes was accepted");
            } catch (SafetensorsException expected) {
                assertTrue(expected.getMessage().startsWith(f + ": "), expected.getMessage());
            } catch (Throwable t) {
                fail("truncation to " + len + " bytes gave " + t, t);
            }
        }
    }

    @Property(tries = 3000)
    void aSingleCorruptedByteIsRefusedCleanlyOrOnlyChangesTensorData(
            @ForAll @IntRange(min = 0, max = 4095) int position, @ForAll @IntRange(min = 1, max = 255) int xor) throws IOException {
        int pos = position % valid.length;
        byte[] bad = valid.clone();
        bad[pos] ^= (byte) xor;
        Path f = write(bad, "corrupt");
        float[][] expected = readAll(write(valid, "good"));
        float[][] got;
        try {
            got = readAll(f);
        } catch (SafetensorsException e) {
            assertTrue(pos < dataStart, "byte " + pos + " lies in the tensor data (from " + dataStart
                    + ") yet the file was refused: " + e.getMessage());
            return;
        } catch (Throwable t) {
            fail("byte " + pos + " xor " + xor + " gave " + t, t);
            return;
        }
        if (pos >= dataStart) {
            for (int i = 0; i < expected.length; i++) {
                if (pos < ranges[i][0] || pos >= ranges[i][1]) {
                    Compare.exact("tensor " + i + " after corrupting byte " + pos + " of another", expected[i], got[i]);
                }
            }
        } else {
            // A header edit that still passes every check (a letter of a name, F16 to I16) keeps the tensor count.
            assertEquals(expected.length, got.length, "byte " + pos + " xor " + xor);
        }
    }
}
