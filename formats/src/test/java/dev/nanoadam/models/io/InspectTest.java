package dev.nanoadam.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inspect command: one line per tensor, one line per error, exit statuses. */
class InspectTest {
    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Inspect.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listsEachTensorOnALine() throws IOException {
        Path f = dir.resolve("m.safetensors");
        new SafetensorsWriter()
                .metadata("format", "pt")
                .addFloat32("encoder.layer.0.weight", new float[12], 3, 4)
                .addFloats("norm", DType.BF16, new float[5], 5)
                .addLongs("step", DType.I64, new long[] {3})
                .write(f);
        Result r = run(f.toString());
        assertEquals(0, r.status);
        assertEquals("encoder.layer.0.weight F32 [3, 4] 48\nnorm BF16 [5] 10\nstep I64 [] 8\n", r.out.replace(System.lineSeparator(), "\n"));
        assertEquals("", r.err);
        Result m = run("--metadata", f.toString());
        assertTrue(m.out.contains("# format = pt"), m.out);
    }

    @Test
    void aBadFileGivesOneLineAndStatusOne() throws IOException {
        Path f = dir.resolve("m.safetensors");
        new SafetensorsWriter().addFloat32("w", new float[4], 4).write(f);
        byte[] bytes = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 3));
        Result r = run(cut.toString());
        assertEquals(Inspect.BAD_FILE, r.status);
        assertEquals("", r.out);
        String line = r.err.strip();
        assertFalse(line.contains("\n"), "one line: " + r.err);
        assertFalse(line.contains("Exception") || line.contains("\tat "), "no stack trace: " + r.err);
        assertTrue(line.startsWith("inspect: " + cut + ": tensor 'w': data_offsets [0, 16] run past the data area"), line);

        Result missing = run(dir.resolve("none.safetensors").toString());
        assertEquals(Inspect.BAD_FILE, missing.status);
        assertEquals("inspect: " + dir.resolve("none.safetensors") + ": no such file", missing.err.strip());

        Result directory = run(dir.toString());
        assertEquals(Inspect.BAD_FILE, directory.status);
        assertFalse(directory.err.strip().contains("\n"), directory.err);
    }

    @Test
    void wrongCommandLinesGiveUsageAndStatusTwo() {
        assertEquals(Inspect.USAGE, run().status);
        assertEquals(Inspect.USAGE, run("a", "b").status);
        Result r = run("--bogus", "x");
        assertEquals(Inspect.USAGE, r.status);
        assertTrue(r.err.startsWith("usage: inspect"), r.err);
    }
}
