package dev.nanoadam.models;

import static dev.nanoadam.models.check.Tolerance.MODEL_GRADIENT_ATOL;
import static dev.nanoadam.models.check.Tolerance.MODEL_GRADIENT_RTOL;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.check.FiniteDifference;
import dev.nanoadam.models.check.Tolerance;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Whole-model gradients on tiny configurations: every parameter element's analytic float32
 * gradient from {@code lossAndGradients} against float64 central differences of the float64 twin
 * ({@link ModelTwins}), and the loss against the twin's loss.
 */
class ModelGradientTest {
    static Transformer.Config tinyTransformer(boolean causal) {
        return new Transformer.Config(13, 8, 2, 2, 12, 7, 2, 1e-12f, 3, causal, 0.3f);
    }

    /** A token batch with right padding (and, for one example, none), labels random. */
    static Batch tokenBatch(Random rng, int size, int seq, int vocab, int classes) {
        int[] ids = new int[size * seq];
        int[] mask = new int[size * seq];
        int[] labels = new int[size];
        for (int b = 0; b < size; b++) {
            int real = b == 0 ? seq : 1 + rng.nextInt(seq);
            for (int s = 0; s < seq; s++) {
                ids[b * seq + s] = rng.nextInt(vocab);
                mask[b * seq + s] = s < real ? 1 : 0;
            }
            labels[b] = rng.nextInt(classes);
        }
        return Batch.tokens(size, seq, ids, mask, labels);
    }

    static Batch imageBatch(Random rng, int size, ResNet.Config c) {
        float[] images = new float[size * c.inChannels() * c.height() * c.width()];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) rng.nextGaussian();
        }
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            labels[i] = rng.nextInt(c.numClasses());
        }
        return Batch.images(size, c.inChannels(), c.height(), c.width(), images, labels);
    }

    private static void checkAll(String what, Map<String, Parameter> params, Map<String, double[]> twin,
                                 java.util.function.DoubleSupplier loss) {
        for (Parameter p : params.values()) {
            double[] fd = FiniteDifference.gradient(twin.get(p.name()), loss);
            Tolerance.assertGradient(what + " d/d " + p.name(), fd, null, p.grad(), MODEL_GRADIENT_ATOL,
                    MODEL_GRADIENT_RTOL);
        }
    }

    @Property(tries = 4, seed = "301")
    void transformer(@ForAll boolean causal, @ForAll long seed) {
        Transformer.Config c = tinyTransformer(causal);
        Transformer model = new Transformer(c, seed);
        Random rng = new Random(seed);
        Batch batch = tokenBatch(rng, 3, 5, c.vocabSize(), c.numClasses());
        float loss = model.lossAndGradients(batch);
        Map<String, double[]> twin = ModelTwins.widen(model.namedParameters());
        double expected = ModelTwins.transformerLoss(twin, c, batch);
        String what = "transformer causal=" + causal + " seed=" + seed;
        assertEquals(expected, loss, 1e-5 * Math.max(1, Math.abs(expected)), what + " loss");
        checkAll(what, model.namedParameters(), twin, () -> ModelTwins.transformerLoss(twin, c, batch));
    }

    @Property(tries = 3, seed = "302")
    void resnet(@ForAll boolean training, @ForAll long seed) {
        ResNet.Config c = new ResNet.Config(2, 6, 5, List.of(1, 1), 2, 3);
        ResNet model = new ResNet(c, seed);
        Random rng = new Random(seed);
        if (!training) {
            for (float[] buf : model.buffers().values()) {
                for (int i = 0; i < buf.length; i++) {
                    buf[i] = 0.3f + rng.nextFloat();
                }
            }
        }
        Map<String, double[]> running = ModelTwins.widen(bufferParameters(model));
        model.train(training);
        Batch batch = imageBatch(rng, 3, c);
        float loss = model.lossAndGradients(batch);
        Map<String, double[]> twin = ModelTwins.widen(model.namedParameters());
        double expected = ModelTwins.resnetLoss(twin, running, c, batch, training);
        String what = "resnet training=" + training + " seed=" + seed;
        assertEquals(expected, loss, 1e-5 * Math.max(1, Math.abs(expected)), what + " loss");
        checkAll(what, model.namedParameters(), twin, () -> ModelTwins.resnetLoss(twin, running, c, batch, training));
    }

    /** The buffers as parameters (a convenient name-to-array map), copied before any forward pass. */
    static Map<String, Parameter> bufferParameters(ResNet model) {
        Map<String, Parameter> m = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : model.buffers().entrySet()) {
            m.put(e.getKey(), Parameter.of(e.getKey(), e.getValue().clone(), e.getValue().length));
        }
        return m;
    }
}
