package dev.nanoadam.experiments.analysis;

import java.util.Arrays;

/**
 * The paper's Eq. (1): how strongly large gradients sit on small weights in one tensor.
 *
 * <p>Rank the entries by |gradient| (ties by index, lower first). Of the {@code top} fraction with
 * the largest |gradient|, take the median |weight|: {@code w_top}. Of the {@code bottom} fraction
 * with the smallest |gradient|, take the largest |weight|: {@code w_bottom}. Then
 * {@code r = w_top / w_bottom}; a small r means the weights that get large gradients are small
 * compared to the rest (the "hyperbolic" shape of the paper's Figure 1). The paper uses top 0.01%
 * and bottom 80%. Counts are {@code max(1, ceil(top * n))} and {@code max(1, floor(bottom * n))};
 * the median of an even count is the mean of the two middle values.
 */
public final class GradientWeightRatio {

    /**
     * Eq. (1) for one tensor.
     *
     * @param topCount entries in the large-gradient set
     * @param bottomCount entries in the small-gradient set
     * @param medianTopWeight median |w| of the large-gradient set
     * @param maxBottomWeight largest |w| of the small-gradient set
     * @param r {@code medianTopWeight / maxBottomWeight} (infinite or NaN if the latter is 0)
     */
    public record Ratio(String name, int size, int topCount, int bottomCount, double medianTopWeight,
                        double maxBottomWeight, double r) {
    }

    private GradientWeightRatio() {
    }

    /**
     * Computes Eq. (1) for {@code weights} and their {@code gradients}.
     *
     * @throws IllegalArgumentException if the arrays differ in length or are empty, a gradient or
     *     weight is not finite, or a fraction is outside {@code (0, 1]}
     */
    public static Ratio of(String name, float[] weights, float[] gradients, double top, double bottom) {
        int n = weights.length;
        if (n == 0 || gradients.length != n) {
            throw new IllegalArgumentException(name + ": need as many gradients as weights, at least one, got "
                    + n + " weights and " + gradients.length + " gradients");
        }
        if (!(top > 0 && top <= 1) || !(bottom > 0 && bottom <= 1)) {
            throw new IllegalArgumentException(name + ": fractions must be in (0, 1], got top " + top + " and bottom " + bottom);
        }
        // Sort keys: |g|'s bits (non-negative floats order like their bit patterns) above the index.
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(gradients[i]) || !Float.isFinite(weights[i])) {
                throw new IllegalArgumentException(name + ": entry " + i + " is not finite (weight " + weights[i]
                        + ", gradient " + gradients[i] + ")");
            }
            keys[i] = ((long) Float.floatToRawIntBits(Math.abs(gradients[i])) << 32) | i;
        }
        Arrays.sort(keys);
        int topCount = (int) Math.max(1, Math.min(n, Math.ceil(top * n)));
        int bottomCount = (int) Math.max(1, Math.min(n, Math.floor(bottom * n)));
        float[] topWeights = new float[topCount];
        for (int j = 0; j < topCount; j++) {
            topWeights[j] = Math.abs(weights[(int) keys[n - 1 - j]]);
        }
        Arrays.sort(topWeights);
        double median = topCount % 2 == 1 ? topWeights[topCount / 2]
                : ((double) topWeights[topCount / 2 - 1] + topWeights[topCount / 2]) / 2;
        float max = 0f;
        for (int j = 0; j < bottomCount; j++) {
            max = Math.max(max, Math.abs(weights[(int) keys[j]]));
        }
        return new Ratio(name, n, topCount, bottomCount, median, max, median / max);
    }
}
