package dev.nanoadam.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.Criterion;
import dev.nanoadam.Parameter;
import dev.nanoadam.models.testing.TinyMlp;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.data.Datasets;
import dev.nanoadam.models.data.ImageDataset;
import dev.nanoadam.models.io.ModelWeights;
import dev.nanoadam.spi.SpecMath;
import dev.nanoadam.testing.Compare;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fine-tuning runner on a small synthetic data set: what it starts from, what it measures. */
class FineTuningTest {
    private static final long SEED = 61L;
    private static Tasks tasks;
    private static ModelFactory factory;

    /** 6x6 images of 4 classes: class c lights a 2x2 block in corner c, over seeded noise. */
    private static ImageDataset images(String name, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] px = new byte[count * 36];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int c = r.nextInt(4);
            labels[i] = c;
            for (int j = 0; j < 36; j++) {
                px[i * 36 + j] = (byte) r.nextInt(90);
            }
            int y0 = c / 2 * 4;
            int x0 = c % 2 * 4;
            for (int dy = 0; dy < 2; dy++) {
                for (int dx = 0; dx < 2; dx++) {
                    px[i * 36 + (y0 + dy) * 6 + x0 + dx] = (byte) (160 + r.nextInt(90));
                }
            }
        }
        return new ImageDataset(name, 4, 1, 6, 6, px, labels, 1 / 255f);
    }

    @BeforeAll
    static void setUp() {
        ImageDataset train = images("synthetic train", 800, SEED);
        ImageDataset test = images("synthetic test", 200, SEED + 1);
        tasks = new Tasks(ImageData.FASHION_MNIST, new int[] {0, 1}, new int[] {2, 3},
                Datasets.classSubset(train, 0, 1), Datasets.classSubset(test, 0, 1),
                Datasets.classSubset(train, 2, 3), Datasets.classSubset(test, 2, 3), 1, 6, 6);
        factory = Models.open("tiny-mlp:hidden=32");
    }

    private static Console quiet() {
        return new Console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
    }

    private static FineTuning fineTuning(Classifier pretrained) {
        return new FineTuning(factory, tasks, pretrained, 0.9, new FineTuning.Settings(60, 16, SEED, SEED + 2, 20, 50, 32),
                quiet());
    }

    private static Classifier pretrained() {
        Classifier m = factory.create(1, 6, 6, 2, SEED);
        // Stand-in for pretraining: a recognisable buffer value.
        m.buffers().get("input.running_mean")[3] = 0.5f;
        return m;
    }

    @Test
    void startsFromThePretrainedBackboneWithANewHead() {
        Classifier pre = pretrained();
        Classifier start = fineTuning(pre).startingModel();
        Map<String, float[]> a = ModelWeights.state(pre);
        Map<String, float[]> b = ModelWeights.state(start);
        for (String name : a.keySet()) {
            if (!name.startsWith("fc.")) {
                Compare.exact(name, a.get(name), b.get(name));
            }
        }
        assertFalse(java.util.Arrays.equals(a.get("fc.weight"), b.get("fc.weight")), "a new head, drawn from the head seed");
        Compare.exact("head from the head seed", factory.create(1, 6, 6, 2, SEED + 2).denseParameters().get(1).data(),
                b.get("fc.weight"));
    }

    @Test
    void measuresWhatItReportsAndIsDeterministic() throws Exception {
        Classifier pre = pretrained();
        Map<String, float[]> before = ModelState.snapshot(pre);
        FineTuning ft = fineTuning(pre);
        double density = 0.1;
        OptimizerSpec nano = OptimizerSpec.nanoadam(1e-2, density, 1000, Criterion.SMALLEST_MAGNITUDE, "cpu", 0);
        FineTuning.Result r = ft.run(nano);
        FineTuning.Result again = ft.run(nano);
        FineTuning.Result adamw = ft.run(OptimizerSpec.adamw(1e-3, "cpu"));

        // The pretrained model is only read.
        for (Map.Entry<String, float[]> e : ModelWeights.state(pre).entrySet()) {
            Compare.exact("pretrained " + e.getKey(), before.get(e.getKey()), e.getValue());
        }
        // Same start, same batches: the same bits twice.
        for (Map.Entry<String, float[]> e : ModelWeights.state(r.model()).entrySet()) {
            Compare.exact("rerun " + e.getKey(), e.getValue(), ModelWeights.state(again.model()).get(e.getKey()));
        }
        assertEquals(r.curve(), again.curve());

        assertEquals(0.9, r.task1Acc());
        assertEquals(r.task1Acc() - r.task1AccAfter(), r.forgetting());
        assertTrue(r.task2Acc() > 0.9, "task 2 is learnt: " + r.task2Acc());
        assertTrue(adamw.task2Acc() > 0.9, "task 2 is learnt: " + adamw.task2Acc());
        assertEquals(4, r.curve().size(), "steps 0, 20, 40, 60");
        assertEquals(60, r.curve().get(3).step());
        assertEquals(60, r.stepsRun());

        // One mask over 60 steps (interval 1000): only K entries of layer1.weight and the
        // dense layer1.bias may move, so at least the rest of the backbone is untouched.
        Parameter w1 = r.model().sparseParameters().get(0);
        int k = SpecMath.chunkK(density, w1.size());   // one chunk: 32*36 < 4096
        int backbone = w1.size() + 32;
        assertTrue(r.untouchedFraction() >= (double) (w1.size() - k) / backbone,
                "untouched " + r.untouchedFraction() + " < " + (w1.size() - k) + "/" + backbone);
        assertTrue(adamw.untouchedFraction() < 0.05, "AdamW moves nearly everything: " + adamw.untouchedFraction());
        assertEquals((long) k * (2 * 4 + 2) + 2L * 4 * (32 + 2 * 32 + 2), r.stateBytes(), "SPEC.md §9 count");
        assertEquals(2L * 4 * (32 * 36 + 32 + 2 * 32 + 2), adamw.stateBytes());

        ModelState.Shift shift = ModelState.backboneShift(before, r.model(), name -> name.startsWith("fc."));
        assertEquals(shift.l2(), r.l2Shift());
        assertTrue(r.l2Shift() > 0);
    }

    @Test
    void resNetRunsDoNotDependOnWhenTheCurveIsMeasured() throws Exception {
        ModelFactory resnet = Models.open("resnet:width=4");
        Classifier pre = resnet.create(1, 6, 6, 2, SEED);
        Map<String, float[]> first = null;
        for (int every : new int[] {1000, 3, 7}) {
            FineTuning ft = new FineTuning(resnet, tasks, pre, 0.5, new FineTuning.Settings(12, 16, SEED, SEED + 2, every, 50, 32),
                    quiet());
            Map<String, float[]> state = ModelState.snapshot(ft.run(OptimizerSpec.adamw(1e-3, "cpu")).model());
            if (first == null) {
                first = state;
                continue;
            }
            for (Map.Entry<String, float[]> e : first.entrySet()) {
                Compare.exact("ResNet " + e.getKey() + ", curve every " + every + " steps vs none", e.getValue(),
                        state.get(e.getKey()));
            }
        }
    }

    @Test
    void warmUpLeavesTheRunsUnchanged() throws Exception {
        Classifier pre = pretrained();
        FineTuning ft = fineTuning(pre);
        OptimizerSpec adamw = OptimizerSpec.adamw(1e-3, "cpu");
        FineTuning.Result cold = ft.run(adamw);
        ft.warmUp(java.util.List.of(adamw), 5);
        FineTuning.Result warm = ft.run(adamw);
        for (Map.Entry<String, float[]> e : ModelWeights.state(cold.model()).entrySet()) {
            Compare.exact("after warm-up " + e.getKey(), e.getValue(), ModelWeights.state(warm.model()).get(e.getKey()));
        }
        TinyMlp check = TinyMlp.images(36, 32, 2, SEED);
        assertEquals(check.sparseParameters().get(0).data()[0], pre.sparseParameters().get(0).data()[0]);
    }
}
