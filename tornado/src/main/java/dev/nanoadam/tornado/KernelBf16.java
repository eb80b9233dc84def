package dev.nanoadam.tornado;

/**
 * SPEC.md §5's bfloat16 store and load with float arithmetic and integer operations only, for
 * kernels: TornadoVM's OpenCL code generator has no bit reinterpretation between float and int
 * ({@code Float.floatToRawIntBits} and {@code Float.intBitsToFloat} stop its compiler with
 * "unimplemented"), so the bit-pattern formulas of {@code SpecMath.bf16} cannot be used on the device.
 * Every multiplication here is by a power of two on a value that stays in float range, hence exact;
 * the results equal {@code SpecMath.bf16}/{@code SpecMath.bf16ToFloat} for every input (tested
 * against them on the host).
 */
final class KernelBf16 {
    private KernelBf16() {
    }

    private static final float P64 = 18446744073709551616f;          // 2^64
    private static final float M64 = 5.421010862427522e-20f;         // 2^-64

    /**
     * bfloat16 load: the value of bit pattern {@code bits} (exact).
     *
     * @param nan a NaN, handed in at run time: TornadoVM 5.2 writes a NaN constant as {@code NaNF},
     *            which OpenCL C does not know
     */
    static float load(short bits, float nan) {
        int u = bits & 0xFFFF;
        int exponent = (u >> 7) & 0xFF;
        int mantissa = u & 0x7F;
        float magnitude;
        if (exponent == 0xFF) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : nan;
        } else if (exponent == 0) {
            magnitude = mantissa * M64 * M64 * 0.03125f;             // mantissa * 2^-133
        } else {
            magnitude = scale(128 + mantissa, exponent - 134);       // (128 + mantissa) * 2^(e - 134)
        }
        return (u >> 15) != 0 ? -magnitude : magnitude;
    }

    /** bfloat16 store: round to nearest even, every NaN to 0x7FC0. */
    static short store(float x) {
        if (x != x) {
            return (short) 0x7FC0;
        }
        // The sign without a compound condition (TornadoVM 5.2 lowers some of those wrongly):
        // x itself, or for a zero 1/x, which is -Infinity for -0.
        float signed = x;
        if (x == 0f) {
            signed = 1f / x;
        }
        boolean negative = signed < 0f;
        float a = negative ? -x : x;
        int bits;
        if (a > Float.MAX_VALUE) {
            bits = 0x7F80;
        } else if (a == 0f) {
            bits = 0;
        } else {
            int e = exponent(a);
            if (e >= -126) {
                // Normal: 8 significant bits, r in [128, 256]; a carry to 256 moves into the exponent.
                bits = (e + 127) * 128 + roundHalfEven(scale(a, -e) * 128f) - 128;
            } else {
                // Subnormal in float and in bfloat16: units of 2^-133, r in [0, 128].
                bits = roundHalfEven(a * P64 * P64 * 32f);
            }
        }
        return (short) (negative ? bits | 0x8000 : bits);
    }

    /** floor(log2(a)) for finite a > 0, by exact power-of-two scaling. */
    private static int exponent(float a) {
        float t = a;
        int e = 0;
        if (t >= 2f) {
            if (t >= P64) { t = t * M64; e += 64; }
            if (t >= 4294967296f) { t = t * 2.3283064365386963e-10f; e += 32; }
            if (t >= 65536f) { t = t * 1.52587890625e-5f; e += 16; }
            if (t >= 256f) { t = t * 0.00390625f; e += 8; }
            if (t >= 16f) { t = t * 0.0625f; e += 4; }
            if (t >= 4f) { t = t * 0.25f; e += 2; }
            if (t >= 2f) { e += 1; }
        } else if (t < 1f) {
            if (t < 1.0842021724855044e-19f) { t = t * P64; e -= 64; }   // t < 2^-63
            if (t < 1.0842021724855044e-19f) { t = t * P64; e -= 64; }
            if (t < 4.656612873077393e-10f) { t = t * 4294967296f; e -= 32; } // t < 2^-31
            if (t < 3.0517578125e-5f) { t = t * 65536f; e -= 16; }           // t < 2^-15
            if (t < 0.0078125f) { t = t * 256f; e -= 8; }                    // t < 2^-7
            if (t < 0.125f) { t = t * 16f; e -= 4; }                          // t < 2^-3
            if (t < 0.5f) { t = t * 4f; e -= 2; }                             // t < 2^-1
            if (t < 1f) { e -= 1; }
        }
        return e;
    }

    /** x * 2^k for |k| <= 190, exact while the result and the steps stay in float range. */
    private static float scale(float x, int k) {
        float t = x;
        int left = k;
        while (left >= 64) { t = t * P64; left -= 64; }
        while (left <= -64) { t = t * M64; left += 64; }
        if (left >= 32) { t = t * 4294967296f; left -= 32; }
        if (left <= -32) { t = t * 2.3283064365386963e-10f; left += 32; }
        if (left >= 16) { t = t * 65536f; left -= 16; }
        if (left <= -16) { t = t * 1.52587890625e-5f; left += 16; }
        if (left >= 8) { t = t * 256f; left -= 8; }
        if (left <= -8) { t = t * 0.00390625f; left += 8; }
        if (left >= 4) { t = t * 16f; left -= 4; }
        if (left <= -4) { t = t * 0.0625f; left += 4; }
        if (left >= 2) { t = t * 4f; left -= 2; }
        if (left <= -2) { t = t * 0.25f; left += 2; }
        if (left == 1) { t = t * 2f; }
        if (left == -1) { t = t * 0.5f; }
        return t;
    }

    /** Round half to even of 0 <= u < 2^23. */
    private static int roundHalfEven(float u) {
        int i = (int) u;
        float f = u - i;
        if (f > 0.5f) {
            i++;
        } else if (f == 0.5f) {
            i += i & 1;
        }
        return i;
    }
}
