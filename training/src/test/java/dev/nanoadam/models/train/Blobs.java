package dev.nanoadam.models.train;

import dev.nanoadam.models.data.ImageDataset;
import java.util.SplittableRandom;

/** Small synthetic image data sets for tests that must run without the system's data packages. */
public final class Blobs {
    private Blobs() {
    }

    /**
     * {@code n} images of 1x{@code side}x{@code side} pixels in {@code classes} classes: class {@code c}
     * brightens its own band of pixels, with seeded noise everywhere. Learnable but not trivially.
     */
    public static ImageDataset noisy(int n, int classes, int side, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int px = side * side;
        byte[] pixels = new byte[n * px];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(classes);
            labels[i] = c;
            for (int j = 0; j < px; j++) {
                int v = r.nextInt(160) + (j * classes / px == c ? 90 : 0);
                pixels[i * px + j] = (byte) Math.min(255, v);
            }
        }
        return new ImageDataset("blobs", classes, 1, side, side, pixels, labels, 1f / 255f);
    }

    /**
     * Perfectly separable images: example {@code i} has class {@code i % classes}, and its pixel
     * {@code c} (of {@code classes} pixels) is 255 exactly when {@code c} is its class, else 0.
     */
    public static ImageDataset oneHot(int n, int classes) {
        byte[] pixels = new byte[n * classes];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            pixels[i * classes + labels[i]] = (byte) 255;
        }
        return new ImageDataset("one-hot", classes, 1, 1, classes, pixels, labels, 1f / 255f);
    }
}
