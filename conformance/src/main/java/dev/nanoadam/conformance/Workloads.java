package dev.nanoadam.conformance;

import dev.nanoadam.models.ResNet;
import dev.nanoadam.models.Transformer;
import dev.nanoadam.models.data.Dataset;
import dev.nanoadam.models.data.TokenDataset;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The models the conformance checks train, kept tiny so that a step takes milliseconds and a
 * failure is small enough to read, but built from the library's real layers: a BERT-style
 * transformer encoder with a classification head on fortune cookies, and a ResNet on
 * Fashion-MNIST.
 */
public final class Workloads {
    private Workloads() {
    }

    /** Names of the standard workloads, in the order checks run them. */
    public static final List<String> NAMES = List.of("transformer", "resnet");
    /** Examples per training batch of both workloads. */
    public static final int BATCH = 8;

    /**
     * A 2-layer transformer encoder (hidden 16, 2 heads, feed-forward 32) classifying fortune
     * cookies by file, {@value Corpora#SEQUENCE_LENGTH} word tokens each.
     *
     * @throws dev.nanoadam.models.data.DatasetNotFoundException if the fortunes package is absent
     */
    public static Workload transformer() throws IOException {
        TokenDataset text = Corpora.fortunes();
        Transformer.Config config = new Transformer.Config(text.vocabularySize(), 16, 2, 2, 32, text.seqLen(), 2, 1e-12f,
                text.numClasses(), false, 0.02f);
        return Workload.of("transformer", seed -> new Transformer(config, seed), text, BATCH);
    }

    /**
     * A ResNet with a 3x3 stem and two stages of one BasicBlock each (widths 4 and 8), with
     * BatchNorm, on 28x28 Fashion-MNIST images.
     *
     * @throws dev.nanoadam.models.data.DatasetNotFoundException if the Fashion-MNIST package is absent
     */
    public static Workload resnet() throws IOException {
        Dataset images = Corpora.fashionMnist();
        ResNet.Config config = new ResNet.Config(1, 28, 28, List.of(1, 1), 4, images.numClasses());
        return Workload.of("resnet", seed -> new ResNet(config, seed), images, BATCH);
    }

    /** The standard workload called {@code name}. */
    public static Workload named(String name) throws IOException {
        return switch (name) {
            case "transformer" -> transformer();
            case "resnet" -> resnet();
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; known: " + NAMES);
        };
    }

    /** The standard workloads called {@code names}, in that order. */
    public static List<Workload> named(List<String> names) throws IOException {
        List<Workload> out = new ArrayList<>();
        for (String n : names) {
            out.add(named(n));
        }
        return out;
    }

    /** Every standard workload. */
    public static List<Workload> standard() throws IOException {
        return named(NAMES);
    }
}
