package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.io.DType;
import dev.nanoadam.models.io.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {



    @Test
    void printsOneLinePerTensor(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.safetensors");
        new SafetensorsWriter().addFloats("fc.weight", DType.F32, new float[6], 2, 3)
                .addFloats("fc.bias", DType.BF16, new float[2], 2).write(file);
        Cli.Result r = Cli.run("inspect", file.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("fc.weight F32 [2, 3] 24"), r.out());
        assertTrue(r.out().contains("fc.bias BF16 [2] 4"), r.out());
    }

    @Test
    void badFileGivesOneLineAndNonZeroStatus(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        Cli.Result r = Cli.run("inspect", file.toString());
        assertTrue(r.status() != 0);
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("at dev."), "no stack trace: " + r.err());
    }
}
