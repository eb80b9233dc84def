package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.io.DType;
import dev.nanoadam.models.io.SafetensorsWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void printsOneLinePerTensor(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.safetensors");
        new SafetensorsWriter().addFloats("fc.weight", DType.F32, new float[6], 2, 3)
                .addFloats("fc.bias", DType.BF16, new float[2], 2).write(file);
        Result r = run("inspect", file.toString());
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.contains("fc.weight F32 [2, 3] 24"), r.out);
        assertTrue(r.out.contains("fc.bias BF16 [2] 4"), r.out);
    }

    @Test
    void badFileGivesOneLineAndNonZeroStatus(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        Result r = run("inspect", file.toString());
        assertTrue(r.status != 0);
        assertEquals(1, r.err.strip().lines().count(), r.err);
        assertFalse(r.err.contains("at dev."), "no stack trace: " + r.err);
    }
}
