package dev.nanoadam.experiments;

import dev.nanoadam.models.Classifier;
import java.util.Map;

/**
 * Makes fresh, seeded instances of one model configuration for images of a given shape. The
 * experiments build every model through a factory, so a run is reproducible from the factory's
 * {@link #spec()} and a seed, and cached pretrained weights can be keyed by {@link #config()}.
 */
public interface ModelFactory {
    /** The settings string that {@link Models#open} turns back into this factory, e.g. {@code "resnet:width=16"}. */
    String spec();

    /** One line for people, e.g. {@code "ResNet, 3 stages of 16-32-64 channels, 1 BasicBlock each"}. */
    String description();

    /** Every setting that changes the weights a seed gives; part of the pretraining cache key. */
    Map<String, Object> config();

    /**
     * A new model for {@code channels x height x width} images and {@code numClasses} classes,
     * its weights drawn from {@code seed}.
     *
     * @throws IllegalArgumentException if the model cannot take images of that shape
     */
    Classifier create(int channels, int height, int width, int numClasses, long seed);

    /**
     * Whether a parameter or buffer belongs to the classification head: heads are swapped between
     * tasks and left out of the backbone metrics. The default is torchvision's {@code fc.} prefix.
     */
    default boolean isHead(String name) {
        return name.startsWith("fc.");
    }
}
