package dev.nanoadam.bench;

import dev.nanoadam.NanoAdam;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.ResNet;
import dev.nanoadam.models.Transformer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One forward and backward pass (the optimizer excluded) of the two models at the sizes the
 * experiments use: training throughput is {@code batch / time} images or {@code batch * seq / time}
 * tokens per second.
 *
 * <ul>
 *   <li>{@code resnet}: ResNet with stages [1, 1, 1] and base width 16 on 28x28x1 images, batch 64;</li>
 *   <li>{@code transformer}: 2 layers, hidden 128, 4 heads, FFN 512, vocabulary 8000, sequences of 64
 *       tokens, batch 16;</li>
 *   <li>{@code minilm}: the all-MiniLM-L6-v2 architecture (random weights), sequences of 64, batch 16.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainingBench {
    @Param({"resnet", "transformer", "minilm"})
    public String model;

    /**
     * {@code none}: forward, loss and backward only; {@code nanoadam}: followed by a NanoAdam step
     * (density 0.1, backend {@code cpu}, no refresh inside the run), so that the model's loops and
     * the optimizer's kernels share the worker pool as in training.
     */
    @Param({"none", "nanoadam"})
    public String optimizer = "none";

    private NanoAdam opt;

    private Classifier classifier;
    private Batch batch;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(5);
        switch (model) {
            case "resnet" -> {
                classifier = new ResNet(new ResNet.Config(1, 28, 28, List.of(1, 1, 1), 16, 10), 1);
                int n = 64;
                float[] images = new float[n * 28 * 28];
                int[] labels = new int[n];
                for (int i = 0; i < images.length; i++) {
                    images[i] = (float) r.nextGaussian();
                }
                for (int i = 0; i < n; i++) {
                    labels[i] = r.nextInt(10);
                }
                batch = Batch.images(n, 1, 28, 28, images, labels);
            }
            case "transformer", "minilm" -> {
                Transformer.Config c = model.equals("minilm") ? Transformer.Config.miniLmL6(5)
                        : new Transformer.Config(8000, 128, 2, 4, 512, 128, 2, 1e-12f, 5, false, 0.02f);
                classifier = new Transformer(c, 1);
                int n = 16;
                int seq = 64;
                int[] ids = new int[n * seq];
                int[] mask = new int[n * seq];
                int[] labels = new int[n];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = r.nextInt(c.vocabSize());
                    mask[i] = 1;
                }
                for (int i = 0; i < n; i++) {
                    labels[i] = r.nextInt(5);
                }
                batch = Batch.tokens(n, seq, ids, mask, labels);
            }
            default -> throw new IllegalArgumentException("model: " + model);
        }
        classifier.train(true);
        float loss = classifier.lossAndGradients(batch);
        if (!Float.isFinite(loss) || loss <= 0) {
            throw new IllegalStateException(model + ": loss " + loss + " on random data");
        }
        if (optimizer.equals("nanoadam")) {
            opt = NanoAdam.builder().backend("cpu").density(0.1).lr(1e-4).maskInterval(Integer.MAX_VALUE)
                    .build(classifier.sparseParameters(), classifier.denseParameters());
            opt.step();   // step 0 refreshes the mask; later steps do not
        } else if (!optimizer.equals("none")) {
            throw new IllegalArgumentException("optimizer: " + optimizer);
        }
    }

    @TearDown
    public void tearDown() {
        if (opt != null) {
            opt.close();
        }
    }

    /** Forward, loss and backward of one batch, and the optimizer's step if there is one. */
    @Benchmark
    public float trainStep() {
        float loss = classifier.lossAndGradients(batch);
        if (opt != null) {
            opt.step();
        }
        return loss;
    }
}
