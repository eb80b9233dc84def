package dev.nanoadam.models.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Loads an MNIST-layout pair of IDX files (images {@code [n, h, w]}, labels {@code [n]}) as one data set. */
final class IdxImages {
    private IdxImages() {
    }

    /** {@code base}, or {@code base.gz} when only that exists; null when neither does. */
    static Path find(Path dir, String base) {
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(base + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    static ImageDataset load(String name, Path dir, Split split, int numClasses, String remedy) throws IOException {
        String imagesBase = split.filePrefix() + "-images-idx3-ubyte";
        String labelsBase = split.filePrefix() + "-labels-idx1-ubyte";
        Path imagesFile = find(dir, imagesBase);
        Path labelsFile = find(dir, labelsBase);
        if (imagesFile == null || labelsFile == null) {
            throw new DatasetNotFoundException(name, dir, remedy);
        }
        Idx.Array images = Idx.read(imagesFile);
        Idx.Array labels = Idx.read(labelsFile);
        if (images.dims().length != 3) {
            throw new DatasetFormatException(imagesFile, "expected 3 dimensions [count, height, width], got "
                    + Arrays.toString(images.dims()));
        }
        if (labels.dims().length != 1) {
            throw new DatasetFormatException(labelsFile, "expected 1 dimension [count], got " + Arrays.toString(labels.dims()));
        }
        if (images.dim(0) != labels.dim(0)) {
            throw new DatasetFormatException(labelsFile, "holds " + labels.dim(0) + " labels but " + imagesFile
                    + " holds " + images.dim(0) + " images");
        }
        if (images.dim(1) < 1 || images.dim(2) < 1) {
            throw new DatasetFormatException(imagesFile, "images of size " + images.dim(1) + "x" + images.dim(2));
        }
        byte[] raw = labels.data();
        int[] labelInts = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            int label = raw[i] & 0xFF;
            if (label >= numClasses) {
                throw new DatasetFormatException(labelsFile, "label " + label + " of example " + i + " is outside [0, " + numClasses + ")");
            }
            labelInts[i] = label;
        }
        return new ImageDataset(name + " " + split.name().toLowerCase(java.util.Locale.ROOT), numClasses, 1,
                images.dim(1), images.dim(2), images.data(), labelInts, 1f / 255f);
    }
}
