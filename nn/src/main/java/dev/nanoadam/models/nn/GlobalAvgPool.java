package dev.nanoadam.models.nn;

import dev.nanoadam.models.math.ArrayMath;

/**
 * Global average pooling from channel-major {@code [C, N, H*W]} to row-major {@code [N, C]}, the
 * input of a classifier head (torchvision's {@code avgpool} followed by {@code flatten}).
 */
public final class GlobalAvgPool {
    private GlobalAvgPool() {
    }

    /** {@code y[img, c] = mean over pixels of x[c, img, :]}. */
    public static void forward(float[] x, float[] y, int channels, int n, int hw) {
        float inv = 1f / hw;
        for (int c = 0; c < channels; c++) {
            for (int img = 0; img < n; img++) {
                y[img * channels + c] = ArrayMath.sum(x, (c * n + img) * hw, hw) * inv;
            }
        }
    }

    /** {@code dx[c, img, p] = dy[img, c] / hw}: overwrites dx. */
    public static void backward(float[] dy, float[] dx, int channels, int n, int hw) {
        float inv = 1f / hw;
        for (int c = 0; c < channels; c++) {
            for (int img = 0; img < n; img++) {
                java.util.Arrays.fill(dx, (c * n + img) * hw, (c * n + img + 1) * hw, dy[img * channels + c] * inv);
            }
        }
    }
}
