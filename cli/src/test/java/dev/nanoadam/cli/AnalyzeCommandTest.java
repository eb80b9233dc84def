package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nanoadam analyze} end to end on real Fashion-MNIST (the committed excerpt) with a tiny model. */
class AnalyzeCommandTest {
    @Test
    @SuppressWarnings("unchecked")
    void writesOneScatterPerSparseLayerAndTheRatioTable(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("analyze");
        Cli.Result r = Cli.run("analyze", "--model", "tiny-mlp:hidden=16", "--pretrained", "none", "--steps", "10",
                "--batches", "2", "--points", "3000", "--no-cache", "--data-dir", Fixtures.fashionMnistDir().toString(),
                "--out", out.toString());
        assertEquals(0, r.status(), r.toString());
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(out.resolve("analyze.json"), StandardCharsets.UTF_8));
        List<Map<String, Object>> layers = (List<Map<String, Object>>) root.get("layers");
        assertEquals(1, layers.size(), "tiny-mlp has one SPARSE tensor");
        Map<String, Object> layer = layers.get(0);
        assertEquals("layer1.weight", layer.get("layer"));
        assertEquals(16L * 784, layer.get("weights"));
        assertEquals(2L, layer.get("top_count"), "ceil(0.0001 * 12544)");
        assertEquals(10035L, layer.get("bottom_count"), "floor(0.8 * 12544)");
        double ratio = ((Number) layer.get("r")).doubleValue();
        assertEquals(((Number) layer.get("median_top_weight")).doubleValue() / ((Number) layer.get("max_bottom_weight")).doubleValue(),
                ratio, 0.0);
        DemoCommandTest.assertPng(out.resolve((String) layer.get("plot")));
        assertTrue(r.out().contains("layer1.weight") && r.out().contains(String.format(java.util.Locale.ROOT, "%.3f", ratio)), r.out());
    }
}
