package dev.nanoadam.models.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Zalando's Fashion-MNIST: 28x28 grey images of 10 kinds of clothing, 60000 for training and
 * 10000 for testing, as installed by the Debian package {@code dataset-fashion-mnist} under
 * {@value #DEFAULT_DIR} (gzipped IDX files {@code train-images-idx3-ubyte.gz} and so on; plain
 * files of the same names are read too).
 */
public final class FashionMnist {
    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    /** The Debian package that provides the files. */
    public static final String PACKAGE = "dataset-fashion-mnist";
    /** Class names by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /** One part from {@value #DEFAULT_DIR}, pixels scaled to [0, 1]. */
    public static ImageDataset load(Split split) throws IOException {
        return load(Path.of(DEFAULT_DIR), split);
    }

    /**
     * One part from {@code dir}, pixels scaled to [0, 1].
     *
     * @throws DatasetNotFoundException if the directory lacks the part's images or labels file
     * @throws DatasetFormatException if a file is corrupt
     */
    public static ImageDataset load(Path dir, Split split) throws IOException {
        return IdxImages.load("Fashion-MNIST", dir, split, CLASS_NAMES.size(), "install the Debian package " + PACKAGE);
    }
}
