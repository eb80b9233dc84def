package dev.nanoadam.models.data;

import dev.nanoadam.models.Batch;
import java.util.Arrays;
import java.util.Objects;

/**
 * Images with 8-bit pixels held in memory, served as float32 batches of shape
 * {@code [N, channels, height, width]}.
 *
 * <p>A pixel value {@code p} becomes {@code (p * scale - mean) / std}, computed once per value
 * into a 256-entry table, so filling a batch is a table look-up per pixel. With the defaults
 * ({@code mean = 0}, {@code std = 1}) an 8-bit image maps to {@code [0, 1]} with
 * {@code scale = 1/255}; scikit-learn's digits (values 0..16) use {@code scale = 1/16}.
 */
public final class ImageDataset implements Dataset {
    private final String name;
    private final int numClasses;
    private final int channels;
    private final int height;
    private final int width;
    private final int exampleSize;     // channels * height * width
    private final byte[] pixels;       // [size, channels, height, width], unsigned
    private final int[] labels;        // [size]
    private final float scale;
    private final float mean;
    private final float std;
    private final float[] table;       // [256]: pixel value -> float

    /**
     * Wraps (without copying) {@code pixels}, {@code [labels.length, channels, height, width]}
     * unsigned bytes, and {@code labels}.
     *
     * @param scale multiplies a pixel value to bring it into {@code [0, 1]}, e.g. {@code 1/255f}
     * @throws IllegalArgumentException on inconsistent lengths, a label outside
     *     {@code [0, numClasses)} or a non-positive dimension
     */
    public ImageDataset(String name, int numClasses, int channels, int height, int width,
                        byte[] pixels, int[] labels, float scale) {
        this(name, numClasses, channels, height, width, pixels, labels, scale, 0f, 1f);
    }

    private ImageDataset(String name, int numClasses, int channels, int height, int width,
                         byte[] pixels, int[] labels, float scale, float mean, float std) {
        this.name = Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (numClasses < 1 || channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(name + ": numClasses, channels, height and width must be positive, got "
                    + numClasses + ", " + channels + ", " + height + ", " + width);
        }
        long example = (long) channels * height * width;
        if (example * labels.length != pixels.length) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels of " + channels + "x" + height
                    + "x" + width + " images need " + example * labels.length + " pixels, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of example " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
        if (!(std > 0f) || !Float.isFinite(std) || !Float.isFinite(mean) || !(scale > 0f) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException(name + ": scale and std must be finite and positive and mean finite, got scale="
                    + scale + ", mean=" + mean + ", std=" + std);
        }
        this.numClasses = numClasses;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.exampleSize = (int) example;
        this.pixels = pixels;
        this.labels = labels;
        this.scale = scale;
        this.mean = mean;
        this.std = std;
        this.table = new float[256];
        for (int p = 0; p < 256; p++) {
            table[p] = (p * scale - mean) / std;
        }
    }

    /**
     * The same images standardised: {@code (p * scale - mean) / std}, e.g. with the training set's
     * pixel mean and standard deviation. The pixel array is shared, not copied.
     */
    public ImageDataset standardized(float mean, float std) {
        return new ImageDataset(name, numClasses, channels, height, width, pixels, labels, scale, mean, std);
    }

    /** Mean of {@code p * scale} over every pixel, in double. */
    public double pixelMean() {
        long[] histogram = histogram();
        double sum = 0;
        for (int p = 0; p < 256; p++) {
            sum += histogram[p] * (double) (p * scale);
        }
        return pixels.length == 0 ? 0 : sum / pixels.length;
    }

    /** Population standard deviation of {@code p * scale} over every pixel, in double. */
    public double pixelStd() {
        long[] histogram = histogram();
        double mu = pixelMean();
        double sum = 0;
        for (int p = 0; p < 256; p++) {
            double d = p * scale - mu;
            sum += histogram[p] * d * d;
        }
        return pixels.length == 0 ? 0 : Math.sqrt(sum / pixels.length);
    }

    private long[] histogram() {
        long[] h = new long[256];
        for (byte b : pixels) {
            h[b & 0xFF]++;
        }
        return h;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The raw unsigned value of one pixel. */
    public int pixel(int index, int channel, int y, int x) {
        Objects.checkIndex(channel, channels);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return pixels[index * exampleSize + (channel * height + y) * width + x] & 0xFF;
    }

    /** The float a pixel value becomes in a batch. */
    public float value(int pixelValue) {
        return table[pixelValue];
    }

    @Override
    public Batch allocate(int size) {
        if (size < 1) {
            throw new IllegalArgumentException(name + ": batch size must be positive, got " + size);
        }
        return Batch.images(size, channels, height, width, new float[Math.multiplyExact(size, exampleSize)], new int[size]);
    }

    @Override
    public void copyInto(int index, Batch batch, int slot) {
        Objects.checkIndex(index, labels.length);
        if (batch.channels() != channels || batch.height() != height || batch.width() != width) {
            throw new IllegalArgumentException(name + ": batch holds " + batch.channels() + "x" + batch.height() + "x"
                    + batch.width() + " images, this data set has " + channels + "x" + height + "x" + width);
        }
        float[] out = batch.images();
        int src = index * exampleSize;
        int dst = slot * exampleSize;
        for (int j = 0; j < exampleSize; j++) {
            out[dst + j] = table[pixels[src + j] & 0xFF];
        }
        batch.labels()[slot] = labels[index];
    }

    @Override
    public String toString() {
        return name + " (" + labels.length + " images " + channels + "x" + height + "x" + width + ", "
                + numClasses + " classes, classes " + Arrays.toString(classCounts()) + ")";
    }

    /** Number of examples of each class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }
}
