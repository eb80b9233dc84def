package dev.nanoadam;

/**
 * The 8-bit dynamic (tree) quantization maps of Dettmers et al., "8-bit Optimizers via Block-wise
 * Quantization" (ICLR 2022), as bitsandbytes builds them ({@code create_dynamic_map} with 7
 * exponent bits): 256 values in [-1, 1] (signed, for the first moment) or [0, 1] (unsigned, for the
 * second), each a decimal magnitude {@code 10^(i-6)}, i = 0..6, times the midpoints of a linear grid on
 * [0.1, 1] that doubles in resolution with i, plus 0 and 1. Each value is computed in double and
 * rounded once to float; the table is sorted ascending.
 */
final class DynamicMap {
    private DynamicMap() {
    }

    /** The signed map (first moment): 127 positive, 127 negative values, 0 and 1. */
    static final float[] SIGNED = build(true);
    /** The unsigned map (second moment): 254 positive values, 0 and 1. */
    static final float[] UNSIGNED = build(false);
    /** Code of 0 in {@link #SIGNED}. */
    static final int SIGNED_ZERO = indexOf(SIGNED, 0f);
    /** Code of 0 in {@link #UNSIGNED}. */
    static final int UNSIGNED_ZERO = indexOf(UNSIGNED, 0f);

    private static float[] build(boolean signed) {
        double[] values = new double[256];
        int n = 0;
        for (int i = 0; i < 7; i++) {
            int items = signed ? (1 << i) + 1 : (1 << (i + 1)) + 1;   // grid points; items - 1 midpoints
            double scale = Math.pow(10, i - 6);
            for (int j = 0; j < items - 1; j++) {
                double lo = 0.1 + 0.9 * j / (items - 1);
                double hi = 0.1 + 0.9 * (j + 1) / (items - 1);
                double mean = (lo + hi) / 2;
                values[n++] = scale * mean;
                if (signed) {
                    values[n++] = -scale * mean;
                }
            }
        }
        values[n++] = 0;
        values[n++] = 1;
        if (n != 256) {
            throw new AssertionError("dynamic map has " + n + " values");
        }
        float[] map = new float[256];
        for (int i = 0; i < 256; i++) {
            map[i] = (float) values[i];
        }
        java.util.Arrays.sort(map);
        return map;
    }

    private static int indexOf(float[] map, float x) {
        for (int i = 0; i < map.length; i++) {
            if (map[i] == x) {
                return i;
            }
        }
        throw new AssertionError(x + " not in the map");
    }

    /**
     * The code of the map value nearest to {@code x}; of two equally near, the lower code. Binary
     * search for the bracket {@code map[j] <= x < map[j+1]}, then one comparison of the two distances,
     * each computed as one float subtraction (so that a linear scan for the smallest
     * {@code |x - map[i]|} gives the same code). NaN gets code 0 (only reachable under
     * {@link NonFinitePolicy#NONE}, where the block's absmax is NaN too).
     */
    static int quantize(float[] map, float x) {
        if (!(x > map[0])) {
            return 0;
        }
        if (x >= map[255]) {
            return 255;
        }
        // the largest lo with map[lo] <= x, in eight fixed halvings (no data-dependent loop exit, so
        // the JIT can use conditional moves instead of unpredictable branches)
        int lo = 0;
        lo = map[lo + 128] <= x ? lo + 128 : lo;
        lo = map[lo + 64] <= x ? lo + 64 : lo;
        lo = map[lo + 32] <= x ? lo + 32 : lo;
        lo = map[lo + 16] <= x ? lo + 16 : lo;
        lo = map[lo + 8] <= x ? lo + 8 : lo;
        lo = map[lo + 4] <= x ? lo + 4 : lo;
        lo = map[lo + 2] <= x ? lo + 2 : lo;
        lo = map[lo + 1] <= x ? lo + 1 : lo;
        int hi = lo + 1;   // map[hi] > x, and hi <= 255 because x < map[255]
        float below = x - map[lo];
        float above = map[hi] - x;
        return above < below ? hi : lo;
    }
}
