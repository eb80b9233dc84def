package dev.nanoadam.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.Parameter;
import dev.nanoadam.testing.Compare;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResNetTest {
    @Test
    void resnet18ShapesHaveTorchvisionNames() {
        ResNet r = SharedModels.resnet18();
        Map<String, Parameter> p = r.namedParameters();
        List<String> names = List.copyOf(p.keySet());
        assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv1.weight", "layer1.0.bn1.weight",
                "layer1.0.bn1.bias", "layer1.0.conv2.weight", "layer1.0.bn2.weight", "layer1.0.bn2.bias"),
                names.subList(0, 9));
        assertEquals(List.of("fc.weight", "fc.bias"), names.subList(names.size() - 2, names.size()));
        assertFalse(p.containsKey("layer1.0.downsample.0.weight"), "stage 1 keeps width and stride");
        for (int s = 2; s <= 4; s++) {
            assertArrayEquals(new int[] {32 << s, 16 << s, 1, 1}, p.get("layer" + s + ".0.downsample.0.weight").shape());
            assertTrue(p.containsKey("layer" + s + ".0.downsample.1.weight"));
            assertFalse(p.containsKey("layer" + s + ".1.downsample.0.weight"));
        }
        assertArrayEquals(new int[] {64, 1, 3, 3}, p.get("conv1.weight").shape());
        assertArrayEquals(new int[] {512, 512, 3, 3}, p.get("layer4.1.conv2.weight").shape());
        assertArrayEquals(new int[] {10, 512}, p.get("fc.weight").shape());
        long count = 0;
        for (Parameter x : p.values()) {
            count += x.size();
        }
        // torchvision's resnet18 (11,689,512) without its 7x7 RGB stem (9,408) and 1000-class fc
        // (513,000), with a 3x3 grey stem (576) and a 10-class fc (5,130).
        assertEquals(11_689_512L - 9_408 - 513_000 + 576 + 5_130, count);
        Map<String, float[]> buffers = r.buffers();
        assertEquals(List.of("bn1.running_mean", "bn1.running_var", "layer1.0.bn1.running_mean",
                "layer1.0.bn1.running_var"), List.copyOf(buffers.keySet()).subList(0, 4));
        assertTrue(buffers.containsKey("layer3.0.downsample.1.running_var"));
        assertEquals(2 * 20, buffers.size(), "20 BatchNorms (1 stem + 16 in blocks + 3 downsample)");
        for (float v : buffers.get("layer2.1.bn2.running_var")) {
            assertEquals(1f, v);
        }
    }

    @Test
    void tinyConfigIsResNet8() {
        ResNet r = new ResNet(ResNet.Config.tiny(10), 0);
        long threeByThree = r.namedParameters().values().stream()
                .filter(p -> p.shape().length == 4 && p.shape()[2] == 3).count();
        long oneByOne = r.namedParameters().values().stream()
                .filter(p -> p.shape().length == 4 && p.shape()[2] == 1).count();
        assertEquals(1 + 2 * 3, threeByThree, "ResNet-8: the stem and two per block, plus the fc layer");
        assertEquals(2, oneByOne, "1x1 downsamples entering stages 2 and 3");
    }

    @Test
    void initialisationFollowsTorchvision() {
        ResNet a = new ResNet(ResNet.Config.tiny(10), 9);
        ResNet b = new ResNet(ResNet.Config.tiny(10), 9);
        for (String name : a.namedParameters().keySet()) {
            float[] x = a.namedParameters().get(name).data();
            Compare.exact(name + " with equal seeds", x, b.namedParameters().get(name).data());
        }
        float[] w = SharedModels.resnet18().namedParameters().get("layer3.1.conv1.weight").data();
        double sq = 0;
        for (float v : w) {
            sq += v * v;
        }
        // Kaiming normal, fan-out mode, ReLU gain: std = sqrt(2 / (256 * 3 * 3)).
        assertEquals(Math.sqrt(2.0 / (256 * 9)), Math.sqrt(sq / w.length), 0.0005);
        float bound = (float) (1 / Math.sqrt(512));
        for (float v : SharedModels.resnet18().namedParameters().get("fc.weight").data()) {
            assertTrue(v >= -bound && v <= bound, "fc weight " + v + " outside +-1/sqrt(512)");
        }
    }

    /**
     * Evaluation mode normalises with the running statistics: an example's logits do not depend on
     * the rest of the batch, and nothing updates the statistics. Training mode updates them.
     */
    @Test
    void evaluationModeUsesAndKeepsRunningStatistics() {
        long seed = 31;
        ResNet.Config c = ResNet.Config.tiny(10);
        ResNet model = new ResNet(c, seed);
        Random rng = new Random(seed);
        Batch first = ModelGradientTest.imageBatch(rng, 6, c);
        model.lossAndGradients(first);
        float[] mean = model.buffers().get("layer2.0.bn1.running_mean");
        assertTrue(mean[0] != 0f, "training must update the running mean");
        model.train(false);
        Map<String, float[]> before = new java.util.HashMap<>();
        model.buffers().forEach((k, v) -> before.put(k, v.clone()));
        Batch batch = ModelGradientTest.imageBatch(rng, 5, c);
        float[] logits = new float[50];
        model.logits(batch, logits);
        model.lossAndGradients(batch);
        model.buffers().forEach((k, v) -> Compare.exact(k + " in evaluation mode", before.get(k), v));
        int pixels = 28 * 28;
        float[] one = java.util.Arrays.copyOfRange(batch.images(), 3 * pixels, 4 * pixels);
        float[] alone = new float[10];
        model.logits(Batch.images(1, 1, 28, 28, one, new int[] {0}), alone);
        Compare.close("example 3 alone vs in its batch (seed " + seed + ")",
                dev.nanoadam.models.check.Data.widen(java.util.Arrays.copyOfRange(logits, 30, 40)), alone, 1e-5, 1e-5);
        model.train(true);
        float[] trainLogits = new float[50];
        model.logits(batch, trainLogits);
        assertFalse(java.util.Arrays.equals(logits, trainLogits), "training mode normalises with batch statistics");
    }

    @Test
    void workspacesAreReusedAcrossBatchSizes() {
        ResNet.Config c = new ResNet.Config(1, 12, 12, List.of(1, 1), 4, 3);
        ResNet used = new ResNet(c, 4);
        ResNet fresh = new ResNet(c, 4);
        used.train(false);
        fresh.train(false);
        used.lossAndGradients(ModelGradientTest.imageBatch(new Random(1), 9, c));
        Batch small = ModelGradientTest.imageBatch(new Random(2), 2, c);
        assertEquals(fresh.lossAndGradients(small), used.lossAndGradients(small));
        for (String name : used.namedParameters().keySet()) {
            float[] a = fresh.namedParameters().get(name).grad();
            Compare.exact(name + " gradient", a, used.namedParameters().get(name).grad());
        }
    }

    @Test
    void rejectsBadBatches() {
        ResNet model = new ResNet(ResNet.Config.tiny(10), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.predict(Batch.images(1, 1, 32, 32, new float[1024], new int[1]), new int[1]));
        assertTrue(e.getMessage().contains("1x32x32, the model expects 1x28x28"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> model.predict(Batch.images(2, 1, 28, 28, new float[784], new int[2]), new int[2]));
        assertTrue(e.getMessage().contains("needs 1568"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradients(Batch.images(1, 1, 28, 28, new float[784], new int[] {10})));
        assertTrue(e.getMessage().contains("label 10 of row 0"), e.getMessage());
        ResNet onePixel = new ResNet(new ResNet.Config(1, 1, 1, List.of(1), 2, 3), 1);
        e = assertThrows(IllegalArgumentException.class,
                () -> onePixel.lossAndGradients(Batch.images(1, 1, 1, 1, new float[1], new int[] {1})));
        assertTrue(e.getMessage().contains("bn1: training needs more than one value per channel, got 1"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ResNet.Config(1, 28, 28, List.of(2, 0), 8, 10));
        assertTrue(e.getMessage().contains("blocksPerStage"), e.getMessage());
    }
}
