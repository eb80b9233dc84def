package dev.nanoadam.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.testing.TinyMlp;
import dev.nanoadam.testing.Compare;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving and loading a model's parameters and buffers by name. */
class ModelWeightsTest {
    @TempDir
    Path dir;

    private static TinyMlp model(long seed) {
        TinyMlp m = TinyMlp.images(6, 0, 3, seed);
        for (int i = 0; i < 6; i++) {
            m.runningMean()[i] = 0.1f * i + seed;
        }
        m.parameter("fc.bias").data()[1] = seed;
        return m;
    }

    @Test
    void savedWeightsAndBuffersLoadBitForBit() throws IOException {
        TinyMlp a = model(1);
        Path f = dir.resolve("m.safetensors");
        ModelWeights.save(a, f, Map.of("step", "7"));
        TinyMlp b = model(2);
        ModelWeights.load(b, f);
        Compare.exact("weight", a.parameter("fc.weight").data(), b.parameter("fc.weight").data());
        Compare.exact("bias", a.parameter("fc.bias").data(), b.parameter("fc.bias").data());
        Compare.exact("running mean", a.runningMean(), b.runningMean());
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals("7", s.metadata().get("step"));
            assertEquals(List.of("fc.weight", "fc.bias", "input.running_mean"), s.names());
        }
        assertEquals(List.of("fc.weight", "fc.bias", "input.running_mean"), List.copyOf(ModelWeights.state(a).keySet()));
    }

    @Test
    void aMismatchedFileIsRefusedAndTheModelLeftUnchanged() throws IOException {
        TinyMlp other = TinyMlp.images(6, 0, 4, 3); // a head of 4 classes
        Path f = dir.resolve("other.safetensors");
        ModelWeights.save(other, f, Map.of());
        TinyMlp m = model(5);
        float[] before = m.parameter("fc.weight").data().clone();
        float[] meanBefore = m.runningMean().clone();
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ModelWeights.load(m, f));
        assertEquals(f + ": tensor 'fc.weight' has shape [4, 6] but shape [3, 6] was expected", e.getMessage());
        Compare.exact("weights untouched", before, m.parameter("fc.weight").data());
        Compare.exact("buffer untouched", meanBefore, m.runningMean());

        Path partial = dir.resolve("partial.safetensors");
        new SafetensorsWriter().addFloat32("fc.weight", new float[18], 3, 6).addFloat32("extra", new float[1], 1).write(partial);
        e = assertThrows(SafetensorsException.class, () -> ModelWeights.load(m, partial));
        assertTrue(e.getMessage().contains("missing 2 tensor(s) [fc.bias, input.running_mean]; unexpected 1 tensor(s) [extra]"),
                e.getMessage());
        Compare.exact("weights untouched after a refused strict load", before, m.parameter("fc.weight").data());

        ModelWeights.LoadReport r = ModelWeights.loadMatching(m, partial);
        assertEquals(List.of("fc.weight"), r.loaded());
        assertEquals(List.of("fc.bias", "input.running_mean"), r.missing());
        assertEquals(List.of("extra"), r.unexpected());
        Compare.exact("loaded by name", new float[18], m.parameter("fc.weight").data());
    }

    @Test
    void halfPrecisionFilesLoadConvertedAndBuffersMatchByCount() throws IOException {
        TinyMlp m = model(1);
        float[] w = new float[18];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.5f * i - 3f; // exact in bf16
        }
        Path f = dir.resolve("bf16.safetensors");
        new SafetensorsWriter()
                .addFloats("fc.weight", DType.BF16, w, 3, 6)
                .addFloats("fc.bias", DType.F16, new float[] {1f, 2f, 3f}, 3)
                .addFloats("input.running_mean", DType.F32, new float[6], 2, 3)
                .write(f);
        ModelWeights.load(m, f);
        Compare.exact("bf16 weights", w, m.parameter("fc.weight").data());
        Compare.exact("f16 bias", new float[] {1f, 2f, 3f}, m.parameter("fc.bias").data());
        Path wrongCount = dir.resolve("count.safetensors");
        new SafetensorsWriter()
                .addFloat32("fc.weight", w, 3, 6)
                .addFloat32("fc.bias", new float[3], 3)
                .addFloat32("input.running_mean", new float[5], 5)
                .write(wrongCount);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ModelWeights.load(m, wrongCount));
        assertTrue(e.getMessage().contains("buffer 'input.running_mean' has shape [5] (5 elements) but the model's buffer has 6"),
                e.getMessage());
    }
}
