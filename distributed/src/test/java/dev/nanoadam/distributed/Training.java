package dev.nanoadam.distributed;

import dev.nanoadam.AdamW;
import dev.nanoadam.Criterion;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.Optimizer;
import dev.nanoadam.Parameter;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.ResNet;
import dev.nanoadam.models.data.BatchLoader;
import dev.nanoadam.models.data.FashionMnist;
import dev.nanoadam.models.data.ImageDataset;
import dev.nanoadam.models.data.Split;
import dev.nanoadam.models.testing.Fixtures;
import dev.nanoadam.models.train.Trainer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The training run both sides of the two-rank tests make: a narrow ResNet (BatchNorm included) on
 * the Fashion-MNIST excerpt, batches of 32, 8 steps, with one of three optimizers. The same
 * code runs in each rank of an MPI job and in the test's own JVM.
 */
final class Training {
    static final List<String> OPTIMIZERS = List.of("nanoadam", "nanoadam-large-gradient", "adamw");
    static final int STEPS = 8;
    static final int BATCH = 32;

    private Training() {
    }

    /** What one run leaves: the final weights (every parameter, then every buffer: {@code state[parameters..]}) and the last step's traffic. */
    record Outcome(List<float[]> state, int parameters, long lastStepBytes, long wholeStepBytes, boolean masked) {
    }

    static Outcome run(String optimizer, BiFunction<Classifier, Optimizer, DataParallel> parallel) throws IOException {
        ImageDataset train = FashionMnist.load(Fixtures.fashionMnistDir(), Split.TRAIN);
        ResNet model = new ResNet(new ResNet.Config(1, 28, 28, List.of(1, 1, 1), 4, 10), 11);
        try (Optimizer opt = optimizer(optimizer, model)) {
            DataParallel dp = parallel.apply(model, opt);   // null: plain training
            Trainer.Builder tb = Trainer.builder(model, new BatchLoader(train, BATCH, true, 7, true)).optimizers(opt);
            if (dp != null) {
                dp.broadcastFromRoot();
                tb.gradients(dp);
            }
            tb.build().run(STEPS);
            List<float[]> state = new ArrayList<>();
            for (Parameter p : model.parameters()) {
                state.add(p.data().clone());
            }
            for (float[] b : model.buffers().values()) {
                state.add(b.clone());
            }
            return dp == null ? new Outcome(state, model.parameters().size(), 0, 0, false)
                    : new Outcome(state, model.parameters().size(), dp.lastStepBytes(), dp.wholeStepBytes(), dp.lastStepMasked());
        }
    }

    private static Optimizer optimizer(String name, ResNet model) {
        return switch (name) {
            case "nanoadam" -> NanoAdam.builder().lr(5e-3).density(0.1).maskInterval(5)
                    .build(model.sparseParameters(), model.denseParameters());
            case "nanoadam-large-gradient" -> NanoAdam.builder().lr(5e-3).density(0.1).maskInterval(5)
                    .criterion(Criterion.LARGEST_GRADIENT).build(model.sparseParameters(), model.denseParameters());
            case "adamw" -> AdamW.builder().lr(1e-3).build(model.parameters());
            default -> throw new IllegalArgumentException(name);
        };
    }

    static void write(Path file, Outcome o) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(o.parameters());
            out.writeLong(o.lastStepBytes());
            out.writeLong(o.wholeStepBytes());
            out.writeBoolean(o.masked());
            out.writeInt(o.state().size());
            for (float[] a : o.state()) {
                out.writeInt(a.length);
                for (float x : a) {
                    out.writeInt(Float.floatToRawIntBits(x));
                }
            }
        }
    }

    static Outcome read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            int parameters = in.readInt();
            long bytes = in.readLong();
            long whole = in.readLong();
            boolean masked = in.readBoolean();
            List<float[]> state = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                float[] a = new float[in.readInt()];
                for (int j = 0; j < a.length; j++) {
                    a[j] = Float.intBitsToFloat(in.readInt());
                }
                state.add(a);
            }
            return new Outcome(state, parameters, bytes, whole, masked);
        }
    }
}
