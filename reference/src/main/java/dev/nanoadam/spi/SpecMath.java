package dev.nanoadam.spi;

/**
 * The small pieces of SPEC.md that every backend shares bit for bit: selection keys (§4), the
 * per-chunk K (§4), bfloat16 storage (§5) and the non-finite test (§7). Plain scalar code; kernels
 * on other devices implement the same formulas.
 */
public final class SpecMath {
    private SpecMath() {
    }

    /** Largest 31-bit key; every NaN maps to it (SPEC.md §4). */
    public static final int MAX_KEY = 0x7FFFFFFF;

    /** Bits of a float's exponent field; all set means infinite or NaN. */
    public static final int EXPONENT_BITS = 0x7F800000;

    /** {@code key(x)} of SPEC.md §4: the magnitude's bit pattern, +0 and -0 tied, NaN above +Inf. */
    public static int magnitudeKey(float x) {
        int abs = Float.floatToRawIntBits(x) & MAX_KEY;
        return abs > EXPONENT_BITS ? MAX_KEY : abs;
    }

    /** SplitMix64's finaliser (SPEC.md §4). */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** RANDOM's key {@code h} of flat index {@code i} (SPEC.md §4): a 31-bit non-negative int. */
    public static int randomKey(long seed, long t, int paramIndex, int i) {
        long z = seed ^ (t * 0x9E3779B97F4A7C15L) ^ ((long) paramIndex << 40) ^ i;
        return (int) (mix(z) >>> 33);
    }

    /** {@code K_c = clamp(ceil(k*L - 1e-9), 1, L)} for a chunk of length {@code L >= 1} (SPEC.md §4). */
    public static int chunkK(double k, int length) {
        double raw = Math.ceil(k * length - 1e-9);
        if (raw < 1) {
            return 1;
        }
        return raw > length ? length : (int) raw;
    }

    /** bfloat16 store: round to nearest even, every NaN to 0x7FC0 (SPEC.md §5). */
    public static short bf16(float x) {
        if (x != x) {
            return (short) 0x7FC0;
        }
        int bits = Float.floatToRawIntBits(x);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** bfloat16 load: exact. */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat(b << 16);
    }

    /** Whether {@code x} is NaN or infinite. */
    public static boolean nonFinite(float x) {
        return (Float.floatToRawIntBits(x) & EXPONENT_BITS) == EXPONENT_BITS;
    }
}
